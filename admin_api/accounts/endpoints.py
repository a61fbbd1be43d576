"""Accounts and personal tokens."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from admin_api.accounts.models import Account, ApiToken, Role
from admin_api.accounts.service import (
    DEFAULT_TOKEN_DAYS,
    MAX_TOKEN_DAYS,
    create_account,
    issue_token,
    revoke_token,
    set_disabled,
)
from admin_api.deps import CallerDep, RowId, SessionDep, require
from admin_api.errors import NotFound
from admin_api.listings.schemas import AuditOut, audit_out
from services_directory import audit

router = APIRouter(tags=["accounts"])


class AccountIn(BaseModel):
    """A new account."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    role: Role
    organization_id: str | None = Field(None, max_length=64)


class AccountOut(BaseModel):
    """An account, as the API shows it."""

    id: int
    name: str
    role: Role
    organization_id: str | None
    disabled: bool = False


class TokenIn(BaseModel):
    """A new token."""

    model_config = ConfigDict(extra="forbid")

    label: str = Field("", max_length=120)
    # Strict: JSON `true` is not one day.
    expires_in_days: int = Field(DEFAULT_TOKEN_DAYS, ge=1, le=MAX_TOKEN_DAYS, strict=True)


class TokenOut(BaseModel):
    """A token record; `token` is present once, in the answer that creates it."""

    id: int
    label: str
    expires_at: dt.datetime
    revoked: bool
    issued_by_id: int | None = Field(description="the account that issued it; null: the CLI")
    token: str | None = None


async def _account(session: AsyncSession, account_id: int, *, for_update: bool = False) -> Account:
    """The account `account_id`; NotFound (404) when there is none."""
    account = await session.get(Account, account_id, with_for_update=True if for_update else None)
    if account is None:
        raise NotFound("no such account")
    return account


def _account_out(account: Account) -> AccountOut:
    return AccountOut(
        id=account.id,
        name=account.name,
        role=Role(account.role),
        organization_id=account.organization_id,
        disabled=account.disabled_at is not None,
    )


def _token_out(record: ApiToken, token: str | None = None) -> TokenOut:
    return TokenOut(
        id=record.id,
        label=record.label,
        expires_at=record.expires_at,
        revoked=record.revoked_at is not None,
        issued_by_id=record.issued_by_id,
        token=token,
    )


@router.get("/me")
async def me(caller: CallerDep) -> AccountOut:
    """Return the caller's account."""
    return _account_out(caller.account)


@router.get("/accounts")
async def list_accounts(caller: CallerDep, session: SessionDep) -> list[AccountOut]:
    """List every account (city admins only)."""
    require(caller, Role.CITY_ADMIN)
    accounts = await session.scalars(select(Account).order_by(Account.id))
    return [_account_out(a) for a in accounts]


@router.post("/accounts", status_code=201)
async def post_account(body: AccountIn, caller: CallerDep, session: SessionDep) -> AccountOut:
    """Create an account (city admins only)."""
    require(caller, Role.CITY_ADMIN)
    account = await create_account(
        session, name=body.name, role=body.role, organization_id=body.organization_id
    )
    return _account_out(account)


class AccountPatch(BaseModel):
    """What a city admin may change about an account."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=120)
    disabled: bool | None = None


@router.patch("/accounts/{account_id}")
async def patch_account(
    account_id: RowId, body: AccountPatch, caller: CallerDep, session: SessionDep
) -> AccountOut:
    """Rename, disable or re-enable an account (city admins only).

    A disabled account's tokens stop working at once; enabling it again restores the tokens
    that are neither revoked nor expired. A city admin cannot disable their own account, so
    the city is never locked out by mistake.
    """
    require(caller, Role.CITY_ADMIN)
    account = await _account(session, account_id, for_update=True)
    if body.disabled is not None:
        await set_disabled(
            session, account_id=account_id, disabled=body.disabled, by=caller.account
        )
    if body.name is not None:
        account.name = body.name
    await session.flush()
    return _account_out(account)


@router.post("/accounts/{account_id}/tokens", status_code=201)
async def post_token(
    account_id: RowId, body: TokenIn, caller: CallerDep, session: SessionDep
) -> TokenOut:
    """Issue a token for one's own account, or (city admins) for any account."""
    if account_id != caller.account.id:
        require(caller, Role.CITY_ADMIN)
    account = await _account(session, account_id)
    record, token = await issue_token(
        session, account=account, label=body.label, days=body.expires_in_days,
        issuer=caller.actor,
    )  # fmt: skip
    return _token_out(record, token)


@router.get("/accounts/{account_id}/tokens")
async def list_tokens(account_id: RowId, caller: CallerDep, session: SessionDep) -> list[TokenOut]:
    """List the tokens of one's own account (city admins: of any account); never the secrets."""
    if account_id != caller.account.id:
        require(caller, Role.CITY_ADMIN)
    await _account(session, account_id)
    records = await session.scalars(
        select(ApiToken).where(ApiToken.account_id == account_id).order_by(ApiToken.id)
    )
    return [_token_out(r) for r in records]


@router.delete("/tokens/{token_id}", status_code=204)
async def delete_token(token_id: RowId, caller: CallerDep, session: SessionDep) -> Response:
    """Revoke a token at once."""
    await revoke_token(session, token_id=token_id, by=caller.account)
    return Response(status_code=204)


@router.get("/accounts/{account_id}/audit")
async def account_audit(
    account_id: RowId, caller: CallerDep, session: SessionDep
) -> list[AuditOut]:
    """The audit trail of one account (city admins): tokens issued for it, and by whom."""
    require(caller, Role.CITY_ADMIN)
    await _account(session, account_id)
    entries = await audit.trail(session, entity_type="account", entity_id=str(account_id))
    return [audit_out(entry) for entry in entries]
