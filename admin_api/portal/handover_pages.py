"""The handover inbox: volunteers take a person's conversation, answer it and close it.

Volunteers see a conversation's label and language, never a chat id or a phone number. The
answer goes into the conversation's table; the bot's relay delivers it (bot/relay.py).
"""

from __future__ import annotations

import datetime as dt
import re

from fastapi import APIRouter, Query
from sqlalchemy import and_, or_, select
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from admin_api.accounts.models import Account, Role
from admin_api.deps import RowId, SessionDep, require
from admin_api.portal import i18n
from admin_api.portal import once as once_tokens
from admin_api.portal.auth import Signed, SignedDep, SignedFormDep
from admin_api.portal.kept import KeptFormDep
from admin_api.portal.labels import N_
from admin_api.portal.pages import HEADERS, PageError, PortalRoute, render, see_other
from admin_api.stats import handovers
from handoff import errors
from handoff import service as handoff
from handoff.models import NOTICE, PERSON, Handover, HandoverMessage
from services_directory.categories import Category
from services_directory.cities.service import list_cities
from services_directory.listings.models import Organization, Service
from services_directory.search.service import search_services

router = APIRouter(route_class=PortalRoute, include_in_schema=False)

# Ready answers, shown to the volunteer in their language and sent in the person's.
CANNED = {
    "hello": N_("Hello, I am a volunteer. How can I help you?"),
    "more": N_("Can you tell me a little more about your situation?"),
    "come": N_("You can come to our office during our opening hours."),
    "wait": N_("I am looking into it. Please wait a few minutes."),
    "bye": N_("Thank you for writing. Take care, and write again if you need to."),
}
# The name the person is given when the city team takes a conversation.
CITY_TEAM = "Dalil"


