"""Spreadsheet export and import of services (CSV or XLSX, one row per service)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from admin_api.accounts.models import Role
from admin_api.deps import Caller, CallerDep, SessionDep, require
from admin_api.errors import InvalidInput, NotFound
from services_directory.exchange.importer import export_rows, import_table
from services_directory.exchange.spreadsheet import read_table, write_csv, write_xlsx
from services_directory.listings.service import Actor

router = APIRouter(tags=["import and export"])
_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _scope(caller: Caller, organization_id: str | None) -> str | None:
    require(caller, Role.CITY_ADMIN, Role.ASSOCIATION)
    if caller.role is Role.ASSOCIATION:
        if organization_id not in (None, caller.organization_id):
            raise NotFound("no such organization")
        return caller.organization_id
    return organization_id


@router.get("/exports/services.{fmt}")
async def export_services(
    fmt: Literal["csv", "xlsx"],
    caller: CallerDep,
    session: SessionDep,
    organization_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """Download services as a spreadsheet: an association gets its own, a city admin any."""
    rows = await export_rows(session, organization_id=_scope(caller, organization_id))
    content = write_csv(rows) if fmt == "csv" else write_xlsx(rows)
    headers = {"Content-Disposition": f'attachment; filename="services.{fmt}"'}
    return Response(content, media_type=_MEDIA[fmt], headers=headers)


@router.post("/imports/services")
async def import_services(
    request: Request,
    caller: CallerDep,
    session: SessionDep,
    organization_id: Annotated[str | None, Query(max_length=64)] = None,
    valid_only: bool = False,
) -> JSONResponse:
    """Import a spreadsheet (the raw CSV or XLSX file as the body).

    Every row is checked first. With any problem nothing is imported (422, with each problem's
    row and column), unless `valid_only=true`: then the valid rows are.
    """
    scope = _scope(caller, organization_id)
    try:
        rows = read_table(await request.body())
    except (ValueError, KeyError, OSError) as error:
        raise InvalidInput("the body is not a CSV or XLSX spreadsheet") from error
    actor = Actor(caller.account.id, f"{caller.role.value}:{caller.account.name}")
    report = await import_table(
        session, rows, actor=actor, organization_id=scope, valid_only=valid_only
    )
    body = {
        "applied": report.applied,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "errors": [dataclasses.asdict(e) for e in report.errors],
    }
    if not report.applied:
        problems = f"{len(report.errors)} problem(s); nothing was imported"
        return JSONResponse({"error": "invalid_rows", "detail": problems, **body}, status_code=422)
    return JSONResponse(body)
