"""Rumours in the portal: the list, and each rumour's title and fact in the ten languages.

Edits go through `admin_api.rumours.service`, as the API's do: the same roles (the city team
writes, authorities read), the same validation, versions and audit log. An edit over a
version someone else replaced is refused and shown with both versions, nothing lost.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from admin_api.accounts.models import Role
from admin_api.deps import SessionDep
from admin_api.errors import InvalidInput, NotFound
from admin_api.portal import i18n
from admin_api.portal.auth import Signed, SignedDep, SignedFormDep, signed_anew
from admin_api.portal.forms import Form
from admin_api.portal.kept import KeptFormDep
from admin_api.portal.labels import N_
from admin_api.portal.pages import PageError, PortalRoute, render, see_other
from admin_api.rumours import service as rules
from admin_api.versioning import Edit
from services_directory.errors import StaleVersion
from services_directory.rumours import service as rumours
from services_directory.rumours.models import FALLBACK_LOCALE, Rumour

router = APIRouter(route_class=PortalRoute, include_in_schema=False)
TITLE_MAX, FACT_MAX = 80, 700
ERRORS = {
    "english": N_("English is needed: it is what any other language falls back to."),
    "too_long": N_("This text is too long."),
    "https": N_("Give the address of the source, starting with https://."),
}


def values_of(rumour: Rumour) -> dict[str, str]:
    """Return a rumour's editable texts as the form's fields."""
    values = {"source_url": rumour.source_url, "version": str(rumour.version)}
    for code in i18n.LANGUAGES:
        values[f"title-{code}"] = rumour.titles.get(code, "")
        values[f"fact-{code}"] = rumour.facts.get(code, "")
    return values


def changes_from(form: Form, rumour: Rumour) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the fields the form replaces, and the errors of its fields (by field name).

    Languages the portal does not show (a regional variant the API set) are kept as they are.
    """
    errors: dict[str, str] = {}
    titles, facts = dict(rumour.titles), dict(rumour.facts)
    for code in i18n.LANGUAGES:
        for prefix, texts, limit in (("title", titles, TITLE_MAX), ("fact", facts, FACT_MAX)):
            text = form.get(f"{prefix}-{code}", "").strip()
            if len(text) > limit:
                errors[f"{prefix}-{code}"] = "too_long"
            elif text:
                texts[code] = text
            else:
                texts.pop(code, None)
                if code == FALLBACK_LOCALE:
                    errors[f"{prefix}-{code}"] = "english"
    source_url = form.get("source_url", "").strip()
    if not source_url.startswith("https://") or len(source_url) > 500:
        errors["source_url"] = "https"
    return {"source_url": source_url, "titles": titles, "facts": facts}, errors


def _can_edit(signed: Signed) -> bool:
    return signed.caller.role is Role.CITY_ADMIN


@router.get("/portal/rumours")
async def rumours_page(request: Request, signed: SignedDep, session: SessionDep) -> Response:
    """List the rumours, with their state and title in the reader's language."""
    listed = await rules.list_rumours(session, signed.caller)
    locale = i18n.chosen(request)
    context = {
        "signed": signed, "csrf": signed.csrf, "can_edit": _can_edit(signed),
        "rumours": [(rumour, rumour.title(locale)) for rumour in listed],
    }  # fmt: skip
    return render(request, "rumours.html", context)


def _form_page(
    request: Request, signed: Signed, rumour: Rumour, values: dict[str, str], *,
    errors: dict[str, str] | None = None, theirs: Rumour | None = None,
    refused: str | None = None, status: int = 200,
) -> Response:  # fmt: skip
    context = {
        "signed": signed, "csrf": signed.csrf, "rumour": rumour, "values": values,
        "errors": errors or {}, "theirs": values_of(theirs) if theirs else None,
        "refused": refused, "can_edit": _can_edit(signed), "messages": ERRORS,
        "rtl": {code for code in i18n.LANGUAGES if i18n.is_rtl(code)},
        "notice": request.query_params.get("notice"), "title": rumour.title(i18n.chosen(request)),
    }  # fmt: skip
    return render(request, "rumour_form.html", context, status=status)


@router.get("/portal/rumours/{key}")
async def rumour_page(
    key: str, request: Request, signed: SignedDep, session: SessionDep
) -> Response:
    """Show a rumour's title and fact per language: a form for the city team."""
    rumour = await rules.read_rumour(session, signed.caller, key)
    return _form_page(request, signed, rumour, values_of(rumour))


@router.post("/portal/rumours/{key}")
async def edit_rumour(
    key: str, request: Request, signed_form: KeptFormDep, session: SessionDep
) -> Response:
    """Save the texts over the version they were read in; else show both versions."""
    signed, form = signed_form
    rumour = await rules.read_rumour(session, signed.caller, key)
    changes, errors = changes_from(form, rumour)
    values = {name: form.get(name, "") for name in values_of(rumour)}
    if errors:
        page = _form_page(request, signed, rumour, values, errors=errors, status=422)
        raise PageError(page)
    try:
        version = int(form.get("version", ""))
        await rules.edit_rumour(session, signed.caller, key, Edit(changes, version))
    except InvalidInput as invalid:
        page = _form_page(request, signed, rumour, values, refused=invalid.detail, status=422)
        raise PageError(page) from invalid
    except (StaleVersion, ValueError) as stale:
        raise PageError(await _conflict(request, signed, key, values)) from stale
    return see_other(f"/portal/rumours/{key}?notice=saved")


@router.post("/portal/rumours/{key}/{action}")
async def switch_rumour(
    key: str, action: str, signed_form: SignedFormDep, session: SessionDep
) -> Response:
    """Offer the rumour in the bot's menu again, or take it out at once (its campaigns stop)."""
    signed, _form = signed_form
    if action not in {"offer", "withdraw"}:
        raise NotFound("no such action")
    await rules.switch_rumour(session, signed.caller, key=key, active=action == "offer")
    return see_other(f"/portal/rumours/{key}?notice={action}")


async def _conflict(request: Request, signed: Signed, key: str, values: dict[str, str]) -> Response:
    # What is saved now, read in a session of its own: the request's is rolled back.
    async with request.app.state.sessions() as session, session.begin():
        signed = await signed_anew(session, signed)
        theirs = await rumours.get_rumour(session, key)
        if theirs is None:
            raise PageError(see_other("/portal/rumours"))
        # The form keeps what the person typed; its version is now the current one, so
        # sending it again replaces theirs knowingly.
        kept = {**values, "version": str(theirs.version)}
        return _form_page(request, signed, theirs, kept, theirs=theirs, status=409)
