"""The web chat's outbox: written once by the sender, read and acknowledged by the browser."""

from __future__ import annotations

import asyncio
import time
from functools import partial

from redis.asyncio import Redis

from bot import queue, sender
from bot.messages import Button, IncomingMessage, Reply, Template
from bot.outbound import Outbound
from bot.web import outbox
from tests.helpers.settings import PSEUDONYM_KEY
from tests.helpers.streams import read_new

KEY = PSEUDONYM_KEY.encode()
CONVERSATION = "0123456789abcdef0123456789abcdef"


async def _queue_reply(redis: Redis, index: int, reply: Reply) -> tuple[str, Outbound]:
    """Queue one reply of the web chat as the worker does; return its entry id and message."""
    await queue.ensure_groups(redis)
    message = IncomingMessage("web", CONVERSATION, "m1", "text", text="hi")
    entry_id = str(await queue.append_outbound(redis, Outbound.answering(message, index, reply)))
    ((read_id, fields),) = await read_new(redis, queue.SENDERS, "t", queue.OUTBOUND)
    assert read_id == entry_id
    return entry_id, Outbound.from_fields(fields)


async def test_a_reply_is_shown_once_even_when_a_taken_over_sender_sends_it_again(
    redis: Redis,
) -> None:
    reply = Reply(
        "مرحبا", ((Button("🩺 الصحة", "cat:health"),),), rtl=True,
        template=Template("dalil_fact", "ar", ("x",)), language="ar",
    )  # fmt: skip
    entry_id, message = await _queue_reply(redis, 0, reply)
    channels: dict[str, sender.Deliver] = {"web": partial(outbox.deliver, redis, KEY)}
    # The first sender wrote to the outbox and died before acknowledging: another takes over.
    await channels["web"](message)
    await sender.handle(redis, channels, entry_id, message)

    (shown,) = await outbox.read(redis, KEY, CONVERSATION, "0", wait_ms=0)
    assert shown.to_dict() == {
        "id": shown.id,
        "text": "مرحبا",
        "buttons": [[{"label": "🩺 الصحة", "payload": "cat:health"}]],
        "rtl": True,
        "location_request": None,
        "erase_chat": False,
        "language": "ar",
        "urgent": False,
    }
    assert await redis.xlen(queue.OUTBOUND) == 0  # acknowledged and deleted


async def test_the_cursor_acknowledges_and_an_empty_outbox_disappears(redis: Redis) -> None:
    messages = [(await _queue_reply(redis, n, Reply(f"part {n}")))[1] for n in range(3)]
    for message in messages[:2]:
        await outbox.deliver(redis, KEY, message)
    key = outbox.outbox_key(KEY, CONVERSATION)
    assert 0 < await redis.ttl(key) <= outbox.OUTBOX_TTL_S
    first, second = await outbox.read(redis, KEY, CONVERSATION, "0", wait_ms=0)
    assert [first.reply.text, second.reply.text] == ["part 0", "part 1"]

    # Shown up to the first: the first is gone, the second is still there to read.
    (again,) = await outbox.read(redis, KEY, CONVERSATION, first.id, wait_ms=0)
    assert again == second
    assert await redis.xlen(key) == 1

    # Shown up to the second: a poll waits, and the third arrives while it waits.
    async def third_arrives() -> None:
        await asyncio.sleep(0.3)
        await outbox.deliver(redis, KEY, messages[2])

    started = time.monotonic()
    (_, (third,)) = await asyncio.gather(
        third_arrives(), outbox.read(redis, KEY, CONVERSATION, second.id, wait_ms=5000)
    )
    assert third.reply.text == "part 2"
    assert time.monotonic() - started < 2
    assert await outbox.read(redis, KEY, CONVERSATION, third.id, wait_ms=0) == []
    assert not await redis.exists(key)


async def test_a_conversation_reads_only_its_own_outbox(redis: Redis) -> None:
    _, message = await _queue_reply(redis, 0, Reply("for the first conversation"))
    await outbox.deliver(redis, KEY, message)
    other = "f" * 32
    assert await outbox.read(redis, KEY, other, "0", wait_ms=0) == []
    assert outbox.outbox_key(KEY, other) != outbox.outbox_key(KEY, CONVERSATION)
    assert CONVERSATION not in outbox.outbox_key(KEY, CONVERSATION)
