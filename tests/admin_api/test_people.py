"""People's accounts: invitations valid 48 hours and once, scrypt passwords, the lock-out."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from admin_api.accounts import people
from admin_api.accounts.models import Credential, Role
from admin_api.accounts.service import create_account, now, set_disabled
from admin_api.errors import Conflict, InvalidInput, NotFound

PASSWORD = "a long enough password"


async def _invited(session: AsyncSession, login: str = "Someone@Example.org") -> tuple[int, str]:
    account = await create_account(session, name="x", role=Role.CITY_ADMIN, organization_id=None)
    return account.id, await people.invite(session, account=account, login=login)


def _later(monkeypatch: pytest.MonkeyPatch, delta: dt.timedelta) -> None:
    """Move the accounts' clock forward: what happens once that much time has passed."""
    start = now()
    monkeypatch.setattr(people, "now", lambda: start + delta)


async def test_an_invitation_sets_a_scrypt_hash_once(session: AsyncSession) -> None:
    account_id, token = await _invited(session)
    with pytest.raises(InvalidInput):
        await people.accept_invitation(session, token=token, password="short")
    credential = await people.accept_invitation(session, token=token, password=PASSWORD)
    assert credential.login == "someone@example.org"
    assert credential.password_hash is not None
    assert credential.password_hash.startswith("scrypt$32768$8$1$")
    assert PASSWORD not in credential.password_hash
    with pytest.raises(NotFound):
        await people.accept_invitation(session, token=token, password=PASSWORD)
    signed = await people.sign_in(session, login=" SOMEONE@example.org", password=PASSWORD)
    assert signed.account is not None
    assert signed.account.id == account_id


@pytest.mark.parametrize(("hours", "usable"), [(47.9, True), (48.1, False)])
async def test_an_invitation_lasts_48_hours(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch, hours: float, usable: bool
) -> None:
    _account_id, token = await _invited(session)
    _later(monkeypatch, dt.timedelta(hours=hours))
    if usable:
        await people.open_invitation(session, token)
    else:
        with pytest.raises(NotFound):
            await people.open_invitation(session, token)


async def test_a_login_belongs_to_one_account(session: AsyncSession) -> None:
    await _invited(session, "shared@example.org")
    with pytest.raises(Conflict):
        await _invited(session, "Shared@example.org")


async def test_the_lock_out_holds_15_minutes_then_lifts(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    account_id, token = await _invited(session)
    await people.accept_invitation(session, token=token, password=PASSWORD)
    for _ in range(people.MAX_FAILURES - 1):
        failed = await people.sign_in(session, login="someone@example.org", password="no")
        assert failed.account is None
        assert not failed.locked
    last = await people.sign_in(session, login="someone@example.org", password="no")
    assert last.locked
    assert last.account is None
    refused = await people.sign_in(session, login="someone@example.org", password=PASSWORD)
    assert refused.locked
    assert refused.account is None
    _later(monkeypatch, dt.timedelta(minutes=people.LOCK_MINUTES, seconds=1))
    signed = await people.sign_in(session, login="someone@example.org", password=PASSWORD)
    assert signed.account is not None
    assert signed.account.id == account_id
    credential = await session.get(Credential, account_id)
    assert credential is not None
    assert credential.failed_attempts == 0


async def test_a_disabled_account_cannot_sign_in_nor_accept(session: AsyncSession) -> None:
    account_id, token = await _invited(session)
    admin = await create_account(session, name="admin", role=Role.CITY_ADMIN, organization_id=None)
    await set_disabled(session, account_id=account_id, disabled=True, by=admin)
    with pytest.raises(NotFound):
        await people.accept_invitation(session, token=token, password=PASSWORD)
    await set_disabled(session, account_id=account_id, disabled=False, by=admin)
    await people.accept_invitation(session, token=token, password=PASSWORD)
    await set_disabled(session, account_id=account_id, disabled=True, by=admin)
    signed = await people.sign_in(session, login="someone@example.org", password=PASSWORD)
    assert signed.account is None
