"""The worker answers each inbound entry once, even when a worker dies before acknowledging."""

from __future__ import annotations

import asyncio
import random
import time
from functools import partial

import pytest
from prometheus_client import REGISTRY
from redis.asyncio import Redis

from bot import queue, worker
from bot.messages import IncomingMessage, Reply
from tests.helpers.streams import outbound, read_new

MESSAGE = IncomingMessage("telegram", "5550001", "777", "text", text="hello")


async def _respond(calls: list[str], message: IncomingMessage) -> list[Reply]:
    calls.append(message.message_id)
    return [Reply("one"), Reply("two")]


async def _handle_entry(
    redis: Redis, calls: list[str], entry_id: str, fields: dict[str, str]
) -> None:
    await worker.handle(redis, partial(_respond, calls), entry_id, fields["message"])


async def live(redis: Redis, handle: queue.EntryHandler) -> int:
    """One step of a worker named "live", waited for to the end."""
    return await queue.Consumer(redis, queue.INBOUND, queue.WORKERS, "live", handle, 10).once()


async def test_entry_taken_by_a_dead_worker_is_answered_once_by_another(
    redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    await queue.ensure_groups(redis)
    assert await queue.accept(redis, "tg:1:777", MESSAGE)
    # A worker reads the entry, then dies before acknowledging it.
    taken = await read_new(redis, queue.WORKERS, "dead-worker", queue.INBOUND, count=1)
    assert len(taken) == 1

    calls: list[str] = []
    handle = partial(_handle_entry, redis, calls)
    # Not yet idle long enough: the live worker leaves it to its owner.
    assert await live(redis, handle) == 0
    monkeypatch.setattr(queue, "CLAIM_IDLE_MS", 0)
    assert await live(redis, handle) == 1
    assert await live(redis, handle) == 0

    assert calls == ["777"]
    queued = await outbound(redis)
    assert [o.reply.text if o.reply else None for o in queued] == ["one", "two"]
    assert [o.key for o in queued] == ["telegram:777:0", "telegram:777:1"]
    assert (await redis.xpending(queue.INBOUND, queue.WORKERS))["pending"] == 0
    assert await redis.xlen(queue.INBOUND) == 0  # handled entries do not linger


async def test_the_same_platform_message_is_queued_once(redis: Redis) -> None:
    await queue.ensure_groups(redis)
    assert await queue.accept(redis, "tg:1:778", MESSAGE)
    assert not await queue.accept(redis, "tg:1:778", MESSAGE)
    assert await redis.xlen(queue.INBOUND) == 1
    assert 7 * 24 * 3600 < await redis.ttl("dedupe:tg:1:778") <= queue.DEDUPE_TTL_S


async def test_one_chat_is_answered_in_order_while_many_others_write(redis: Redis) -> None:
    # One person writes 40 messages in a row while 30 others write 5 each; the dialogue takes
    # a varying time, as the NLU does. Chats are answered concurrently, each one in order.
    await queue.ensure_groups(redis)
    waiting = {"busy": list(range(40))} | {f"chat-{c}": list(range(5)) for c in range(30)}
    interleave = random.Random(3)
    stream: list[tuple[str, int]] = []
    while waiting:
        chat = interleave.choice(sorted(waiting))
        stream.append((chat, waiting[chat].pop(0)))
        if not waiting[chat]:
            del waiting[chat]
    for chat, n in stream:
        message = IncomingMessage("telegram", chat, f"{chat}-{n}", "text", text=str(n))
        assert await queue.accept(redis, f"tg:{chat}:{n}", message)
    delays = random.Random(5)
    handled: list[tuple[str, int]] = []
    in_flight = peak = 0

    async def respond(message: IncomingMessage) -> list[Reply]:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(delays.uniform(0, 0.02))
        in_flight -= 1
        handled.append((message.chat_id, int(message.text or "")))
        return [Reply(f"answer {message.text}")]

    task = asyncio.create_task(worker.run(redis, respond, block_ms=50))
    deadline = time.monotonic() + 60
    while await redis.xlen(queue.OUTBOUND) < len(stream) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    task.cancel()
    await asyncio.wait([task], timeout=10)
    assert task.cancelled()

    assert sorted(handled) == sorted(stream)  # each once
    by_chat: dict[str, list[int]] = {}
    for chat, n in handled:
        by_chat.setdefault(chat, []).append(n)
    assert all(numbers == sorted(numbers) for numbers in by_chat.values())
    queued = await outbound(redis)
    busy_answers = [o.reply.text for o in queued if o.reply and o.chat_id == "busy"]
    assert busy_answers == [f"answer {n}" for n in range(40)]
    assert peak > 10  # many chats at once, not one message at a time


async def test_two_workers_keep_each_chat_in_order_even_past_a_failure(redis: Redis) -> None:
    # Two workers (as two processes would be) share the stream; ten chats write twelve
    # messages each; the dialogue takes a varying time, and fails once on one message of
    # every chat. Each chat is still answered once per message, in the order it wrote.
    await queue.ensure_groups(redis)
    chats = [f"chat-{c}" for c in range(10)]
    for n in range(12):
        for chat in chats:
            message = IncomingMessage("telegram", chat, f"{chat}-{n}", "text", text=str(n))
            assert await queue.accept(redis, f"tg:{chat}:{n}", message)
    delays = random.Random(11)
    failed: set[str] = set()
    handled: list[tuple[str, int]] = []

    async def respond(message: IncomingMessage) -> list[Reply]:
        await asyncio.sleep(delays.uniform(0, 0.03))
        n = int(message.text or "")
        if n == 4 and message.chat_id not in failed:
            failed.add(message.chat_id)
            raise ConnectionError("the database went away for a moment")
        handled.append((message.chat_id, n))
        return [Reply(f"answer {n}")]

    tasks = [
        asyncio.create_task(worker.run(redis, respond, block_ms=50, consumer=f"worker-{w}"))
        for w in range(2)
    ]
    deadline = time.monotonic() + 60
    while await redis.xlen(queue.OUTBOUND) < 120 and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    for task in tasks:
        task.cancel()
    await asyncio.wait(tasks, timeout=10)

    assert failed == set(chats)
    by_chat: dict[str, list[int]] = {}
    for chat, n in handled:
        by_chat.setdefault(chat, []).append(n)
    assert by_chat == {chat: list(range(12)) for chat in chats}
    queued = await outbound(redis)
    for chat in chats:
        answers = [o.reply.text for o in queued if o.reply and o.chat_id == chat]
        assert answers == [f"answer {n}" for n in range(12)]
    assert await redis.xlen(queue.INBOUND) == 0
    assert await redis.keys("lane:inbound:*") == []  # each lane emptied as it was handled


async def test_a_slow_turn_holds_up_its_own_chat_only(redis: Redis) -> None:
    # One person's turn hangs (a slow search, a platform timeout); thirty other people write
    # meanwhile. They are answered while it hangs, and the slow chat's next messages wait for
    # it. A worker that read in rounds would answer none of them until the slow turn ended.
    await queue.ensure_groups(redis)
    slow = IncomingMessage("telegram", "slow", "slow-0", "text", text="0")
    assert await queue.accept(redis, "tg:slow:0", slow)
    release = asyncio.Event()
    handled: list[tuple[str, int]] = []

    async def respond(message: IncomingMessage) -> list[Reply]:
        if message.message_id == "slow-0":
            await release.wait()
        handled.append((message.chat_id, int(message.text or "")))
        return [Reply(f"answer {message.text}")]

    def busy_lanes() -> float:
        return REGISTRY.get_sample_value("dalil_lanes_at_work", {"stream": "inbound"}) or 0.0

    lanes_before = busy_lanes()
    task = asyncio.create_task(worker.run(redis, respond, block_ms=50))
    for n in (1, 2):
        later = IncomingMessage("telegram", "slow", f"slow-{n}", "text", text=str(n))
        assert await queue.accept(redis, f"tg:slow:{n}", later)
    for c in range(30):
        other = IncomingMessage("telegram", f"chat-{c}", f"{c}-0", "text", text="0")
        assert await queue.accept(redis, f"tg:chat-{c}:0", other)
    deadline = time.monotonic() + 20
    while await redis.xlen(queue.OUTBOUND) < 30 and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    answered_while_hanging = sorted(handled)
    # /metrics shows the one lane still at work (the others end just after their answer).
    while busy_lanes() > lanes_before + 1 and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    busy_while_hanging = busy_lanes() - lanes_before
    release.set()
    while await redis.xlen(queue.OUTBOUND) < 33 and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    task.cancel()
    await asyncio.wait([task], timeout=10)
    assert task.cancelled()

    assert answered_while_hanging == sorted((f"chat-{c}", 0) for c in range(30))
    assert busy_while_hanging == 1
    assert busy_lanes() == lanes_before  # a stopped worker holds none
    assert [n for chat, n in handled if chat == "slow"] == [0, 1, 2]
    queued = await outbound(redis)
    assert [o.reply.text for o in queued if o.reply and o.chat_id == "slow"] == [
        "answer 0", "answer 1", "answer 2",
    ]  # fmt: skip
    assert await redis.xlen(queue.INBOUND) == 0
