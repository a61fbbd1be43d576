"""Who is signed in to the portal: the session cookie, the caller behind it, CSRF tokens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from admin_api.accounts.models import Account, Role
from admin_api.accounts.sessions import read_session
from admin_api.deps import Caller, SessionDep
from admin_api.portal.forms import Form, check_csrf, read_form
from admin_api.portal.pages import PageError, see_other
from handoff import service as handoff

SESSION_COOKIE = "dalil_session"
# Before signing in there is no session to hold a CSRF token: the form carries the value of
# this cookie, which another site can neither read nor set (double submit).
FORM_COOKIE = "dalil_form"
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def secure_cookies(request: Request) -> bool:
    """Tell whether cookies must be Secure: always, but for plain http to this machine in the
    demo and test profiles (production is behind TLS, whatever host the proxy names)."""
    profile = request.app.state.settings.profile
    local = request.url.scheme == "http" and request.url.hostname in _LOOPBACK
    return not (profile in {"demo", "test"} and local)


def set_cookie(
    request: Request, response: Response, name: str, value: str, max_age: int | None
) -> None:
    """Set a portal cookie: HttpOnly, SameSite=Lax, Secure (see `secure_cookies`)."""
    response.set_cookie(
        name, value, max_age=max_age, path="/portal/", httponly=True,
        secure=secure_cookies(request), samesite="lax",
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Signed:
    """A signed-in person: the caller the service functions check, and the session's token."""

    caller: Caller
    session_id: str
    csrf: str
    # The city team's: open requests escalated because nobody took them in time (the count
    # in the navigation of every page).
    escalated: int = 0

    @property
    def account(self) -> Account:
        """The account signed in."""
        return self.caller.account


async def find_signed(request: Request, session: SessionDep) -> Signed | None:
    """Return who is signed in, or None (no session cookie, or its session is gone)."""
    session_id = request.cookies.get(SESSION_COOKIE)
    found = await read_session(request.app.state.redis, session_id) if session_id else None
    account = await session.get(Account, found.account_id) if found else None
    if session_id is None or found is None or account is None or account.disabled_at:
        return None
    caller = Caller(account, None)
    escalated = 0
    if caller.role is Role.CITY_ADMIN:
        escalated = await handoff.escalated_count(session)
    return Signed(caller, session_id, found.csrf, escalated)


async def signed_anew(session: AsyncSession, signed: Signed) -> Signed:
    """Return `signed` with its account read in `session`, a session of the page's own.

    After a write that lost a race (on SQLite, an UPDATE that matched no row) the request's
    session has expired all it loaded, the account too, and refuses to load it again.
    """
    # The identity is kept with the object: reading it needs no query.
    account_id = inspect(signed.account).identity[0]  # type: ignore[index]
    account = await session.get(Account, account_id)
    if account is None or account.disabled_at:
        raise PageError(see_other("/portal/sign-in"))
    return replace(signed, caller=replace(signed.caller, account=account))


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a path of this portal, else None."""
    # Never a redirect to another site after signing in.
    if target and target.startswith("/portal/") and not target.startswith("//"):
        return target
    return None


def to_sign_in(request: Request) -> PageError:
    """Return the redirect to the sign-in page, which comes back to this page afterwards."""
    # A cookie whose session is gone: it expired, or it was ended elsewhere.
    reason = "&expired=1" if request.cookies.get(SESSION_COOKIE) else ""
    target = quote(request.url.path, safe="/")
    return PageError(see_other(f"/portal/sign-in?next={target}{reason}"))


async def signed_in(request: Request, session: SessionDep) -> Signed:
    """Return who is signed in; else send the browser to the sign-in page."""
    signed = await find_signed(request, session)
    if signed is None:
        raise to_sign_in(request)
    return signed


SignedDep = Annotated[Signed, Depends(signed_in)]


async def signed_form(request: Request, signed: SignedDep) -> tuple[Signed, Form]:
    """Return who is signed in and the form they sent, once its CSRF token is checked."""
    form = await read_form(request)
    check_csrf(request, form, signed.csrf)
    return signed, form


SignedFormDep = Annotated[tuple[Signed, Form], Depends(signed_form)]


def form_token(request: Request) -> str:
    """Return the token for a form shown before signing in (the cookie's, or a new one)."""
    return request.cookies.get(FORM_COOKIE) or secrets.token_urlsafe(32)


def keep_form_token(request: Request, response: Response, token: str) -> Response:
    """Set the pre-sign-in form cookie on `response`."""
    set_cookie(request, response, FORM_COOKIE, token, max_age=3600)
    return response


async def anonymous_form(request: Request) -> Form:
    """Return a form sent before signing in, once its token matches the cookie."""
    form = await read_form(request)
    check_csrf(request, form, request.cookies.get(FORM_COOKIE))
    return form


AnonymousFormDep = Annotated[Form, Depends(anonymous_form)]
