"""People on the portal: invitations, passwords, signing in, and the lock-out after failures."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from admin_api.accounts.models import Account, Credential, Invitation
from admin_api.accounts.passwords import MAX_LENGTH, MIN_LENGTH, hash_password, verify_password
from admin_api.accounts.service import aware, hash_token, now
from admin_api.errors import Conflict, InvalidInput, NotFound

INVITATION_HOURS = 48
# Five wrong passwords in a row lock a login for a quarter of an hour: a person who mistypes
# gets through; a script guessing gets 20 tries an hour.
MAX_FAILURES = 5
LOCK_MINUTES = 15


def normal_login(login: str) -> str:
    """Return the login as stored: trimmed, lower case; 422 if it cannot be one."""
    login = login.strip().lower()
    if not 3 <= len(login) <= 120 or any(c.isspace() for c in login):
        raise InvalidInput("a login is 3 to 120 characters without spaces", reason="login")
    return login


def check_new_password(password: str) -> None:
    """Refuse a password too short to resist guessing, or too long to hash cheaply."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise InvalidInput(f"a password has {MIN_LENGTH} to {MAX_LENGTH} characters")


async def invite(session: AsyncSession, *, account: Account, login: str) -> str:
    """Give `account` a login and a new invitation; return its token, which is never stored."""
    login = normal_login(login)
    owner = await session.scalar(select(Credential.account_id).where(Credential.login == login))
    if owner is not None and owner != account.id:
        raise Conflict("this login belongs to another account", reason="login_taken")
    credential = await session.get(Credential, account.id, with_for_update=True)
    if credential is None:
        session.add(Credential(account_id=account.id, login=login, failed_attempts=0))
    else:
        credential.login = login
    token = secrets.token_urlsafe(32)
    expires = now() + dt.timedelta(hours=INVITATION_HOURS)
    session.add(Invitation(account_id=account.id, token_hash=hash_token(token), expires_at=expires))
    await session.flush()
    return token


async def open_invitation(session: AsyncSession, token: str) -> tuple[Invitation, Credential]:
    """Return a usable invitation and its account's credential, locked; 404 for any other."""
    invitation = await session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token)).with_for_update()
    )
    if (
        invitation is None
        or invitation.used_at is not None
        or aware(invitation.expires_at) <= now()
    ):
        raise NotFound("this invitation is unknown, used or expired")
    account = await session.get(Account, invitation.account_id)
    credential = await session.get(Credential, invitation.account_id, with_for_update=True)
    if account is None or account.disabled_at is not None or credential is None:
        raise NotFound("this invitation is unknown, used or expired")
    return invitation, credential


async def accept_invitation(session: AsyncSession, *, token: str, password: str) -> Credential:
    """Set the password of an invited account; the invitation (and any other) is then used."""
    invitation, credential = await open_invitation(session, token)
    check_new_password(password)
    await _set_password(credential, password)
    await session.execute(
        update(Invitation)
        .where(Invitation.account_id == invitation.account_id, Invitation.used_at.is_(None))
        .values(used_at=now())
    )
    await session.flush()
    return credential


async def _set_password(credential: Credential, password: str) -> None:
    credential.password_hash = await hash_password(password)
    credential.password_changed_at = now()
    credential.failed_attempts = 0
    credential.locked_until = None


@dataclass(frozen=True, slots=True)
class SignIn:
    """The outcome of a sign-in: the account, or why not (never which of login or password)."""

    account: Account | None
    locked: bool = False


async def sign_in(session: AsyncSession, *, login: str, password: str) -> SignIn:
    """Check a login and password; count failures and lock the login after too many.

    Returns instead of raising, so the request commits the failure count it changed.
    """
    credential = await session.scalar(
        select(Credential).where(Credential.login == login.strip().lower()).with_for_update()
    )
    if credential is None:
        await verify_password(password, None)  # as slow as a real check: logins stay secret
        return SignIn(None)
    if credential.locked_until is not None and aware(credential.locked_until) > now():
        await verify_password(password, None)  # as slow as ever: the lock tells no timing
        return SignIn(None, locked=True)
    account = await session.get(Account, credential.account_id)
    if await verify_password(password, credential.password_hash) and account is not None:
        credential.failed_attempts = 0
        credential.locked_until = None
        await session.flush()
        return SignIn(account if account.disabled_at is None else None)
    credential.failed_attempts += 1
    locked = credential.failed_attempts >= MAX_FAILURES
    if locked:
        credential.failed_attempts = 0
        credential.locked_until = now() + dt.timedelta(minutes=LOCK_MINUTES)
    await session.flush()
    return SignIn(None, locked=locked)


async def change_password(
    session: AsyncSession, *, account_id: int, current: str, new: str
) -> None:
    """Replace a password, given the current one; 422 if it is wrong or the new one too weak."""
    credential = await session.get(Credential, account_id, with_for_update=True)
    if credential is None or not await verify_password(current, credential.password_hash):
        raise InvalidInput("the current password is wrong")
    check_new_password(new)
    await _set_password(credential, new)
    await session.flush()
