"""Signing in and out, accepting an invitation, changing one's password."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from admin_api.accounts import people, throttle
from admin_api.accounts.models import Role
from admin_api.accounts.sessions import close_other_sessions, close_session, open_session
from admin_api.deps import SessionDep
from admin_api.errors import InvalidInput
from admin_api.portal import kept
from admin_api.portal.auth import (
    FORM_COOKIE,
    SESSION_COOKIE,
    AnonymousFormDep,
    SignedDep,
    SignedFormDep,
    form_token,
    keep_form_token,
    safe_next,
    set_cookie,
)
from admin_api.portal.pages import PortalRoute, render, see_other

router = APIRouter(route_class=PortalRoute, include_in_schema=False)

# The page each role lands on after signing in.
HOMES = {
    Role.ASSOCIATION: "/portal/services",
    Role.CITY_ADMIN: "/portal/review",
    Role.AUTHORITY: "/portal/statistics",
}


@router.get("/portal/")
async def home(signed: SignedDep) -> Response:
    """Send a signed-in person to their role's first page."""
    return see_other(HOMES[signed.caller.role])


@router.get("/portal/sign-in")
async def sign_in_page(request: Request) -> Response:
    """Show the sign-in form."""
    return kept.sign_in_page(request)


@router.post("/portal/sign-in")
async def sign_in(request: Request, form: AnonymousFormDep, session: SessionDep) -> Response:
    """Check the login and password; on success, start a session and go on.

    A sign-in that carries a form sent after its session ended answers that form's page,
    filled with what was typed, not yet saved (`kept`); a failed one carries it again.
    """
    next_page = safe_next(form.get("next"))
    typed, file, action = kept.kept_fields(form)

    def again(error: str, status: int, wait_s: int = 0) -> Response:
        return kept.sign_in_page(
            request, error=error, status=status, wait_s=wait_s, next_page=next_page,
            kept=typed.items(), action=action or "", kept_file=file,
        )  # fmt: skip

    settings = request.app.state.settings
    redis = request.app.state.redis
    address = request.client.host if request.client else "unknown"
    address_key = throttle.address_key(settings.pseudonym_key_bytes(), address)
    wait_s = await throttle.wait_s(redis, address_key, settings.portal_sign_in_failures)
    if wait_s:
        # Refused before the password is even checked: no guess from here is worth anything.
        page = again("address", 429, wait_s)
        page.headers["Retry-After"] = str(wait_s)
        return page
    outcome = await people.sign_in(
        session, login=form.get("login", ""), password=form.get("password", "")
    )
    if outcome.account is None:
        await throttle.failed(redis, address_key, settings.portal_sign_in_window_s)
        error = "locked" if outcome.locked else "wrong"
        return again(error, 429 if outcome.locked else 401)
    ttl = request.app.state.settings.portal_session_s
    session_id, _ = await open_session(
        request.app.state.redis, account_id=outcome.account.id, ttl_s=ttl
    )
    role = Role(outcome.account.role)
    if (typed or file) and action and next_page:
        response = await kept.restored_page(
            request, session_id=session_id, page=next_page, action=action, kept=typed,
            kept_file=file,
        )  # fmt: skip
    else:
        response = see_other(next_page or HOMES[role])
    # A cookie for the browser's session: Redis alone decides when the sign-in ends, and a
    # cookie that outlives it lets the page say so instead of silently asking again.
    set_cookie(request, response, SESSION_COOKIE, session_id, max_age=None)
    response.delete_cookie(FORM_COOKIE, path="/portal/")
    return response


@router.post("/portal/sign-out")
async def sign_out(request: Request, signed_form: SignedFormDep) -> Response:
    """End this session."""
    signed, _form = signed_form
    await close_session(request.app.state.redis, signed.session_id)
    response = see_other("/portal/sign-in")
    response.delete_cookie(SESSION_COOKIE, path="/portal/")
    return response


@router.get("/portal/invitation/{token}")
async def invitation_page(token: str, request: Request, session: SessionDep) -> Response:
    """Show the form that sets the password of an invited account."""
    _invitation, credential = await people.open_invitation(session, token)
    csrf = form_token(request)
    context = {"csrf": csrf, "login": credential.login, "error": None}
    return keep_form_token(
        request, _secret_address(render(request, "invitation.html", context)), csrf
    )


@router.post("/portal/invitation/{token}")
async def accept_invitation(
    token: str, request: Request, form: AnonymousFormDep, session: SessionDep
) -> Response:
    """Set the password, use up the invitation, and go to the sign-in page."""
    password = form.get("password", "")
    _invitation, credential = await people.open_invitation(session, token)
    error = _password_error(password, form.get("confirm", ""))
    if error:
        csrf = form_token(request)
        context = {"csrf": csrf, "login": credential.login, "error": error}
        page = _secret_address(render(request, "invitation.html", context, status=422))
        return keep_form_token(request, page, csrf)
    credential = await people.accept_invitation(session, token=token, password=password)
    # A new invitation is also how a forgotten password is reset: whoever was signed in with
    # the old one is signed out.
    await close_other_sessions(request.app.state.redis, account_id=credential.account_id, keep=None)
    return see_other("/portal/sign-in?welcome=1")


def _secret_address(page: Response) -> Response:
    # The invitation's address signs a person up: not even this site's own requests (its style
    # sheet, its form) carry it as a referrer, so no proxy's log keeps it twice.
    page.headers["Referrer-Policy"] = "no-referrer"
    return page


def _password_error(password: str, confirm: str) -> str | None:
    if password != confirm:
        return "mismatch"
    try:
        people.check_new_password(password)
    except InvalidInput:
        return "weak"
    return None


@router.get("/portal/password")
async def password_page(request: Request, signed: SignedDep) -> Response:
    """Show the form that changes one's password."""
    context = {"signed": signed, "csrf": signed.csrf, "error": None, "done": False}
    return render(request, "password.html", context)


@router.post("/portal/password")
async def change_password(
    request: Request, signed_form: SignedFormDep, session: SessionDep
) -> Response:
    """Change one's password; every other session of the account ends."""
    signed, form = signed_form
    error = _password_error(form.get("new", ""), form.get("confirm", ""))
    if error is None:
        try:
            await people.change_password(
                session, account_id=signed.account.id, current=form.get("current", ""),
                new=form.get("new", ""),
            )  # fmt: skip
        except InvalidInput:
            error = "current"
    if error:
        context = {"signed": signed, "csrf": signed.csrf, "error": error, "done": False}
        return render(request, "password.html", context, status=422)
    await close_other_sessions(
        request.app.state.redis, account_id=signed.account.id, keep=signed.session_id
    )
    context = {"signed": signed, "csrf": signed.csrf, "error": None, "done": True}
    return render(request, "password.html", context)
