"""What a caller may do with services and organisations: the rules behind the API and the portal.

Each function checks the caller's role and scope, then calls the directory's own service, which
keeps review states, versions and the audit log. They flush; the request commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, Text, and_, cast, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from admin_api.accounts.models import Role
from admin_api.deps import Caller, require
from admin_api.errors import Forbidden, InvalidInput, NotFound, PreconditionRequired
from admin_api.listings.pages import paginate
from admin_api.versioning import Edit
from services_directory.audit import AuditEntry
from services_directory.errors import StaleVersion
from services_directory.listings import organizations
from services_directory.listings import service as listings
from services_directory.listings.models import (
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceTranslation,
)
from services_directory.listings.schemas import (
    EDITABLE_FIELDS,
    OrganizationIn,
    OrganizationPatch,
    ServiceFields,
)

# A reviewer's steps; the others are the editor's own. Restoring is the editor's too: a
# service taken out by mistake comes back as a draft, which is reviewed again to be published.
REVIEWER_ONLY = frozenset({"publish", "reject"})


@dataclass(frozen=True, slots=True)
class ServiceFilter:
    """What narrows a list of services (HSDS); every field set narrows it further."""

    search: str | None = None
    taxonomy_term_id: str | None = None
    organization_id: str | None = None
    city: str | None = None
    status: str | None = None
    modified_after: dt.datetime | None = None


# The review queue's filter: new services submitted, and changes to published ones.
TO_REVIEW = "to_review"
# The portal list's filter: every state but archived (taken out of the directory).
NOT_ARCHIVED = "not_archived"


def has_pending() -> ColumnElement[bool]:
    """The condition that a service holds changes waiting for review (JSON null is none)."""
    return and_(Service.pending.is_not(None), cast(Service.pending, Text) != "null")


def visible(caller: Caller, statement: Select[Any]) -> Select[Any]:
    """Limit a query of services to what the caller may read."""
    if caller.role is Role.CITY_ADMIN:
        return statement
    published = Service.review_state == "published"
    if caller.role is Role.ASSOCIATION:
        return statement.where(or_(published, Service.organization_id == caller.organization_id))
    return statement.where(published)


def _filtered(statement: Select[Any], wanted: ServiceFilter) -> Select[Any]:
    if wanted.search:
        pattern = f"%{wanted.search}%"
        translated = exists().where(
            ServiceTranslation.service_id == Service.id, ServiceTranslation.name.ilike(pattern)
        )
        statement = statement.where(or_(Service.name.ilike(pattern), translated))
    if wanted.taxonomy_term_id:
        category = wanted.taxonomy_term_id.split(".")[0]
        statement = statement.where(Service.category == category)
        if "." in wanted.taxonomy_term_id:
            statement = statement.where(
                exists().where(
                    ServiceAttribute.service_id == Service.id,
                    ServiceAttribute.taxonomy_term_id == wanted.taxonomy_term_id,
                )
            )
    if wanted.organization_id:
        statement = statement.where(Service.organization_id == wanted.organization_id)
    if wanted.city:
        statement = statement.where(
            exists().where(
                ServiceAtLocation.service_id == Service.id,
                ServiceAtLocation.location_id == Location.id,
                Location.city_id == wanted.city,
            )
        )
    if wanted.status == TO_REVIEW:
        statement = statement.where(
            or_(
                Service.review_state == "pending_review",
                and_(Service.review_state == "published", has_pending()),
            )
        )
    elif wanted.status == NOT_ARCHIVED:
        statement = statement.where(Service.review_state != "archived")
    elif wanted.status:
        statement = statement.where(Service.review_state == wanted.status)
    if wanted.modified_after:
        statement = statement.where(Service.updated_at > wanted.modified_after)
    return statement


async def list_services(
    session: AsyncSession, caller: Caller, wanted: ServiceFilter, *, page: int, per_page: int
) -> tuple[list[Service], int]:
    """Return a page of the services the caller may read that `wanted` lets through, and a total."""
    statement = _filtered(visible(caller, select(Service)).order_by(Service.id), wanted)
    return await paginate(
        session, statement.options(*listings.service_options()), page=page, per_page=per_page
    )


async def read_service(session: AsyncSession, caller: Caller, service_id: str) -> Service:
    """Return a service the caller may read; 404 for any other."""
    statement = visible(caller, select(Service).where(Service.id == service_id))
    found = await session.scalars(statement.options(*listings.service_options()))
    service: Service | None = found.one_or_none()
    if service is None:
        raise NotFound("no such service")
    return service


async def writable_service(session: AsyncSession, caller: Caller, service_id: str) -> Service:
    """Return a service the caller may change, locked; 404 for what it may not see as its own."""
    if caller.role is Role.AUTHORITY:
        raise Forbidden("authority accounts read statistics; they do not edit listings")
    service = await listings.get_service(session, service_id, for_update=True)
    if service is None or (
        caller.role is Role.ASSOCIATION and service.organization_id != caller.organization_id
    ):
        raise NotFound("no such service")
    return service


def organization_scope(caller: Caller, organization_id: str | None) -> str | None:
    """Return the organisation an editor acts for: an association always its own; else 404."""
    require(caller, Role.CITY_ADMIN, Role.ASSOCIATION)
    if caller.role is Role.ASSOCIATION:
        if organization_id not in (None, caller.organization_id):
            raise NotFound("no such organization")
        return caller.organization_id
    return organization_id


async def _shown(session: AsyncSession, service: Service) -> Service:
    # Read again with all it shows: the search index reloads the service without some of its
    # parts, and the database's updated_at is not read back by a write.
    shown = await listings.get_service(session, service.id)
    if shown is None:
        raise NotFound("no such service")
    return shown


async def create_service(
    session: AsyncSession, caller: Caller, *, organization_id: str | None, fields: ServiceFields
) -> Service:
    """Create a draft service; associations create them for their own organisation only."""
    organization_id = organization_scope(caller, organization_id)
    if not organization_id or await session.get(Organization, organization_id) is None:
        raise InvalidInput("organization_id must name an existing organisation")
    service = await listings.create_service(
        session, organization_id=organization_id, fields=fields, actor=caller.actor
    )
    return await _shown(session, service)


async def edit_service(
    session: AsyncSession, caller: Caller, service_id: str, edit: Edit
) -> Service:
    """Change some fields of a service, if the version edited is current (else StaleVersion)."""
    service = await writable_service(session, caller, service_id)
    fields, expected = edit.applied(ServiceFields, listings.to_fields(service), EDITABLE_FIELDS)
    await listings.update_service(
        session, service=service, fields=fields, expected_version=expected, actor=caller.actor
    )
    return await _shown(session, service)


async def decide_changes(
    session: AsyncSession, caller: Caller, service_id: str, *, approve: bool, edit: Edit,
    note: str | None = None,
) -> Service:  # fmt: skip
    """Publish (`approve`) or drop an association's pending changes (city admins)."""
    require(caller, Role.CITY_ADMIN)
    service = await writable_service(session, caller, service_id)
    if edit.expected_version is None:
        raise PreconditionRequired("send If-Match with the ETag of the changes you reviewed")
    await listings.decide_pending(
        session, service=service, expected_version=edit.expected_version, approve=approve,
        actor=caller.actor, note=note,
    )  # fmt: skip
    return await _shown(session, service)


