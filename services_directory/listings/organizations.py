"""Creating and changing organisations, with an audit entry for each change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services_directory import audit
from services_directory.audit import Actor
from services_directory.errors import InvalidOrganization, OrganizationExists
from services_directory.listings.models import Organization
from services_directory.listings.schemas import OrganizationIn, OrganizationPatch


async def get_organization(
    session: AsyncSession, organization_id: str, *, for_update: bool = False
) -> Organization | None:
    """Return an organisation, or None; locked for the transaction if asked."""
    statement = select(Organization).where(Organization.id == organization_id)
    if for_update:
        # Editors of one organisation queue up here, so each audit entry says what it replaced.
        statement = statement.with_for_update().execution_options(populate_existing=True)
    return (await session.scalars(statement)).one_or_none()


def to_fields(organization: Organization) -> dict[str, Any]:
    """Return what an organisation shows, as plain JSON-ready data."""
    return {
        "id": organization.id,
        "name": organization.name,
        "description": organization.description,
        "email": organization.email,
        "website": organization.website,
    }


async def create_organization(session: AsyncSession, *, fields: OrganizationIn) -> Organization:
    """Create an organisation; OrganizationExists if its id is taken."""
    if await session.get(Organization, fields.id) is not None:
        raise OrganizationExists(f"organization {fields.id!r} exists")
    organization = Organization(**fields.model_dump(), is_sample=False)
    session.add(organization)
    await session.flush()
    return organization


async def update_organization(
    session: AsyncSession, *, organization: Organization, patch: OrganizationPatch, actor: Actor
) -> Organization:
    """Change the fields `patch` sets; audited when anything differs."""
    changes = patch.model_dump(exclude_unset=True)
    if changes.get("name", "") is None:
        raise InvalidOrganization("an organisation keeps a name")
    if "description" in changes and changes["description"] is None:
        changes["description"] = ""
    before = to_fields(organization)
    for key, value in changes.items():
        setattr(organization, key, value)
    changed = audit.changes(before, to_fields(organization))
    if changed:
        audit.record(
            session, actor, entity_type="organization", entity_id=organization.id,
            action="update", changes=changed,
        )  # fmt: skip
        await session.flush()
    return organization
