"""An association's services: the list with their states, the form, submitting for review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Query
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response

from admin_api.accounts.models import Role
from admin_api.deps import SessionDep
from admin_api.listings import review
from admin_api.listings import service as rules
from admin_api.portal import i18n
from admin_api.portal import once as once_tokens
from admin_api.portal.auth import Signed, SignedDep, SignedFormDep, signed_anew
from admin_api.portal.kept import KeptFormDep
from admin_api.portal.pages import PageError, PortalRoute, render, see_other
from admin_api.portal.preview import previews
from admin_api.portal.service_form import (
    FormErrors,
    Values,
    changes_from,
    dated_count,
    next_day_at,
    phone_count,
    slot_count,
    values_of,
)
from admin_api.portal.summary import summary
from admin_api.versioning import Edit
from services_directory.categories import Category
from services_directory.cities.service import list_cities
from services_directory.errors import StaleVersion
from services_directory.listings import service as listings
from services_directory.listings.models import Organization, Service
from services_directory.listings.schemas import ServiceFields

router = APIRouter(route_class=PortalRoute, include_in_schema=False)
PER_PAGE = 50
# Where a new service's form sent again goes (the list, which shows the one created), by
# whether it asked to submit it too.
SENT_AGAIN = {False: "/portal/services", True: "/portal/services?notice=submitted"}


def shown_name(service: Service, locale: str) -> str:
    """Return a service's name in `locale`, or its default name."""
    for text in service.translations:
        if text.locale == locale:
            return text.name
    return service.name


@router.get("/portal/services")
async def services_page(
    request: Request, signed: SignedDep, session: SessionDep, page: int = Query(1, ge=1, le=10_000)
) -> Response:
    """List the services of the signed-in association (all of them, for the city team): those
    in the directory, or with `?shown=archived` those taken out of it."""
    caller = signed.caller
    archived = request.query_params.get("shown") == "archived"
    own = rules.ServiceFilter(
        organization_id=caller.organization_id,
        status="archived" if archived else rules.NOT_ARCHIVED,
    )
    rows, total = await rules.list_services(session, caller, own, page=page, per_page=PER_PAGE)
    taken_out = total
    if not archived:
        out = rules.ServiceFilter(organization_id=caller.organization_id, status="archived")
        _, taken_out = await rules.list_services(session, caller, out, page=1, per_page=1)
    locale = i18n.chosen(request)
    context = {
        "signed": signed, "csrf": signed.csrf, "page": page, "total": total,
        "per_page": PER_PAGE, "notice": request.query_params.get("notice"),
        "services": [(s, shown_name(s, locale)) for s in rows],
        "notes": await review.notes_sent_back(session, caller, rows),
        "archived": archived, "taken_out": taken_out,
    }  # fmt: skip
    return render(request, "services.html", context)


async def _form_context(
    request: Request, signed: Signed, session: SessionDep, values: Values, **extra: Any
) -> dict[str, Any]:
    locale = i18n.chosen(request)
    organizations: list[Organization] = []
    if signed.caller.role is Role.CITY_ADMIN and extra.get("service") is None:
        found = await session.scalars(select(Organization).order_by(Organization.name))
        organizations = list(found)
    return {
        "signed": signed, "csrf": signed.csrf, "values": values,
        "categories": [c.value for c in Category], "cities": await list_cities(session),
        "days": i18n.day_names(locale), "slots": slot_count(values),
        "phones": phone_count(values), "dated": dated_count(values), "organizations": organizations,
        "errors": {}, "service": None, "theirs": None, "previews": [],
        "once": once_tokens.new_token(), "next_day_at": next_day_at, **extra,
    }  # fmt: skip


@router.get("/portal/services/new")
async def new_service_page(request: Request, signed: SignedDep, session: SessionDep) -> Response:
    """Show an empty service form."""
    # Most services listed are free: the box starts ticked, as the API's default.
    context = await _form_context(request, signed, session, {"is_free": "on"})
    return render(request, "service_form.html", context)


@router.post("/portal/services/new")
async def create_service(
    request: Request, signed_form: KeptFormDep, session: SessionDep
) -> Response:
    """Create a draft service (and submit it for review, if asked)."""
    signed, form = signed_form
    try:
        fields = ServiceFields.model_validate(changes_from(form, None))
    except FormErrors as invalid:
        context = await _form_context(request, signed, session, form, errors=invalid.fields)
        raise PageError(render(request, "service_form.html", context, status=422)) from invalid
    # A new service has no version to guard it: a second tap on a slow network, or the
    # form sent again after going back, would create it twice.
    redis, once = request.app.state.redis, form.get("once", "")
    if not await once_tokens.first_use(redis, once):
        return see_other(SENT_AGAIN[form.get("then") == "submit"])
    organization_id = form.get("organization_id") or None
    try:
        service = await rules.create_service(
            session, signed.caller, organization_id=organization_id, fields=fields
        )
        return await _saved(session, signed, service.id, form)
    except BaseException:
        await once_tokens.release(redis, once)
        raise


async def _saved(
    session: SessionDep, signed: Signed, service_id: str, form: Values, *, state: str = "draft"
) -> Response:
    if form.get("then") == "submit" and state != "draft":
        return see_other(SENT_AGAIN[True])  # submitted already, by the form sent first
    if form.get("then") == "submit":
        await rules.move_service(
            session, signed.caller, service_id=service_id, action="submit", note=None
        )
        return see_other("/portal/services?notice=submitted")
    return see_other(f"/portal/services/{service_id}/edit?notice=saved")


