"""Organisations: who runs services, readable by every caller, changed by their own editors."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from admin_api.deps import CallerDep, SessionDep
from admin_api.listings import service as rules
from admin_api.listings.pages import Page, PageNumber, PerPage, page_of, paginate
from admin_api.listings.schemas import OrganizationOut, organization_out
from services_directory.listings.models import Organization
from services_directory.listings.schemas import OrganizationIn, OrganizationPatch

router = APIRouter(tags=["directory"])


@router.get("/organizations")
async def list_organizations(
    caller: CallerDep, session: SessionDep, page: PageNumber = 1, per_page: PerPage = 25
) -> Page:
    """List organisations (public information about who runs services)."""
    rows, total = await paginate(
        session, select(Organization).order_by(Organization.id), page=page, per_page=per_page
    )
    return page_of(
        [organization_out(o).model_dump() for o in rows], total=total, page=page, per_page=per_page
    )


@router.get("/organizations/{organization_id}")
async def get_organization(
    organization_id: str, caller: CallerDep, session: SessionDep
) -> OrganizationOut:
    """Return one organisation."""
    return organization_out(await rules.read_organization(session, organization_id))


@router.post("/organizations", status_code=201)
async def post_organization(
    body: OrganizationIn, caller: CallerDep, session: SessionDep
) -> OrganizationOut:
    """Create an organisation (city admins only)."""
    return organization_out(await rules.create_organization(session, caller, fields=body))


@router.patch("/organizations/{organization_id}")
async def patch_organization(
    organization_id: str, body: OrganizationPatch, caller: CallerDep, session: SessionDep
) -> OrganizationOut:
    """Change an organisation: a city admin any, an association its own (audited)."""
    organization = await rules.edit_organization(
        session, caller, organization_id=organization_id, patch=body
    )
    return organization_out(organization)
