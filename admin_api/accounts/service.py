"""Accounts and tokens: creation, issuing, authentication, revocation."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from admin_api.accounts.models import Account, ApiToken, Role
from admin_api.errors import Conflict, InvalidInput, NotFound
from services_directory import audit
from services_directory.audit import Actor
from services_directory.listings.models import Organization

TOKEN_PREFIX = "dalil_"  # noqa: S105 (a prefix, not a secret)
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 365
# Active tokens an account may hold: one per device or script is plenty, and a stolen token
# cannot mint an unbounded supply of others.
MAX_ACTIVE_TOKENS = 10
# Tokens issued through the CLI: by whoever runs the server, named as the CLI names itself.
OPERATOR = Actor(None, "cli")


def hash_token(token: str) -> str:
    """Return the stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def now() -> dt.datetime:
    """Return the current time, timezone-aware."""
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime) -> dt.datetime:
    """Return `value` with its timezone (UTC if the database dropped it)."""
    # SQLite hands back naive datetimes for timezone-aware columns.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def create_account(
    session: AsyncSession, *, name: str, role: Role, organization_id: str | None
) -> Account:
    """Create an account; an association belongs to exactly one organisation."""
    if role is Role.ASSOCIATION:
        if not organization_id or await session.get(Organization, organization_id) is None:
            raise InvalidInput(
                "an association account needs an existing organization_id", reason="organization"
            )
    elif organization_id is not None:
        raise InvalidInput(
            f"a {role.value} account belongs to no organisation", reason="no_organization"
        )
    account = Account(name=name, role=role.value, organization_id=organization_id)
    session.add(account)
    await session.flush()
    return account


async def issue_token(
    session: AsyncSession,
    *,
    account: Account,
    label: str,
    days: int = DEFAULT_TOKEN_DAYS,
    issuer: Actor | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for `account`; return its record and the token, which is never stored.

    `issuer` is who asks (None: the operator, through the CLI); it is kept with the token and
    the issue is written in the audit log under the account.
    """
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(f"a token lives 1 to {MAX_TOKEN_DAYS} days")
    # Under the account's row lock: two requests at once cannot both take the last place.
    await session.execute(select(Account.id).where(Account.id == account.id).with_for_update())
    active = await session.scalar(
        select(func.count())
        .select_from(ApiToken)
        .where(
            ApiToken.account_id == account.id,
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > now(),
        )
    )
    if (active or 0) >= MAX_ACTIVE_TOKENS:
        raise Conflict(f"the account has {MAX_ACTIVE_TOKENS} active tokens: revoke one first")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        account_id=account.id,
        token_hash=hash_token(token),
        label=label,
        expires_at=now() + dt.timedelta(days=days),
        issued_by_id=issuer.id if issuer else None,
    )
    session.add(record)
    await session.flush()
    audit.record(
        session, issuer or OPERATOR, entity_type="account", entity_id=str(account.id),
        action="token_issued", changes={"token_id": record.id, "label": label, "days": days},
    )  # fmt: skip
    return record, token


async def authenticate(session: AsyncSession, token: str) -> tuple[Account, ApiToken] | None:
    """Return the account and token record of a valid token, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    statement = (
        select(ApiToken)
        .where(ApiToken.token_hash == hash_token(token))
        .options(selectinload(ApiToken.account), selectinload(ApiToken.issued_by))
    )
    record = (await session.scalars(statement)).one_or_none()
    if record is None or record.revoked_at is not None or aware(record.expires_at) <= now():
        return None
    if record.account.disabled_at is not None:
        return None
    return record.account, record


async def revoke_token(session: AsyncSession, *, token_id: int, by: Account) -> None:
    """Revoke a token of `by` (or any token, for a city admin)."""
    record = await session.get(ApiToken, token_id)
    if record is None or (by.role != Role.CITY_ADMIN and record.account_id != by.id):
        raise NotFound("no such token")
    if record.revoked_at is None:
        record.revoked_at = now()
        await session.flush()


async def set_disabled(
    session: AsyncSession, *, account_id: int, disabled: bool, by: Account
) -> Account:
    """Disable or re-enable an account; nobody disables their own, so the city keeps a way in.

    A disabled account's tokens and portal sessions stop working at once; enabling it again
    restores the tokens that are neither revoked nor expired.
    """
    account = await session.get(Account, account_id, with_for_update=True)
    if account is None:
        raise NotFound("no such account", reason="account")
    if disabled and account.id == by.id:
        raise InvalidInput("you cannot disable your own account", reason="own_account")
    account.disabled_at = (account.disabled_at or now()) if disabled else None
    await session.flush()
    return account
