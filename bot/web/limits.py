"""How many messages a conversation, and a network address, may post in a minute.

Counters live in Redis, so every API process shares them. They are named by keyed hashes,
never by the conversation id or the address, and last two minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from redis.asyncio import Redis

WINDOW_S = 60


def counter_key(secret: bytes, kind: str, value: str) -> str:
    """Return the Redis key counting `kind` (`conv` or `addr`) `value` in this minute."""
    digest = hmac.new(secret, f"web-rate\x00{kind}\x00{value}".encode(), hashlib.sha256)
    return f"ratelimit:web:{kind}:{digest.hexdigest()[:32]}"


async def within(redis: Redis, key: str, limit: int) -> bool:
    """Count one message under `key`; tell whether the minute's count is still within `limit`."""
    windowed = f"{key}:{int(time.time() // WINDOW_S)}"
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(windowed)
        pipe.expire(windowed, 2 * WINDOW_S)
        count, _ = await pipe.execute()
    return int(count) <= limit


async def reset(redis: Redis, key: str) -> None:
    """Drop the counters under `key` (a conversation that asked to be forgotten)."""
    now = int(time.time() // WINDOW_S)
    await redis.delete(f"{key}:{now - 1}", f"{key}:{now}")
