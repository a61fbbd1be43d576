"""The admin API's errors, each with its HTTP status, and one JSON shape for all of them."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.errors import DalilError


class AdminError(DalilError):
    """Base of the admin API's expected errors.

    The detail is English, for the API's readers; `reason`, when given, names the refusal so
    that the portal can say it in its reader's language (`portal.labels.REFUSALS`).
    """

    def __init__(self, detail: str, *, reason: str | None = None) -> None:
        super().__init__(detail)
        self.reason = reason


class Unauthorized(AdminError):
    """No valid token."""

    status_code = 401
    code = "unauthorized"


class Forbidden(AdminError):
    """A valid token whose role may not do this."""

    status_code = 403
    code = "forbidden"


class NotFound(AdminError):
    """Absent, or not visible to the caller: the two are never told apart."""

    status_code = 404
    code = "not_found"


class Conflict(AdminError):
    """The request clashes with the current state (e.g. a workflow step out of order)."""

    status_code = 409
    code = "conflict"


class PreconditionFailed(AdminError):
    """If-Match names a version that is no longer current."""

    status_code = 412
    code = "stale_version"

    def __init__(self, detail: str, current: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.current = current


class PreconditionRequired(AdminError):
    """An update without If-Match: it could silently overwrite someone's edit."""

    status_code = 428
    code = "if_match_required"


class InvalidInput(AdminError):
    """Well-formed JSON that does not make sense (unknown city, organisation...)."""

    status_code = 422
    code = "invalid"


class RateLimited(AdminError):
    """Too many requests with one token."""

    status_code = 429
    code = "rate_limited"


class Locked(AdminError):
    """Too many wrong passwords for one login: signing in waits a while."""

    status_code = 429
    code = "locked"


def _body(error: str, detail: object, status: int, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail, **extra}, status_code=status)


def install(app: FastAPI) -> None:
    """Render expected errors, HTTP errors and validation errors as `{"error", "detail"}`."""

    @app.exception_handler(DalilError)
    async def _dalil(_request: Request, exc: DalilError) -> JSONResponse:
        extra: dict[str, Any] = {}
        headers: dict[str, str] = {}
        if isinstance(exc, PreconditionFailed) and exc.current is not None:
            extra["current"] = exc.current
        if isinstance(exc, RateLimited):
            headers["Retry-After"] = "60"
        response = _body(exc.code, exc.detail, exc.status_code, **extra)
        response.headers.update(headers)
        if isinstance(exc, Unauthorized):
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _body("http_error", exc.detail, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [{"loc": [str(part) for part in e["loc"]], "msg": e["msg"]} for e in exc.errors()]
        return _body("validation_error", detail, 422)
