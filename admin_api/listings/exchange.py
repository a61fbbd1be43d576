"""Export and import of services: a spreadsheet (CSV/XLSX, one row per service) or HSDS 3.0."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from admin_api.deps import CallerDep, SessionDep
from admin_api.errors import InvalidInput
from admin_api.listings.service import organization_scope
from services_directory.categories import Category
from services_directory.exchange.errors import UnreadableFile
from services_directory.exchange.importer import export_file, import_file

router = APIRouter(tags=["import and export"])
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "zip": "application/zip",
}


@router.get("/exports/services.{fmt}")
async def export_services(
    fmt: Literal["csv", "xlsx", "json", "zip"],
    caller: CallerDep,
    session: SessionDep,
    organization_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """Download services: an association gets its own, a city admin any.

    `csv` and `xlsx` are the one-row-per-service spreadsheet; `json` is an HSDS 3.0 page of
    fully nested services; `zip` is the HSDS tabular package (one CSV per table).
    """
    content = await export_file(
        session, fmt, organization_id=organization_scope(caller, organization_id)
    )
    headers = {"Content-Disposition": f'attachment; filename="services.{fmt}"'}
    return Response(content, media_type=MEDIA_TYPES[fmt], headers=headers)


@router.post("/imports/services")
async def import_services(
    request: Request,
    caller: CallerDep,
    session: SessionDep,
    organization_id: Annotated[str | None, Query(max_length=64)] = None,
    valid_only: bool = False,
    category: Category | None = None,
    locale: Annotated[str, Query(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")] = "en",
) -> JSONResponse:
    """Import services; the body is the raw file, told apart by its content.

    A CSV or XLSX spreadsheet, an HSDS 3.0 JSON document (one service, a list, or a page with
    `contents`), or an HSDS tabular package (a zip with `service.csv`). Every row or service
    is checked first. With any problem nothing is imported (422, with each problem's row, or
    service number, and column, or field path), unless `valid_only=true`: then the valid ones
    are. HSDS only: `category` classifies services whose taxonomy terms name none of ours;
    `locale` is the language of the file's eligibility and fee texts. The first 100 problems
    are listed, `error_count` counts them all; a file larger than an import reads (rows,
    columns, a cell, unpacked bytes, nesting) is refused whole with 422.
    """
    scope = organization_scope(caller, organization_id)
    try:
        report = await import_file(
            session, await request.body(), actor=caller.actor, organization_id=scope,
            valid_only=valid_only, default_category=category, locale=locale,
        )  # fmt: skip
    except UnreadableFile as error:
        raise InvalidInput(
            "the body is not a CSV or XLSX spreadsheet nor HSDS 3.0 JSON or tabular package"
            f" that an import reads: {error.detail}"
        ) from error
    body = {
        "applied": report.applied,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "errors": [dataclasses.asdict(e) for e in report.errors],
        "error_count": report.error_count,
    }
    if not report.applied:
        problems = f"{report.error_count} problem(s); nothing was imported"
        return JSONResponse({"error": "invalid_rows", "detail": problems, **body}, status_code=422)
    return JSONResponse(body)
