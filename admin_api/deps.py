"""Dependencies of the admin API: the request's session, the caller, the rate limit."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin_api.accounts.models import Account, Role
from admin_api.accounts.service import authenticate
from admin_api.errors import Forbidden, RateLimited, Unauthorized
from core.settings import Settings
from services_directory.audit import Actor

log = logging.getLogger(__name__)
# Per account and minute, whichever of its tokens is used (minting more must not buy more):
# generous for a volunteer on a phone, tight for a runaway script.
REQUESTS_PER_MINUTE = 240


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Yield the request's session: committed here if the endpoint succeeds, else rolled back.

    A portal page that refused the request (`refuse`) is an answer, not an exception, by the
    time it gets here: it is rolled back all the same.
    """
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    async with sessions() as session:
        transaction = await session.begin()
        try:
            yield session
        except BaseException:
            await transaction.rollback()
            raise
        if getattr(request.state, REFUSED, False):
            await transaction.rollback()
        else:
            await transaction.commit()


# Set on a request whose answer refuses it: nothing it wrote is kept.
REFUSED = "refused"


def refuse(request: Request) -> None:
    """Mark the request refused, so that its session is rolled back, not committed."""
    setattr(request.state, REFUSED, True)


def get_sessions(request: Request) -> async_sessionmaker[AsyncSession]:
    """Return the app's session factory, for a read outside the request's transaction."""
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    return sessions


# scope="function": the commit runs when the endpoint returns, before the response is sent
# (FastAPI otherwise runs it after), so a 2xx means the write is there for the next request
# and a failed commit answers an error instead of a success.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
SessionsDep = Annotated[async_sessionmaker[AsyncSession], Depends(get_sessions)]


def get_settings(request: Request) -> Settings:
    """Return the settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]
# Integer ids in paths: within the database's INTEGER, or the driver refuses them (a 500).
RowId = Annotated[int, Path(ge=1, le=2_147_483_647)]


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated account behind a request."""

    account: Account
    # The API token it came with; None for a portal sign-in (a session cookie).
    token_id: int | None
    # The account that issued the token, when it was another one (a city admin).
    issued_by: Account | None = None

    @property
    def role(self) -> Role:
        """The caller's role."""
        return Role(self.account.role)

    @property
    def organization_id(self) -> str | None:
        """The caller's organisation (associations only)."""
        return self.account.organization_id

    @property
    def actor(self) -> Actor:
        """The caller as the audit log names it: the account, its role, and a token's issuer."""
        return Actor(
            self.account.id, _label(self.account),
            issued_by=_label(self.issued_by) if self.issued_by else None,
            needs_review=self.role is Role.ASSOCIATION,
        )  # fmt: skip


def _label(account: Account) -> str:
    return f"{account.role}:{account.name}"


async def _within_rate_limit(redis: Redis, account_id: int) -> bool:
    key = f"ratelimit:account:{account_id}:{int(time.time() // 60)}"
    try:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, 120)
            count, _ = await pipe.execute()
    except RedisError:
        # Rate limiting protects the service; an outage of it must not lock editors out.
        log.warning("admin_api.ratelimit redis unavailable; allowing")
        return True
    return int(count) <= REQUESTS_PER_MINUTE


async def get_caller(request: Request, session: SessionDep) -> Caller:
    """Return the caller named by the `Authorization: Bearer` token, or refuse with 401."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("send `Authorization: Bearer <token>`")
    found = await authenticate(session, token.strip())
    if found is None:
        raise Unauthorized("the token is unknown, expired or revoked")
    account, record = found
    if not await _within_rate_limit(request.app.state.redis, account.id):
        raise RateLimited(f"more than {REQUESTS_PER_MINUTE} requests in a minute")
    issuer = record.issued_by if record.issued_by_id != account.id else None
    return Caller(account, record.id, issuer)


CallerDep = Annotated[Caller, Depends(get_caller)]


def require(caller: Caller, *roles: Role) -> None:
    """Refuse with 403 unless the caller has one of `roles`."""
    if caller.role not in roles:
        raise Forbidden(f"a {caller.role.value} account cannot do this")