async def move_service(
    session: AsyncSession, caller: Caller, *, service_id: str, action: str, note: str | None,
    expected_version: int | None = None,
) -> Service:  # fmt: skip
    """Move a service through review; publishing, rejecting and restoring are for reviewers.

    With `expected_version`, only the version the caller read is moved (else StaleVersion):
    a reviewer never publishes changes made after the page they decided on.
    """
    service = await writable_service(session, caller, service_id)
    if action in REVIEWER_ONLY:
        require(caller, Role.CITY_ADMIN)
    if expected_version is not None and expected_version != service.version:
        raise StaleVersion("service", service.version)
    await listings.transition(
        session, service=service, action=action, actor=caller.actor, note=note
    )
    return await _shown(session, service)


async def service_audit(session: AsyncSession, caller: Caller, service_id: str) -> list[AuditEntry]:
    """Return who changed what in a service, for those who may change it."""
    await writable_service(session, caller, service_id)
    return await listings.audit_trail(session, service_id)


async def read_organization(session: AsyncSession, organization_id: str) -> Organization:
    """Return an organisation (public information: anyone signed in reads it); else 404."""
    organization = await organizations.get_organization(session, organization_id)
    if organization is None:
        raise NotFound("no such organization")
    return organization


async def create_organization(
    session: AsyncSession, caller: Caller, *, fields: OrganizationIn
) -> Organization:
    """Create an organisation (city admins only)."""
    require(caller, Role.CITY_ADMIN)
    return await organizations.create_organization(session, fields=fields)


async def edit_organization(
    session: AsyncSession, caller: Caller, *, organization_id: str, patch: OrganizationPatch
) -> Organization:
    """Change an organisation: a city admin any, an association its own (audited)."""
    organization_scope(caller, organization_id)
    organization = await organizations.get_organization(session, organization_id, for_update=True)
    if organization is None:
        raise NotFound("no such organization")
    return await organizations.update_organization(
        session, organization=organization, patch=patch, actor=caller.actor
    )
