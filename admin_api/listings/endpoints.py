"""Services, organisations and taxonomies: HSDS-shaped reads, scoped writes, no lost edits."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select, exists, func, or_, select

from admin_api.accounts.models import Role
from admin_api.deps import Caller, CallerDep, SessionDep, require
from admin_api.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
)
from admin_api.listings.pages import Page, PageNumber, PerPage, page_of, paginate
from admin_api.versioning import expected_version, patched
from services_directory.audit import Actor
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
    TaxonomyTerm,
)
from services_directory.listings.schemas import (
    EDITABLE_FIELDS,
    OrganizationIn,
    OrganizationPatch,
    ServiceFields,
)
from services_directory.taxonomy import CATEGORY_TAXONOMY, ELIGIBILITY_TAXONOMY

router = APIRouter(tags=["directory"])
ReviewState = Literal["draft", "pending_review", "published", "archived"]
WorkflowAction = Literal["submit", "publish", "reject", "archive", "restore"]
_REVIEWER_ONLY = {"publish", "reject", "restore"}


def _actor(caller: Caller) -> Actor:
    return Actor(caller.account.id, f"{caller.role.value}:{caller.account.name}")


def visible(caller: Caller, statement: Select[Any]) -> Select[Any]:
    """Limit a query of services to what the caller may read."""
    if caller.role is Role.CITY_ADMIN:
        return statement
    published = Service.review_state == "published"
    if caller.role is Role.ASSOCIATION:
        return statement.where(or_(published, Service.organization_id == caller.organization_id))
    return statement.where(published)


async def _writable(caller: Caller, session: SessionDep, service_id: str) -> Service:
    """Return a service the caller may change; 404 for what it may not even see as its own."""
    if caller.role is Role.AUTHORITY:
        raise Forbidden("authority accounts read statistics; they do not edit listings")
    service = await listings.get_service(session, service_id, for_update=True)
    if service is None or (
        caller.role is Role.ASSOCIATION and service.organization_id != caller.organization_id
    ):
        raise NotFound("no such service")
    return service


def etag(service: Service) -> str:
    """Return the entity tag of a service's current version."""
    return f'"{service.version}"'


class ServiceOut(BaseModel):
    """A service as the API shows it: identity, review status and version, then its fields."""

    id: str
    organization_id: str
    status: ReviewState
    version: int
    updated_at: dt.datetime | None
    fields: dict[str, Any]


class ServiceIn(ServiceFields):
    """A new service; associations may leave out their own organisation."""

    organization_id: str | None = Field(None, max_length=64)


