"""Spreadsheets on the portal: download one's services, upload them back, problems by row."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from admin_api.deps import SessionDep
from admin_api.limits import MAX_BODY_BYTES
from admin_api.listings.exchange import MEDIA_TYPES
from admin_api.listings.service import organization_scope
from admin_api.portal.auth import SignedDep
from admin_api.portal.forms import check_csrf
from admin_api.portal.kept import KeptUploadDep
from admin_api.portal.pages import PortalRoute, render
from services_directory.exchange.errors import UnreadableFile
from services_directory.exchange.importer import export_file, import_file

router = APIRouter(route_class=PortalRoute, include_in_schema=False)


@router.get("/portal/spreadsheet")
async def spreadsheet_page(request: Request, signed: SignedDep) -> Response:
    """Offer the services as a spreadsheet, and the form that imports one."""
    organization_scope(signed.caller, None)
    return render(request, "spreadsheet.html", {"signed": signed, "csrf": signed.csrf})


@router.get("/portal/spreadsheet/services.{fmt}")
async def download(fmt: Literal["csv", "xlsx"], signed: SignedDep, session: SessionDep) -> Response:
    """Download the services (an association's own; every one, for the city team)."""
    scope = organization_scope(signed.caller, None)
    content = await export_file(session, fmt, organization_id=scope)
    headers = {"Content-Disposition": f'attachment; filename="services.{fmt}"'}
    return Response(content, media_type=MEDIA_TYPES[fmt], headers=headers)


@router.post("/portal/spreadsheet")
async def upload(request: Request, signed: KeptUploadDep, session: SessionDep) -> Response:
    """Import a spreadsheet: all of it, or (if asked) its valid rows; else each row's problems.

    Sent after the session ended, nothing is imported: signed in again, the person is back
    on this page, told to choose the file again (`kept`)."""
    # The body is at most MAX_BODY_BYTES (BodySizeLimit) before it is parsed here.
    async with request.form(max_files=1, max_fields=5, max_part_size=MAX_BODY_BYTES) as form:
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        check_csrf(request, fields, signed.csrf)
        upload = form.get("file")
        content = await upload.read() if isinstance(upload, UploadFile) else b""
    context: dict[str, object] = {"signed": signed, "csrf": signed.csrf}
    try:
        report = await import_file(
            session, content, actor=signed.caller.actor,
            organization_id=organization_scope(signed.caller, None),
            valid_only=fields.get("valid_only") == "on",
        )  # fmt: skip
    except UnreadableFile:
        return render(request, "spreadsheet.html", {**context, "unreadable": True}, status=422)
    context["report"] = report
    return render(request, "spreadsheet.html", context, status=200 if report.applied else 422)
