"""Failed sign-ins per network address, counted in Redis under a keyed hash of the address.

The per-login lock-out (`people.sign_in`) stops guessing one password; this stops one address
trying many logins. Every API process shares the counter; no address is stored as such.
"""

from __future__ import annotations

import hashlib
import hmac

from redis.asyncio import Redis


def address_key(secret: bytes, address: str) -> str:
    """Return the Redis key counting the failed sign-ins of `address`."""
    digest = hmac.new(secret, f"sign-in\x00{address}".encode(), hashlib.sha256)
    return f"ratelimit:sign-in:{digest.hexdigest()[:32]}"


async def wait_s(redis: Redis, key: str, limit: int) -> int:
    """Return how many seconds the address must wait before trying again (0: it may try)."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.get(key)
        pipe.ttl(key)
        count, ttl = await pipe.execute()
    if count is None or int(count) < limit:
        return 0
    return max(int(ttl), 1)


async def failed(redis: Redis, key: str, window_s: int) -> None:
    """Count one failed sign-in; the window starts at the first failure and then runs out."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.set(key, 0, ex=window_s, nx=True)
        pipe.incr(key)
        await pipe.execute()