@router.get("/portal/services/{service_id}/edit")
async def edit_service_page(
    service_id: str, request: Request, signed: SignedDep, session: SessionDep
) -> Response:
    """Show a service's form, filled."""
    service = await rules.writable_service(session, signed.caller, service_id)
    values = {**values_of(_shown_fields(service)), "version": str(service.version)}
    now = dt.datetime.now(dt.UTC)
    context = await _form_context(
        request, signed, session, values, service=service, proposed=service.changes_proposed,
        notice=request.query_params.get("notice"),
        previews=await previews(session, service, request.app.state.card_text, now),
    )  # fmt: skip
    return render(request, "service_form.html", context)


@router.post("/portal/services/{service_id}/edit")
async def edit_service(
    service_id: str, request: Request, signed_form: KeptFormDep, session: SessionDep
) -> Response:
    """Save a service's form over the version it was read in; else show both versions."""
    signed, form = signed_form
    service = await rules.writable_service(session, signed.caller, service_id)
    if form.get("version") != str(service.version) and _already_saved(_shown_fields(service), form):
        # Sent again (a tap that seemed lost, or back and send again): what is saved is this
        # very form, so there is no one else's version to show, and nothing to write.
        return await _saved(session, signed, service_id, form, state=service.review_state)
    current = listings.to_fields(service)
    try:
        changes = changes_from(form, current)
        version = int(form.get("version", ""))
        await rules.edit_service(session, signed.caller, service_id, Edit(changes, version))
    except FormErrors as invalid:
        context = await _form_context(
            request, signed, session, form, service=service, errors=invalid.fields
        )
        raise PageError(render(request, "service_form.html", context, status=422)) from invalid
    except (StaleVersion, ValueError) as stale:
        raise PageError(await _conflict(request, signed, service_id, form)) from stale
    return await _saved(session, signed, service_id, form)


def _shown_fields(service: Service) -> dict[str, Any]:
    # What the form shows: a published service's changes held for review are its
    # association's latest words (people still see the published version).
    fields = listings.to_fields(service)
    if service.changes_proposed:
        fields = {**fields, **(service.pending or {})}
    return fields


def _already_saved(fields: dict[str, Any], form: Values) -> bool:
    """Tell whether the form changes nothing of `fields`: the same form sent again."""
    try:
        changes = changes_from(form, fields)
    except FormErrors:
        return False
    mine = ServiceFields.model_validate({**fields, **changes}).model_dump(mode="json")
    return mine == ServiceFields.model_validate(fields).model_dump(mode="json")


async def _conflict(request: Request, signed: Signed, service_id: str, form: Values) -> Response:
    # Read what is saved now in a session of its own: the request's may be unusable after a
    # write that lost the race, and it is rolled back anyway. A plain read, not a locking
    # one: the request's transaction still holds the row's lock until it rolls back.
    async with request.app.state.sessions() as session, session.begin():
        signed = await signed_anew(session, signed)
        service = await rules.read_service(session, signed.caller, service_id)
        submit_now = form.get("then") == "submit" and service.review_state == "draft"
        if _already_saved(_shown_fields(service), form) and not submit_now:
            # Two taps at once: the first one saved this very form (submitting it here
            # would wait on the lock this request's own transaction holds).
            return await _saved(session, signed, service_id, form, state=service.review_state)
        theirs = summary(listings.to_fields(service), i18n.chosen(request))
        # The form keeps every value the person typed; its version is now the current one,
        # so sending it again replaces theirs knowingly.
        values = {**form, "version": str(service.version)}
        context = await _form_context(
            request, signed, session, values, service=service, theirs=theirs
        )
    return render(request, "service_form.html", context, status=409)


@router.post("/portal/services/{service_id}/submit")
async def submit_service(
    service_id: str, signed_form: SignedFormDep, session: SessionDep
) -> Response:
    """Send a draft to the city team's review queue."""
    signed, _form = signed_form
    await rules.move_service(
        session, signed.caller, service_id=service_id, action="submit", note=None
    )
    return see_other("/portal/services?notice=submitted")


@router.post("/portal/services/{service_id}/archive")
async def archive_service(
    service_id: str, request: Request, signed_form: SignedFormDep, session: SessionDep
) -> Response:
    """Take a service that closed for good out of the directory, once the box is ticked."""
    signed, form = signed_form
    if form.get("confirmed") != "yes":
        # The box is required in the page; a form without it changes nothing.
        return see_other(f"/portal/services/{service_id}/edit")
    return await _move_once(request, session, signed, service_id, "archive")


@router.post("/portal/services/{service_id}/restore")
async def restore_service(
    service_id: str, request: Request, signed_form: SignedFormDep, session: SessionDep
) -> Response:
    """Put a service taken out of the directory back, as a draft to submit for review again."""
    signed, _form = signed_form
    return await _move_once(request, session, signed, service_id, "restore")


# Where each step leaves a service, and the notice the list then shows.
MOVES = {"archive": ("archived", "archived"), "restore": ("draft", "restored")}


async def _move_once(
    request: Request, session: SessionDep, signed: Signed, service_id: str, action: str
) -> Response:
    # A double tap, or the button sent again after going back: the service is where the first
    # send moved it, which is what this one asked, so the page goes on as for the first.
    moved_to, notice = MOVES[action]
    done = see_other(f"/portal/services?notice={notice}")
    service = await rules.writable_service(session, signed.caller, service_id)
    if service.review_state == moved_to:
        return done
    try:
        await rules.move_service(
            session, signed.caller, service_id=service_id, action=action, note=None
        )
    except StaleVersion as lost:
        # Both sends at once on SQLite: the first one's move is read in a session of our own.
        async with request.app.state.sessions() as fresh:
            now = await fresh.get(Service, service_id)
            if now is None or now.review_state != moved_to:
                raise
        raise PageError(done) from lost
    return done
