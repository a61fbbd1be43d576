"""Portal sign-ins in Redis: the cookie holds a random id; Redis, its account and CSRF token."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass

from redis.asyncio import Redis


@dataclass(frozen=True, slots=True)
class PortalSession:
    """A signed-in browser: whose it is, and the token its forms must send back."""

    account_id: int
    csrf: str

    def encode(self) -> str:
        """Return the session as stored in Redis."""
        return json.dumps({"account_id": self.account_id, "csrf": self.csrf})

    @classmethod
    def decode(cls, raw: str | bytes) -> PortalSession:
        """Read a session stored by `encode`."""
        data = json.loads(raw)
        return cls(account_id=int(data["account_id"]), csrf=str(data["csrf"]))


def _key(session_id: str) -> str:
    # Keyed by a hash: a copy of Redis does not hand out cookies that sign anyone in.
    return "portal:session:" + hashlib.sha256(session_id.encode()).hexdigest()


def _account_key(account_id: int) -> str:
    return f"portal:account-sessions:{account_id}"


async def open_session(redis: Redis, *, account_id: int, ttl_s: int) -> tuple[str, PortalSession]:
    """Start a session that ends by itself after `ttl_s`; return its id (the cookie) and it."""
    session_id = secrets.token_urlsafe(32)
    session = PortalSession(account_id=account_id, csrf=secrets.token_urlsafe(32))
    async with redis.pipeline(transaction=True) as pipe:
        pipe.set(_key(session_id), session.encode(), ex=ttl_s)
        pipe.sadd(_account_key(account_id), _key(session_id))
        pipe.expire(_account_key(account_id), ttl_s, gt=True)
        pipe.expire(_account_key(account_id), ttl_s, nx=True)
        await pipe.execute()
    return session_id, session


async def read_session(redis: Redis, session_id: str) -> PortalSession | None:
    """Return the live session with this id, or None (unknown, ended or expired)."""
    raw = await redis.get(_key(session_id))
    return PortalSession.decode(raw) if raw is not None else None


async def close_session(redis: Redis, session_id: str) -> None:
    """End one session (signing out)."""
    raw = await redis.getdel(_key(session_id))
    if raw is not None:
        await redis.srem(_account_key(PortalSession.decode(raw).account_id), _key(session_id))


async def close_other_sessions(redis: Redis, *, account_id: int, keep: str | None) -> None:
    """End every session of an account but `keep` (after a password change)."""
    members = await redis.smembers(_account_key(account_id))
    keys = {k if isinstance(k, str) else k.decode() for k in members}
    ended = keys - ({_key(keep)} if keep else set())
    if ended:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.delete(*ended)
            pipe.srem(_account_key(account_id), *ended)
            await pipe.execute()