def _viewer(signed: Signed) -> handoff.Viewer:
    require(signed.caller, Role.ASSOCIATION, Role.CITY_ADMIN)
    account = signed.account
    return handoff.Viewer(
        account.id, account.organization_id, signed.caller.role is Role.CITY_ADMIN
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@router.get("/portal/handovers")
async def inbox_page(request: Request, signed: SignedDep, session: SessionDep) -> Response:
    """List the conversations waiting for a volunteer, and those this volunteer took."""
    return await _inbox(request, signed, session)


async def _inbox(
    request: Request, signed: Signed, session: SessionDep, *, error: str | None = None,
    typed: dict[str, str] | None = None, status: int = 200,
) -> Response:  # fmt: skip
    viewer = _viewer(signed)
    conversations = await handoff.inbox(session, viewer)
    locale = i18n.chosen(request)
    cities = await list_cities(session)
    context = {
        "signed": signed, "csrf": signed.csrf, "conversations": conversations,
        "viewer": viewer, "notice": request.query_params.get("notice"), "figures": None,
        "error": error, "city_names": {city.id: city.display_name(locale) for city in cities},
    }  # fmt: skip
    if viewer.city_team:
        minimum = request.app.state.settings.stats_min_count
        context["figures"] = handovers.shown(await handoff.figures(session), minimum)
        context["min_count"] = minimum
        saved = {city: c.email for city, c in (await handoff.contacts(session)).items()}
        context["contacts"] = [
            (city.id, city.display_name(locale), (typed or saved).get(city.id, ""))
            for city in cities
        ]
    return render(request, "handover_inbox.html", context, status=status)


# An address as people type it: one @, no spaces, a dot in the domain (the server checks more).
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@router.post("/portal/handovers/contacts")
async def set_contacts(request: Request, signed_form: KeptFormDep, session: SessionDep) -> Response:
    """Set the address told of each city's requests nobody took in time (city team)."""
    signed, form = signed_form
    require(signed.caller, Role.CITY_ADMIN)
    cities = await list_cities(session)
    typed = {city.id: form.get(f"email-{city.id}", "").strip() for city in cities}
    wrong = [city for city in cities if typed[city.id] and not _email_ok(typed[city.id])]
    if wrong:
        page = await _inbox(
            request, signed, session, error=wrong[0].display_name(i18n.chosen(request)),
            typed=typed, status=422,
        )  # fmt: skip
        raise PageError(page)
    for city in cities:
        await handoff.set_contact(
            session, city_id=city.id, email=typed[city.id] or None,
            language=i18n.chosen(request),
        )  # fmt: skip
    return see_other("/portal/handovers?notice=contacts")


def _email_ok(email: str) -> bool:
    return len(email) <= 254 and _EMAIL.fullmatch(email) is not None


async def _conversation_page(
    request: Request, signed: Signed, session: SessionDep, handover_id: int, *,
    error: str | None = None, status: int = 200,
) -> Response:  # fmt: skip
    viewer = _viewer(signed)
    handover = await handoff.get(session, viewer, handover_id)
    messages = await handoff.messages(session, handover)
    services = await _services(session, handover)
    names = dict(services)
    volunteers: list[Account] = []
    if viewer.city_team:
        volunteers = await _volunteers(session, handover)
    person = i18n.translations(handover.language)
    canned = [(key, person.gettext(text)) for key, text in CANNED.items()]
    context = {
        "signed": signed, "csrf": signed.csrf, "handover": handover, "messages": messages,
        "services": services, "service_names": names, "canned": canned, "viewer": viewer,
        "volunteers": volunteers, "error": error, "last_id": messages[-1].id if messages else 0,
        "once": once_tokens.new_token(),
        "person_dir": "rtl" if i18n.is_rtl(handover.language) else "ltr",
        "PERSON": PERSON, "NOTICE": NOTICE,
    }  # fmt: skip
    return render(request, "handover.html", context, status=status)


async def _refuse(
    request: Request, signed: Signed, session: SessionDep, handover_id: int, error: str,
    status: int,
) -> PageError:  # fmt: skip
    """The refusal of a form: the conversation page again, saying what was wrong."""
    page = await _conversation_page(
        request, signed, session, handover_id, error=error, status=status
    )
    return PageError(page)


async def _services(session: SessionDep, handover: Handover) -> list[tuple[str, str]]:
    """The published services of the conversation's city (and topic) a volunteer may send."""
    categories = [Category(handover.category)] if handover.category else list(Category)
    found: list[tuple[str, str]] = []
    for category in categories:
        page = await search_services(
            session, category=category, city_id=handover.city_id, locale=handover.language,
            limit=100,
        )  # fmt: skip
        found += [(card.id, card.name) for card in page.cards]
    return found


async def _volunteers(session: SessionDep, handover: Handover) -> list[Account]:
    """The accounts a conversation can be given to: the city team's, and those of the
    associations with a desk for its city and topic (anyone else could not even open it)."""
    desk = handoff.answers_for(Account.organization_id, handover.city_id, handover.category)
    statement = select(Account).where(
        or_(
            Account.role == Role.CITY_ADMIN.value,
            and_(Account.role == Role.ASSOCIATION.value, desk),  # type: ignore[arg-type]
        ),
        Account.disabled_at.is_(None),
    )
    return list((await session.scalars(statement.order_by(Account.name))).all())


@router.get("/portal/handovers/{handover_id}")
async def conversation_page(
    handover_id: RowId, request: Request, signed: SignedDep, session: SessionDep
) -> Response:
    """Show one conversation: its messages, the answer box, cards, canned answers, close."""
    return await _conversation_page(request, signed, session, handover_id)


async def _shown(session: SessionDep, message: HandoverMessage) -> dict[str, object]:
    service = await session.get(Service, message.service_id) if message.service_id else None
    return {
        "id": message.id, "author": message.author,
        "text": message.text if message.author != NOTICE else "",
        "card": service.name if service is not None else None, "notice": message.notice,
        "held": message.held,
        "at": message.created_at.isoformat(),
    }  # fmt: skip


@router.get("/portal/handovers/{handover_id}/messages")
async def new_messages(
    handover_id: RowId,
    signed: SignedDep,
    session: SessionDep,
    after: int = Query(0, ge=0),
) -> Response:
    """Return the conversation's messages after `after`, for the page's small poll."""
    handover = await handoff.get(session, _viewer(signed), handover_id)
    messages = await handoff.messages(session, handover, after=after)
    body = {"state": handover.state, "messages": [await _shown(session, m) for m in messages]}
    return JSONResponse(body, headers=HEADERS)


async def _team(session: SessionDep, signed: Signed) -> str:
    organization_id = signed.account.organization_id
    organization = await session.get(Organization, organization_id) if organization_id else None
    return organization.name if organization is not None else CITY_TEAM


@router.post("/portal/handovers/{handover_id}/take")
async def take(handover_id: RowId, signed_form: SignedFormDep, session: SessionDep) -> Response:
    """Take a waiting conversation; the one who comes second is told someone else did."""
    signed, form = signed_form
    # The person learns the volunteer's name only when the volunteer ticks the box.
    name = signed.account.name if form.get("show_name") == "1" else None
    try:
        await handoff.take(
            session, _viewer(signed), handover_id, _now(), team=await _team(session, signed),
            volunteer_name=name,
        )  # fmt: skip
    except errors.AlreadyTaken as error:
        raise PageError(see_other("/portal/handovers?notice=taken")) from error
    return see_other(f"/portal/handovers/{handover_id}")


async def _send(
    request: Request, signed: Signed, session: SessionDep, handover_id: int, *,
    once: str, text: str = "", service_id: str | None = None,
) -> Response:  # fmt: skip
    viewer = _viewer(signed)
    # Each page's send forms carry a token of their own: a second tap on "Send" (or the
    # form sent again) finds it used, and the person gets the answer once.
    if not await once_tokens.first_use(request.app.state.redis, once):
        return see_other(f"/portal/handovers/{handover_id}#answer")
    reengage_team = None
    if request.app.state.settings.whatsapp_handover_template:
        # Outside WhatsApp's window the answer waits and the template names the association.
        reengage_team = await _team(session, signed)
    try:
        await handoff.answer(
            session, viewer, handover_id, _now(), text=text, service_id=service_id,
            reengage_team=reengage_team,
        )  # fmt: skip
    except (errors.WindowClosed, errors.AlreadyTaken, errors.Ended) as error:
        refusal = await _refuse(
            request, signed, session, handover_id, error.code, error.status_code
        )
        raise refusal from error
    return see_other(f"/portal/handovers/{handover_id}#answer")


@router.post("/portal/handovers/{handover_id}/answer")
async def answer(
    handover_id: RowId, request: Request, signed_form: KeptFormDep, session: SessionDep
) -> Response:
    """Send the volunteer's answer (typed, or a canned one in the person's language)."""
    signed, form = signed_form
    text = form.get("text", "").strip()
    canned = form.get("canned", "")
    if canned in CANNED:
        handover = await handoff.get(session, _viewer(signed), handover_id)
        text = i18n.translations(handover.language).gettext(CANNED[canned])
    if not text or len(text) > handoff.MAX_TEXT:
        raise await _refuse(request, signed, session, handover_id, "empty", 422)
    once = form.get("once", "")
    return await _send(request, signed, session, handover_id, once=once, text=text)


@router.post("/portal/handovers/{handover_id}/card")
async def card(
    handover_id: RowId, request: Request, signed_form: SignedFormDep, session: SessionDep
) -> Response:
    """Send the card of a service of the directory."""
    signed, form = signed_form
    handover = await handoff.get(session, _viewer(signed), handover_id)
    chosen = form.get("service", "")
    if chosen not in {service_id for service_id, _name in await _services(session, handover)}:
        raise await _refuse(request, signed, session, handover_id, "service", 422)
    once = form.get("once", "")
    return await _send(request, signed, session, handover_id, once=once, service_id=chosen)


@router.post("/portal/handovers/{handover_id}/close")
async def close(
    handover_id: RowId, request: Request, signed_form: SignedFormDep, session: SessionDep
) -> Response:
    """End the conversation; the person gets the menu back."""
    signed, _form = signed_form
    try:
        await handoff.close(session, _viewer(signed), handover_id, _now())
    except (errors.AlreadyTaken, errors.Ended) as error:
        refusal = await _refuse(
            request, signed, session, handover_id, error.code, error.status_code
        )
        raise refusal from error
    return see_other("/portal/handovers?notice=closed")


@router.post("/portal/handovers/{handover_id}/reassign")
async def reassign(
    handover_id: RowId, request: Request, signed_form: SignedFormDep, session: SessionDep
) -> Response:
    """Give the conversation to another volunteer, or back to the inbox (city team)."""
    signed, form = signed_form
    viewer = _viewer(signed)
    require(signed.caller, Role.CITY_ADMIN)
    chosen = form.get("volunteer", "")
    volunteer = int(chosen) if chosen.isdigit() else None
    handover = await handoff.get(session, viewer, handover_id)
    if volunteer is not None and volunteer not in {
        a.id for a in await _volunteers(session, handover)
    }:
        raise await _refuse(request, signed, session, handover_id, "volunteer", 422)
    await handoff.reassign(session, viewer, handover_id, volunteer)
    return see_other(f"/portal/handovers/{handover_id}")
