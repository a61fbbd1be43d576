"""One-time form tokens: a form sent twice (a double tap, back and send again, a retry on a
slow network) is acted on once."""

from __future__ import annotations

import secrets

from redis.asyncio import Redis

# How long a used token is remembered: longer than anyone keeps a page open.
KEEP_S = 24 * 3600


def new_token() -> str:
    """Return a token for one form."""
    return secrets.token_urlsafe(16)


def _key(token: str) -> str:
    return f"portal-once:{token[:64]}"


async def first_use(redis: Redis, token: str) -> bool:
    """Mark `token` used; tell whether it was not yet (a form without one always is)."""
    return not token or bool(await redis.set(_key(token), "1", nx=True, ex=KEEP_S))


async def release(redis: Redis, token: str) -> None:
    """Forget that `token` was used: what it was for was refused, so sending again must work."""
    if token:
        await redis.delete(_key(token))
