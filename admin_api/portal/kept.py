"""A form sent after its session ended: kept through signing in again, never stored.

A volunteer types a long answer on a phone, the session ends meanwhile, they press Send. The
answer to that form is the sign-in page, carrying what they sent in hidden fields: it goes
back to their browser only, and is neither stored nor logged here. Signed in again, they get
the form's page rendered afresh with what they typed in it and a notice that it is not saved
yet (`refill`); nothing is sent on their behalf, and the form carries the new session's
tokens.

A file chosen in a form is not carried: hidden fields are no place for a spreadsheet, and a
phone would send it up to three times. Only its name goes back, to say which file was not
imported and is to be chosen again; its bytes are read, as any request's body, and dropped
(`KeptUploadDep`).

Only forms that say so keep what was typed (`KeptFormDep`: never one with a password), and
only when a page of this very origin sent them from a browser that was signed in (the session
cookie came along). The old session's tokens are dropped.

Why "this very origin", and how it is told. Nothing is ever sent on the person's behalf, but
what another page could make them see is this site's form filled with its words (a phone
number "for your papers") under a notice that says they typed it: trusting it, a volunteer
sends it, and the words reach migrants from the directory. So a form is carried only when
nothing but this origin's own pages can have sent it; anything else only asks to sign in.

- The cookie is not enough. It is SameSite=Lax, so a browser that knows SameSite leaves it
  off another site's POST; but a site is not an origin: another port of this host, another
  subdomain of the same domain, and (for browsers without schemeful SameSite) an http page of
  this host are the same site, and their posts carry it. They can even set it: cookies know
  no port, and a subdomain may set one for its parent domain.
- A browser with fetch metadata says where the form came from: `Sec-Fetch-Site: same-origin`
  is carried (if Origin names another host, it is not); any other value is refused.
- A browser without it (Safari before 16.4, so in-app browsers on older iPhones; Firefox
  before 90) is judged by Origin, which no page can make it forge. The portal's pages have
  `Referrer-Policy: same-origin`, so their forms send `Origin: <this origin>`; another page
  sends its own origin, or "null" if it withholds its referrer. Only an exact match is
  carried, scheme and port included; "null", no Origin (Firefox before 70) or any other
  origin cannot be told apart from another site's form, and is refused as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated
from urllib.parse import urlsplit

import httpx
from fastapi import Depends
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Match

from admin_api.deps import SessionDep
from admin_api.errors import AdminError
from admin_api.portal import i18n
from admin_api.portal.auth import (
    FORM_COOKIE,
    SESSION_COOKIE,
    Signed,
    find_signed,
    form_token,
    keep_form_token,
    safe_next,
    secure_cookies,
    to_sign_in,
)
from admin_api.portal.forms import MAX_FIELDS, MAX_FORM_BYTES, Form, check_csrf, read_form
from admin_api.portal.labels import N_
from admin_api.portal.pages import HEADERS, PageError, render, see_other
from admin_api.portal.refill import TOKENS, refill

# The sign-in form's names for what it carries: each field sent, and where it was sent to.
KEPT = "kept-"
KEPT_ACTION = "kept_action"
KEPT_FILE = "kept_file"
# Long enough for any name a person gave a file; the rest is cut.
MAX_FILE_NAME = 120
RESTORED = N_(
    "You are signed in again. What you typed is back in the form, but it is not saved yet: "
    "check it, then send it."
)
# Translators: %(name)s is the name of the file the person had chosen, e.g. services.csv.
NOT_IMPORTED = N_(
    "You are signed in again. Your file %(name)s was not imported. Choose it again, then send it."
)
ORPHANED = N_(
    "You are signed in again. What you typed is not saved, and its form is no longer on this "
    "page. Here it is, to copy:"
)


def sign_in_page(
    request: Request, *, error: str | None = None, status: int = 200, wait_s: int = 0,
    next_page: str | None = None, kept: Iterable[tuple[str, str]] = (), action: str = "",
    expired: bool = False, kept_file: str = "",
) -> Response:  # fmt: skip
    """Render the sign-in page; with `kept`, carrying a form sent to `action` in hidden fields
    (and the name of the file it had, `kept_file`)."""
    token = form_token(request)
    context = {
        "csrf": token,
        "error": error,
        "wait_minutes": -(-wait_s // 60),
        "next": next_page or safe_next(request.query_params.get("next")) or "",
        "expired": expired or request.query_params.get("expired") == "1",
        "welcome": request.query_params.get("welcome") == "1",
        "kept": [(KEPT + name, value) for name, value in kept],
        "kept_action": action,
        "kept_file": kept_file,
        # Answered at a form's address too: the language links lead to the sign-in page.
        "path": "/portal/sign-in",
    }
    return keep_form_token(request, render(request, "sign_in.html", context, status=status), token)


def kept_fields(form: Form) -> tuple[dict[str, str], str, str | None]:
    """Return what a sign-in form carries: the fields of the form kept, the name of the file
    it had, and where it went."""
    kept = {name.removeprefix(KEPT): value for name, value in form.items() if name.startswith(KEPT)}
    fields = {k: v for k, v in kept.items() if k not in TOKENS}
    return fields, _file_name(form.get(KEPT_FILE, "")), safe_next(form.get(KEPT_ACTION))


def _file_name(sent: str) -> str:
    # The last part of a path (some browsers send one), without control characters.
    name = sent.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in name if c.isprintable()).strip()[:MAX_FILE_NAME]


def _page_of(request: Request) -> str | None:
    # The page a form lives on: its own address if a page is there, else the one above it
    # (a conversation's answer form posts to /portal/handovers/7/answer).
    path = request.url.path
    for candidate in (path, path.rsplit("/", 1)[0]):
        scope = {"type": "http", "method": "GET", "path": candidate, "root_path": ""}
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
            return candidate
    return None


def _this_origin(request: Request) -> str:
    # Behind a TLS proxy the app may see http; a browser that holds its Secure cookie is on
    # https (see `secure_cookies`).
    scheme = "https" if secure_cookies(request) else request.url.scheme
    return f"{scheme}://{request.url.netloc}"


def _from_this_site(request: Request) -> bool:
    # See the module's docstring: this origin's pages only, never a guess.
    origin = request.headers.get("origin")
    fetched = request.headers.get("sec-fetch-site")
    if fetched is None:
        return origin == _this_origin(request)
    if origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        return False
    return fetched == "same-origin"


async def _sent(request: Request) -> tuple[Form, str]:
    # A form's text fields, and the name of its file if it has one (its bytes are dropped).
    if request.headers.get("content-type", "").split(";")[0].strip() != "multipart/form-data":
        return await read_form(request), ""
    limits = {"max_files": 1, "max_fields": MAX_FIELDS, "max_part_size": MAX_FORM_BYTES}
    async with request.form(**limits) as form:
        fields = {name: value for name, value in form.items() if isinstance(value, str)}
        files = [value.filename for value in form.values() if isinstance(value, UploadFile)]
    return fields, _file_name(next((name for name in files if name), ""))


async def _sign_in_again(request: Request) -> PageError:
    page = _page_of(request)
    if page is None or SESSION_COOKIE not in request.cookies or not _from_this_site(request):
        return to_sign_in(request)
    try:
        form, file = await _sent(request)
    except (AdminError, HTTPException):
        return to_sign_in(request)
    kept = [(name, value) for name, value in form.items() if name not in TOKENS]
    if not kept and not file:
        return to_sign_in(request)
    response = sign_in_page(
        request, status=401, next_page=page, kept=kept, action=request.url.path, expired=True,
        kept_file=file,
    )  # fmt: skip
    return PageError(response)


async def kept_form(request: Request, session: SessionDep) -> tuple[Signed, Form]:
    """Return who is signed in and the form they sent (CSRF checked); if the session ended
    before it was sent, answer the sign-in page that carries it back."""
    signed = await find_signed(request, session)
    if signed is None:
        raise await _sign_in_again(request)
    form = await read_form(request)
    check_csrf(request, form, signed.csrf)
    return signed, form


KeptFormDep = Annotated[tuple[Signed, Form], Depends(kept_form)]


async def kept_upload(request: Request, session: SessionDep) -> Signed:
    """Return who is signed in to send a file; if the session ended before it was sent, answer
    the sign-in page that says the file was not imported, and names it."""
    signed = await find_signed(request, session)
    if signed is None:
        raise await _sign_in_again(request)
    return signed


KeptUploadDep = Annotated[Signed, Depends(kept_upload)]


async def _rendered(request: Request, page: str, session_id: str) -> httpx.Response:
    # The page as its own GET renders it, for the new session, in the reader's language.
    cookies = {**request.cookies, SESSION_COOKIE: session_id}
    cookies.pop(FORM_COOKIE, None)
    headers = {"cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}
    if "accept-language" in request.headers:
        headers["accept-language"] = request.headers["accept-language"]
    client = (request.client.host, request.client.port) if request.client else ("127.0.0.1", 0)
    transport = httpx.ASGITransport(app=request.app, client=client)
    async with httpx.AsyncClient(transport=transport, base_url=str(request.base_url)) as http:
        return await http.get(page, headers=headers)


async def restored_page(
    request: Request, *, session_id: str, page: str, action: str, kept: Mapping[str, str],
    kept_file: str = "",
) -> Response:  # fmt: skip
    """Answer a sign-in that carried a form: the form's page, with what was typed in it (and,
    if it had a file, a notice that the file is to be chosen again)."""
    rendered = await _rendered(request, page, session_id)
    if rendered.status_code != 200:
        # Gone, or not this account's to see: what was typed is not shown to it either.
        return see_other(page)
    texts = i18n.translations(i18n.chosen(request))
    restored = texts.gettext(RESTORED)
    if kept_file:
        # Isolated, a name in another script does not reorder the sentence around it.
        restored = texts.gettext(NOT_IMPORTED) % {"name": f"\u2068{kept_file}\u2069"}
    html = refill(
        rendered.text, action=action, page=page, values=kept,
        restored=restored, orphaned=texts.gettext(ORPHANED),
    )  # fmt: skip
    return HTMLResponse(html, headers=HEADERS)
