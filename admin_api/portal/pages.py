"""Rendering the portal's pages: templates, language, security headers, errors as pages."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from admin_api.csp import page_headers
from admin_api.deps import refuse
from admin_api.portal import i18n, labels
from core.errors import DalilError

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_ENV = Environment(
    loader=FileSystemLoader(_TEMPLATES),
    autoescape=select_autoescape(default=True),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.globals.update(
    CATEGORY_LABELS=labels.CATEGORY_LABELS,
    ROW_ERRORS=labels.ROW_ERRORS,
    STATE_LABELS=labels.STATE_LABELS,
    FIELD_ERRORS=labels.FIELD_ERRORS,
    TEXT_LABELS=labels.TEXT_LABELS,
    OTHER_LABELS=labels.OTHER_LABELS,
    ROLE_LABELS=labels.ROLE_LABELS,
    LANGUAGE_NAMES=i18n.LANGUAGES,
    long_date=i18n.long_date,
)
# Forms post to this server only; styles and scripts come from its static files.
STATIC_HEADERS = page_headers(form_action="'self'")
# Pages hold people's messages and the directory's drafts, and volunteers share phones: no
# copy is kept in the browser, so Back after signing out shows nothing (and asks again).
# A referrer only within this origin: other sites learn nothing of where a person was, and
# the pages' own forms name their origin (`Origin`), which `kept` needs from browsers that
# send no fetch metadata.
HEADERS = {**STATIC_HEADERS, "Cache-Control": "no-store", "Referrer-Policy": "same-origin"}


def render(
    request: Request, template: str, context: dict[str, Any], *, status: int = 200
) -> HTMLResponse:
    """Render a page in the request's language, with the portal's headers."""
    locale = i18n.chosen(request)
    # Installing the catalog and rendering happen in one synchronous stretch: no other
    # request's page renders in between on this event loop.
    _ENV.install_gettext_translations(i18n.translations(locale), newstyle=True)  # type: ignore[attr-defined]
    html = _ENV.get_template(template).render(
        {
            "lang": locale,
            "dir": "rtl" if i18n.is_rtl(locale) else "ltr",
            "languages": i18n.LANGUAGES,
            "path": request.url.path,
            **context,
        }
    )
    response = HTMLResponse(html, status_code=status, headers=HEADERS)
    if request.query_params.get("lang") == locale:
        response.set_cookie(
            i18n.LANGUAGE_COOKIE, locale, max_age=365 * 86400, path="/portal/", samesite="lax"
        )
    return response


class PageError(Exception):
    """A response decided deep in a request (a redirect, a page), after which it rolls back."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def see_other(url: str) -> RedirectResponse:
    """Return the redirect after a successful form (POST, then GET: no resubmission)."""
    return RedirectResponse(url, status_code=303)


class PortalRoute(APIRoute):
    """A route whose expected errors become pages in the reader's language, not JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap the handler: a PageError is its response; a DalilError, an error page."""
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            # Caught here, the errors never reach the session's dependency, which would then
            # commit what the request wrote before it was refused: it is told to roll back.
            try:
                return await handler(request)
            except PageError as error:
                refuse(request)
                return error.response
            except DalilError as error:
                refuse(request)
                context = {
                    "status": error.status_code, "detail": error.detail, "code": error.code,
                    "message": labels.refusal(error),
                }  # fmt: skip
                return render(request, "error.html", context, status=error.status_code)

        return handle
