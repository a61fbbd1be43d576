"""One JSON shape for every error the HTTP API answers."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.errors import DalilError


def _body(error: str, detail: object, status: int) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail}, status_code=status)


def install(app: FastAPI) -> None:
    """Render expected errors, HTTP errors and validation errors as `{"error", "detail"}`."""

    @app.exception_handler(DalilError)
    async def _dalil(_request: Request, exc: DalilError) -> JSONResponse:
        return _body(exc.code, exc.detail, exc.status_code)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _body("http_error", exc.detail, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        return _body("validation_error", detail, 422)
