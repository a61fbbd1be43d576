"""The city team's review queue: each pending change as a diff, published or sent back."""

from __future__ import annotations

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from admin_api.accounts.models import Role
from admin_api.deps import SessionDep, require
from admin_api.listings import review
from admin_api.listings import service as rules
from admin_api.portal import i18n
from admin_api.portal.auth import SignedDep
from admin_api.portal.kept import KeptFormDep
from admin_api.portal.pages import PageError, PortalRoute, render, see_other
from admin_api.portal.service_pages import shown_name
from admin_api.portal.summary import compared, summary
from admin_api.versioning import Edit
from services_directory.errors import StaleVersion

router = APIRouter(route_class=PortalRoute, include_in_schema=False)
PER_PAGE = 50


@router.get("/portal/review")
async def queue_page(
    request: Request, signed: SignedDep, session: SessionDep, page: int = Query(1, ge=1, le=10_000)
) -> Response:
    """List the services waiting for review, oldest first."""
    require(signed.caller, Role.CITY_ADMIN)
    pending = rules.ServiceFilter(status=rules.TO_REVIEW)
    rows, total = await rules.list_services(
        session, signed.caller, pending, page=page, per_page=PER_PAGE
    )
    locale = i18n.chosen(request)
    context = {
        "signed": signed, "csrf": signed.csrf, "total": total, "page": page,
        "per_page": PER_PAGE, "notice": request.query_params.get("notice"),
        "services": [(s, shown_name(s, locale)) for s in rows],
    }  # fmt: skip
    return render(request, "review_queue.html", context)


async def _review_page(
    request: Request, signed: SignedDep, session: SessionDep, service_id: str, *,
    error: str | None = None, status: int = 200,
) -> Response:  # fmt: skip
    service, before, after = await review.pending_change(session, signed.caller, service_id)
    locale = i18n.chosen(request)
    old = summary(before, locale) if before is not None else None
    languages, others = compared(old, summary(after, locale))
    context = {
        "signed": signed, "csrf": signed.csrf, "service": service, "new": before is None,
        "name": shown_name(service, locale), "texts": languages, "others": others,
        "error": error, "version": service.version, "proposed": service.changes_proposed,
    }  # fmt: skip
    return render(request, "review.html", context, status=status)


@router.get("/portal/review/{service_id}")
async def review_page(
    service_id: str, request: Request, signed: SignedDep, session: SessionDep
) -> Response:
    """Show what publishing a service would change, per language."""
    return await _review_page(request, signed, session, service_id)


@router.post("/portal/review/{service_id}")
async def decide(
    service_id: str, request: Request, signed_form: KeptFormDep, session: SessionDep
) -> Response:
    """Publish the service, or send it back to its association with a note."""
    signed, form = signed_form
    action = form.get("action")
    note = form.get("note", "").strip()[:1000] or None
    if action not in {"publish", "reject"}:
        raise PageError(await _review_page(request, signed, session, service_id, status=422))
    if action == "reject" and not note:
        page = await _review_page(request, signed, session, service_id, error="note", status=422)
        raise PageError(page)
    try:
        # The version the page showed: what was proposed since is never decided on unseen.
        version = int(form.get("version", ""))
        service = await rules.writable_service(session, signed.caller, service_id)
        if service.changes_proposed:
            await rules.decide_changes(
                session, signed.caller, service_id, approve=action == "publish",
                edit=Edit({}, version), note=note,
            )  # fmt: skip
        else:
            await rules.move_service(
                session, signed.caller, service_id=service_id, action=action, note=note,
                expected_version=version,
            )  # fmt: skip
    except (StaleVersion, ValueError) as stale:
        # Nothing was written; the page shows the changes as they are now.
        page = await _review_page(request, signed, session, service_id, error="changed", status=409)
        raise PageError(page) from stale
    return see_other(f"/portal/review?notice={action}ed")
