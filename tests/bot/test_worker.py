"""The worker answers each inbound entry once, even when a worker dies before acknowledging."""

from __future__ import annotations

import json
from functools import partial

import pytest
from redis.asyncio import Redis

from bot import queue, worker
from bot.messages import IncomingMessage, Reply

MESSAGE = IncomingMessage("telegram", "5550001", "777", "text", text="hello")


async def _respond(calls: list[str], message: IncomingMessage) -> list[Reply]:
    calls.append(message.message_id)
    return [Reply("one"), Reply("two")]


async def _handle_entry(
    redis: Redis, calls: list[str], entry_id: str, fields: dict[str, str]
) -> None:
    await worker.handle(redis, partial(_respond, calls), entry_id, fields["message"])


async def test_entry_taken_by_a_dead_worker_is_answered_once_by_another(
    redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    await queue.ensure_groups(redis)
    assert await queue.accept(redis, "tg:1:777", MESSAGE)
    # A worker reads the entry, then dies before acknowledging it.
    taken = await redis.xreadgroup(queue.WORKERS, "dead-worker", {queue.INBOUND: ">"}, count=1)
    assert len(taken[0][1]) == 1

    calls: list[str] = []
    handle = partial(_handle_entry, redis, calls)
    # Not yet idle long enough: the live worker leaves it to its owner.
    assert await queue.consume_once(redis, queue.INBOUND, queue.WORKERS, "live", handle, 10) == 0
    monkeypatch.setattr(queue, "CLAIM_IDLE_MS", 0)
    assert await queue.consume_once(redis, queue.INBOUND, queue.WORKERS, "live", handle, 10) == 1
    assert await queue.consume_once(redis, queue.INBOUND, queue.WORKERS, "live", handle, 10) == 0

    assert calls == ["777"]
    outbound = await redis.xrange(queue.OUTBOUND)
    envelopes = [json.loads(fields["envelope"]) for _id, fields in outbound]
    assert [e["reply"]["text"] for e in envelopes] == ["one", "two"]
    assert [e["key"] for e in envelopes] == ["telegram:777:0", "telegram:777:1"]
    assert (await redis.xpending(queue.INBOUND, queue.WORKERS))["pending"] == 0
    assert await redis.xlen(queue.INBOUND) == 0  # handled entries do not linger


async def test_the_same_platform_message_is_queued_once(redis: Redis) -> None:
    await queue.ensure_groups(redis)
    assert await queue.accept(redis, "tg:1:778", MESSAGE)
    assert not await queue.accept(redis, "tg:1:778", MESSAGE)
    assert await redis.xlen(queue.INBOUND) == 1
    assert 7 * 24 * 3600 < await redis.ttl("dedupe:tg:1:778") <= queue.DEDUPE_TTL_S
