"""Forms as browsers send them, read with limits, and the CSRF check every form goes through."""

from __future__ import annotations

import hmac
from urllib.parse import parse_qsl, urlsplit

from starlette.requests import Request

from admin_api.errors import AdminError, InvalidInput

# A service's form with ten languages' texts is well under this.
MAX_FORM_BYTES = 256 * 1024
MAX_FIELDS = 400


class CsrfRejected(AdminError):
    """A form without this site's token: forged by another site, or from an ended session."""

    status_code = 403
    code = "csrf"


Form = dict[str, str]


async def read_form(request: Request) -> Form:
    """Return an url-encoded form's fields (the last value of each); 413/422 past the limits."""
    if request.headers.get("content-type", "").split(";")[0].strip() != (
        "application/x-www-form-urlencoded"
    ):
        raise InvalidInput("send the form as a browser does (application/x-www-form-urlencoded)")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise InvalidInput("the form is too large")
    try:
        pairs = parse_qsl(
            body.decode(), keep_blank_values=True, strict_parsing=False, max_num_fields=MAX_FIELDS
        )
    except (UnicodeDecodeError, ValueError) as error:
        raise InvalidInput("the form could not be read") from error
    # PostgreSQL text cannot hold U+0000, and nobody means one: it is dropped, as the web
    # chat drops it, so a pasted one never costs the person what they typed.
    return {key.replace("\x00", ""): value.replace("\x00", "") for key, value in pairs}


def check_csrf(request: Request, form: Form, expected: str | None) -> None:
    """Refuse a form whose token is not `expected`, or that another site's page sent."""
    origin = request.headers.get("origin")
    # Browsers send Origin with every POST; one naming another site is a forgery for sure.
    if origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        raise CsrfRejected("this form was sent from another site")
    sent = form.get("csrf", "")
    if not expected or not sent or not hmac.compare_digest(sent, expected):
        raise CsrfRejected("this form has expired or did not come from this site: send it again")
