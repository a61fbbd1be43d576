"""Redis streams read the way the tests read them: entry ids and fields as text.

The tests' client decodes replies, but redis-py types every reply as bytes or text, may be
None; these give the tests one typed view instead of a cast at every read.
"""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

from bot.outbound import Outbound
from bot.queue import OUTBOUND

Entry = tuple[str, dict[str, str]]


async def entries(redis: Redis, stream: str) -> list[Entry]:
    """Every entry of `stream`, oldest first."""
    found: Any = await redis.xrange(stream)
    return [(entry_id, fields) for entry_id, fields in found]


async def read_new(
    redis: Redis,
    group: str,
    consumer: str,
    stream: str,
    *,
    count: int | None = None,
    block_ms: int | None = None,
) -> list[Entry]:
    """Entries of `stream` never delivered to `group`, now taken by `consumer`."""
    response: Any = await redis.xreadgroup(
        group, consumer, {stream: ">"}, count=count, block=block_ms
    )
    return [(entry_id, fields) for _stream, items in response or [] for entry_id, fields in items]


async def outbound(redis: Redis) -> list[Outbound]:
    """Every message on the outbound stream, oldest first, read as the sender reads it."""
    return [Outbound.from_fields(fields) for _id, fields in await entries(redis, OUTBOUND)]
