"""Redis streams read the way the tests read them: entry ids and fields as text.

The tests' client decodes replies, but redis-py types every reply as bytes or text, may be
None; these give the tests one typed view instead of a cast at every read.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from redis.asyncio import Redis

from bot import sender
from bot.outbound import Outbound
from bot.pacing import Pacer
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


async def send_all(
    redis: Redis, channels: dict[str, sender.Deliver], pacer: Pacer | None = None
) -> None:
    """Run the sender until the outbound stream is empty (30 s at most), then stop it."""
    task = asyncio.create_task(
        sender.run(redis, channels, block_ms=50, base_delay_s=0.01, pacer=pacer)
    )
    deadline = time.monotonic() + 30
    while await redis.xlen(OUTBOUND) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    task.cancel()
    await asyncio.wait([task], timeout=10)  # unlike wait_for, never waits on a hung task
    assert task.cancelled()