class WorkflowIn(BaseModel):
    """A review step, with an optional note for the audit log."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=1000)


class AuditOut(BaseModel):
    """One audit entry."""

    at: dt.datetime
    actor: str
    action: str
    changes: dict[str, Any]


def _out(service: Service) -> ServiceOut:
    return ServiceOut(
        id=service.id,
        organization_id=service.organization_id,
        status=service.review_state,
        version=service.version,
        updated_at=service.updated_at,
        fields=listings.to_fields(service),
    )


def _with_etag(response: Response, service: Service) -> ServiceOut:
    response.headers["ETag"] = etag(service)
    return _out(service)


@router.get("/services")
async def list_services(
    caller: CallerDep,
    session: SessionDep,
    page: PageNumber = 1,
    per_page: PerPage = 25,
    search: Annotated[str | None, Query(max_length=100)] = None,
    taxonomy_term_id: Annotated[str | None, Query(max_length=64)] = None,
    organization_id: Annotated[str | None, Query(max_length=64)] = None,
    city: Annotated[str | None, Query(max_length=40)] = None,
    status: ReviewState | None = None,
    modified_after: dt.datetime | None = None,
) -> Page:
    """List services the caller may read; every parameter narrows the list further (HSDS)."""
    statement = visible(caller, select(Service)).order_by(Service.id)
    if search:
        pattern = f"%{search}%"
        translated = exists().where(
            ServiceTranslation.service_id == Service.id, ServiceTranslation.name.ilike(pattern)
        )
        statement = statement.where(or_(Service.name.ilike(pattern), translated))
    if taxonomy_term_id:
        category = taxonomy_term_id.split(".")[0]
        statement = statement.where(Service.category == category)
        if "." in taxonomy_term_id:
            statement = statement.where(
                exists().where(
                    ServiceAttribute.service_id == Service.id,
                    ServiceAttribute.taxonomy_term_id == taxonomy_term_id,
                )
            )
    if organization_id:
        statement = statement.where(Service.organization_id == organization_id)
    if city:
        statement = statement.where(
            exists().where(
                ServiceAtLocation.service_id == Service.id,
                ServiceAtLocation.location_id == Location.id,
                Location.city_id == city,
            )
        )
    if status:
        statement = statement.where(Service.review_state == status)
    if modified_after:
        statement = statement.where(Service.updated_at > modified_after)
    rows, total = await paginate(
        session, statement.options(*listings.service_options()), page=page, per_page=per_page
    )
    return page_of(
        [_out(s).model_dump(mode="json") for s in rows], total=total, page=page, per_page=per_page
    )


@router.get("/services/{service_id}")
async def get_service(
    service_id: str, caller: CallerDep, session: SessionDep, response: Response
) -> ServiceOut:
    """Return one service with its ETag."""
    statement = visible(caller, select(Service).where(Service.id == service_id))
    service = (await session.scalars(statement.options(*listings.service_options()))).one_or_none()
    if service is None:
        raise NotFound("no such service")
    return _with_etag(response, service)


@router.post("/services", status_code=201)
async def post_service(
    body: ServiceIn, caller: CallerDep, session: SessionDep, response: Response
) -> ServiceOut:
    """Create a draft service; associations create them for their own organisation only."""
    require(caller, Role.CITY_ADMIN, Role.ASSOCIATION)
    organization_id = body.organization_id
    if caller.role is Role.ASSOCIATION:
        if organization_id not in (None, caller.organization_id):
            raise NotFound("no such organization")
        organization_id = caller.organization_id
    if not organization_id or await session.get(Organization, organization_id) is None:
        raise InvalidInput("organization_id must name an existing organisation")
    fields = ServiceFields.model_validate(body.model_dump(exclude={"organization_id"}))
    created = await listings.create_service(
        session, organization_id=organization_id, fields=fields, actor=_actor(caller)
    )
    service = await listings.get_service(session, created.id)
    assert service is not None
    response.headers["Location"] = f"/api/v1/services/{service.id}"
    return _with_etag(response, service)


@router.patch("/services/{service_id}")
async def patch_service(
    service_id: str,
    caller: CallerDep,
    session: SessionDep,
    response: Response,
    body: Annotated[dict[str, Any], Body(description="the fields to change, and only those")],
    if_match: Annotated[str | None, Header()] = None,
) -> ServiceOut:
    """Change some fields of a service; If-Match must carry the ETag last read."""
    service = await _writable(caller, session, service_id)
    expected = expected_version(if_match)
    fields = patched(ServiceFields, listings.to_fields(service), body, EDITABLE_FIELDS)
    try:
        await listings.update_service(
            session, service=service, fields=fields, expected_version=expected, actor=_actor(caller)
        )
    except StaleVersion as stale:
        current = await listings.get_service(session, service_id) if stale.session_usable else None
        raise PreconditionFailed(
            str(stale), _out(current).model_dump(mode="json") if current else None
        ) from stale
    fresh = await listings.get_service(session, service_id)
    assert fresh is not None
    return _with_etag(response, fresh)


@router.post("/services/{service_id}/{action}")
async def workflow(
    service_id: str,
    action: WorkflowAction,
    caller: CallerDep,
    session: SessionDep,
    response: Response,
    body: WorkflowIn | None = None,
) -> ServiceOut:
    """Move a service through review: submit, publish, reject, archive, restore."""
    service = await _writable(caller, session, service_id)
    if action in _REVIEWER_ONLY:
        require(caller, Role.CITY_ADMIN)
    await listings.transition(
        session,
        service=service,
        action=action,
        actor=_actor(caller),
        note=body.note if body else None,
    )
    fresh = await listings.get_service(session, service_id)
    assert fresh is not None
    return _with_etag(response, fresh)


@router.get("/services/{service_id}/audit")
async def service_audit(service_id: str, caller: CallerDep, session: SessionDep) -> list[AuditOut]:
    """Return who changed what in a service (its organisation and city admins)."""
    await _writable(caller, session, service_id)
    return [
        AuditOut(at=e.at, actor=e.actor_label, action=e.action, changes=e.changes)
        for e in await listings.audit_trail(session, service_id)
    ]


class OrganizationOut(BaseModel):
    """An organisation."""

    id: str
    name: str
    description: str
    email: str | None
    website: str | None


def _org_out(organization: Organization) -> OrganizationOut:
    return OrganizationOut(**organizations.to_fields(organization))


@router.get("/organizations")
async def list_organizations(
    caller: CallerDep, session: SessionDep, page: PageNumber = 1, per_page: PerPage = 25
) -> Page:
    """List organisations (public information about who runs services)."""
    rows, total = await paginate(
        session, select(Organization).order_by(Organization.id), page=page, per_page=per_page
    )
    return page_of(
        [_org_out(o).model_dump() for o in rows], total=total, page=page, per_page=per_page
    )


@router.get("/organizations/{organization_id}")
async def get_organization(
    organization_id: str, caller: CallerDep, session: SessionDep
) -> OrganizationOut:
    """Return one organisation."""
    organization = await session.get(Organization, organization_id)
    if organization is None:
        raise NotFound("no such organization")
    return _org_out(organization)


@router.post("/organizations", status_code=201)
async def post_organization(
    body: OrganizationIn, caller: CallerDep, session: SessionDep
) -> OrganizationOut:
    """Create an organisation (city admins only)."""
    require(caller, Role.CITY_ADMIN)
    return _org_out(await organizations.create_organization(session, fields=body))


@router.patch("/organizations/{organization_id}")
async def patch_organization(
    organization_id: str, body: OrganizationPatch, caller: CallerDep, session: SessionDep
) -> OrganizationOut:
    """Change an organisation: a city admin any, an association its own (audited)."""
    require(caller, Role.CITY_ADMIN, Role.ASSOCIATION)
    if caller.role is Role.ASSOCIATION and caller.organization_id != organization_id:
        raise NotFound("no such organization")
    organization = await organizations.get_organization(session, organization_id, for_update=True)
    if organization is None:
        raise NotFound("no such organization")
    organization = await organizations.update_organization(
        session, organization=organization, patch=body, actor=_actor(caller)
    )
    return _org_out(organization)


class TaxonomyOut(BaseModel):
    """An HSDS taxonomy: a named set of terms."""

    id: str
    name: str
    description: str
    terms: int


_TAXONOMIES = {
    CATEGORY_TAXONOMY: (
        "Dalil categories",
        "The needs people ask about (health, housing, education, jobs, legal, social support, "
        "mobility), each with finer terms.",
    ),
    ELIGIBILITY_TAXONOMY: (
        "Dalil eligibility",
        "Who may use a service: no papers needed, women only, minors...",
    ),
}


@router.get("/taxonomies")
async def list_taxonomies(caller: CallerDep, session: SessionDep) -> list[TaxonomyOut]:
    """List the taxonomies whose terms classify services (HSDS `taxonomy`)."""
    rows = await session.execute(
        select(TaxonomyTerm.taxonomy, func.count()).group_by(TaxonomyTerm.taxonomy)
    )
    counts: dict[str, int] = {taxonomy: count for taxonomy, count in rows.tuples()}
    return [
        TaxonomyOut(id=key, name=name, description=description, terms=counts.get(key, 0))
        for key, (name, description) in _TAXONOMIES.items()
    ]


@router.get("/taxonomies/{taxonomy_id}")
async def get_taxonomy(taxonomy_id: str, caller: CallerDep, session: SessionDep) -> TaxonomyOut:
    """Return one taxonomy."""
    for taxonomy in await list_taxonomies(caller, session):
        if taxonomy.id == taxonomy_id:
            return taxonomy
    raise NotFound("no such taxonomy")


class TermOut(BaseModel):
    """A taxonomy term."""

    id: str
    taxonomy: str
    parent_id: str | None
    name: str


@router.get("/taxonomy_terms")
async def list_terms(
    caller: CallerDep,
    session: SessionDep,
    taxonomy: Annotated[str | None, Query(max_length=64)] = None,
    taxonomy_id: Annotated[str | None, Query(max_length=64)] = None,
    parent_id: Annotated[str | None, Query(max_length=64)] = None,
    top_only: bool = False,
) -> list[TermOut]:
    """List the categories, their finer terms and the eligibility terms (filters add up)."""
    statement = select(TaxonomyTerm).order_by(TaxonomyTerm.id)
    for value in {taxonomy, taxonomy_id} - {None}:
        statement = statement.where(TaxonomyTerm.taxonomy == value)
    if parent_id:
        statement = statement.where(TaxonomyTerm.parent_id == parent_id)
    if top_only:
        statement = statement.where(TaxonomyTerm.parent_id.is_(None))
    return [
        TermOut(id=t.id, taxonomy=t.taxonomy, parent_id=t.parent_id, name=t.name)
        for t in await session.scalars(statement)
    ]
