"""Services: HSDS-shaped reads, scoped writes, no lost edits."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header, Query, Response

from admin_api.deps import CallerDep, SessionDep, SessionsDep
from admin_api.listings import service as rules
from admin_api.listings.pages import Page, PageNumber, PerPage, page_of
from admin_api.listings.schemas import (
    AuditOut,
    ReviewState,
    ServiceIn,
    ServiceOut,
    WorkflowAction,
    WorkflowIn,
    audit_out,
    service_out,
)
from admin_api.versioning import Edit, edited, expected_version, with_etag
from services_directory.listings import service as listings
from services_directory.listings.schemas import ServiceFields

router = APIRouter(tags=["directory"])


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
    wanted = rules.ServiceFilter(
        search=search, taxonomy_term_id=taxonomy_term_id, organization_id=organization_id,
        city=city, status=status, modified_after=modified_after,
    )  # fmt: skip
    rows, total = await rules.list_services(session, caller, wanted, page=page, per_page=per_page)
    return page_of(
        [service_out(s).model_dump(mode="json") for s in rows],
        total=total,
        page=page,
        per_page=per_page,
    )


@router.get("/services/{service_id}")
async def get_service(
    service_id: str, caller: CallerDep, session: SessionDep, response: Response
) -> ServiceOut:
    """Return one service with its ETag."""
    service = await rules.read_service(session, caller, service_id)
    return with_etag(response, service_out(service))


@router.post("/services", status_code=201)
async def post_service(
    body: ServiceIn, caller: CallerDep, session: SessionDep, response: Response
) -> ServiceOut:
    """Create a draft service; associations create them for their own organisation only."""
    fields = ServiceFields.model_validate(body.model_dump(exclude={"organization_id"}))
    service = await rules.create_service(
        session, caller, organization_id=body.organization_id, fields=fields
    )
    response.headers["Location"] = f"/api/v1/services/{service.id}"
    return with_etag(response, service_out(service))


@router.patch("/services/{service_id}")
async def patch_service(
    service_id: str,
    caller: CallerDep,
    session: SessionDep,
    sessions: SessionsDep,
    response: Response,
    body: Annotated[dict[str, Any], Body(description="the fields to change, and only those")],
    if_match: Annotated[str | None, Header()] = None,
) -> ServiceOut:
    """Change some fields of a service; If-Match must carry the ETag last read."""
    edit = rules.edit_service(session, caller, service_id, Edit(body, expected_version(if_match)))
    reread = partial(listings.get_service, service_id=service_id)
    return await edited(response, edit, show=service_out, reread=reread, sessions=sessions)


@router.post("/services/{service_id}/changes/{decision}")
async def decide_changes(
    service_id: str,
    decision: Literal["approve", "reject"],
    caller: CallerDep,
    session: SessionDep,
    sessions: SessionsDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> ServiceOut:
    """Publish or drop an association's changes waiting for review (city admins).

    If-Match must carry the ETag of the version reviewed: changes proposed since are not
    published unseen (412).
    """
    edit = rules.decide_changes(
        session, caller, service_id, approve=decision == "approve",
        edit=Edit({}, expected_version(if_match)),
    )  # fmt: skip
    reread = partial(listings.get_service, service_id=service_id)
    return await edited(response, edit, show=service_out, reread=reread, sessions=sessions)


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
    service = await rules.move_service(
        session, caller, service_id=service_id, action=action, note=body.note if body else None
    )
    return with_etag(response, service_out(service))


@router.get("/services/{service_id}/audit")
async def service_audit(service_id: str, caller: CallerDep, session: SessionDep) -> list[AuditOut]:
    """Return who changed what in a service (its organisation and city admins)."""
    return [audit_out(entry) for entry in await rules.service_audit(session, caller, service_id)]
