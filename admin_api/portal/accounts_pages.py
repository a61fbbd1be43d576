"""The city team's accounts page: who has an account, invitations, disabling an account."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response

from admin_api.accounts import people
from admin_api.accounts.models import Account, Credential, Role
from admin_api.accounts.service import create_account, set_disabled
from admin_api.deps import RowId, SessionDep, require
from admin_api.errors import AdminError, InvalidInput, NotFound
from admin_api.portal.auth import Signed, SignedDep, SignedFormDep
from admin_api.portal.forms import Form
from admin_api.portal.kept import KeptFormDep
from admin_api.portal.labels import refusal
from admin_api.portal.pages import PageError, PortalRoute, render, see_other
from services_directory.listings.models import Organization

router = APIRouter(route_class=PortalRoute, include_in_schema=False)


async def _context(session: SessionDep, signed: Signed, **extra: Any) -> dict[str, Any]:
    rows = await session.execute(
        select(Account, Credential.login)
        .outerjoin(Credential, Credential.account_id == Account.id)
        .order_by(Account.id)
    )
    organizations = await session.scalars(select(Organization).order_by(Organization.name))
    return {
        "signed": signed, "csrf": signed.csrf, "accounts": list(rows.tuples()),
        "organizations": list(organizations), "roles": [r.value for r in Role],
        "link": None, "error": None, "values": {}, **extra,
    }  # fmt: skip


async def _refused(
    request: Request, session: SessionDep, signed: Signed, refused: AdminError, values: Form
) -> PageError:
    # The page again, saying why in the reader's language; what the request wrote is undone.
    context = await _context(session, signed, error=refusal(refused), values=values)
    return PageError(render(request, "accounts.html", context, status=422))


@router.get("/portal/accounts")
async def accounts_page(request: Request, signed: SignedDep, session: SessionDep) -> Response:
    """List the accounts, with the form that invites a person."""
    require(signed.caller, Role.CITY_ADMIN)
    return render(request, "accounts.html", await _context(session, signed))


@router.post("/portal/accounts")
async def invite_person(
    request: Request, signed_form: KeptFormDep, session: SessionDep
) -> Response:
    """Create an account and its invitation; show the link this once."""
    signed, form = signed_form
    require(signed.caller, Role.CITY_ADMIN)
    role = form.get("role", "")
    try:
        if role not in {r.value for r in Role}:
            raise InvalidInput("choose a role", reason="role")
        account = await create_account(
            session, name=(form.get("name", "").strip() or form.get("login", "").strip())[:120],
            role=Role(role), organization_id=form.get("organization_id") or None
            if role == Role.ASSOCIATION else None,
        )  # fmt: skip
        token = await people.invite(session, account=account, login=form.get("login", ""))
    except AdminError as refused:
        raise await _refused(request, session, signed, refused, values=form) from refused
    base = str(request.base_url).rstrip("/")
    context = await _context(session, signed, link=f"{base}/portal/invitation/{token}")
    page = render(request, "accounts.html", context)
    # The link signs a person up: no cache keeps it once the page is left.
    page.headers["Cache-Control"] = "no-store"
    return page


@router.post("/portal/accounts/{account_id}/{action}")
async def switch_account(
    request: Request,
    account_id: RowId,
    action: str,
    signed_form: SignedFormDep,
    session: SessionDep,
) -> Response:
    """Disable an account (its sessions and tokens stop at once), or enable it again."""
    signed, _form = signed_form
    require(signed.caller, Role.CITY_ADMIN)
    if action not in {"disable", "enable"}:
        raise NotFound("no such action")
    try:
        await set_disabled(
            session, account_id=account_id, disabled=action == "disable", by=signed.account
        )
    except AdminError as refused:
        raise await _refused(request, session, signed, refused, values={}) from refused
    return see_other("/portal/accounts")
