"""The sender against a Bot API stand-in that throttles, fails and recovers."""

from __future__ import annotations

import asyncio
import collections
import random
import time
from collections.abc import AsyncIterator
from functools import partial

import pytest
from redis.asyncio import Redis
from telegram import Bot

from bot import queue, sender
from bot.messages import Button, IncomingMessage, Reply
from bot.outbound import Outbound
from bot.pacing import Limits, Pacer
from bot.telegram.send import build_bot
from bot.telegram.send import send as telegram_send
from tests.helpers.settings import TELEGRAM_TOKEN
from tests.helpers.streams import entries, read_new, send_all
from tests.standins.server import serve
from tests.standins.telegram_api import TelegramStandIn

CHAT = "5550001"
TOO_MANY_REQUESTS = {
    "ok": False,
    "error_code": 429,
    "description": "Too Many Requests: retry after 1",
    "parameters": {"retry_after": 1},
}


Api = tuple[TelegramStandIn, Bot]


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    stand_in = TelegramStandIn()
    async with serve(stand_in.app()) as url:
        bot = build_bot(TELEGRAM_TOKEN, f"{url}/bot", timeout_s=1.0)
        await bot.initialize()
        yield stand_in, bot
        await bot.shutdown()


async def _queue_reply(redis: Redis, text: str = "hello", callback: str | None = None) -> str:
    await queue.ensure_groups(redis)
    message = IncomingMessage("telegram", CHAT, "42", "text", text="hi", callback_id=callback)
    reply = Reply(text, ((Button("🩺 Health", "cat:health"), Button("⚖️ Legal", "cat:legal")),))
    return str(await queue.append_outbound(redis, Outbound.answering(message, 0, reply)))


async def _drain(
    redis: Redis, bot: Bot, *, delay: float = 0.01, give_up_after_s: float = sender.GIVE_UP_AFTER_S
) -> None:
    channels: dict[str, sender.Deliver] = {"telegram": partial(telegram_send, bot, redis)}
    for entry_id, fields in await read_new(redis, queue.SENDERS, "t", queue.OUTBOUND, block_ms=100):
        outbound = Outbound.from_fields(fields)
        await sender.handle(
            redis, channels, entry_id, outbound, base_delay_s=delay,
            give_up_after_s=give_up_after_s,
        )  # fmt: skip


async def test_reply_with_buttons_reaches_the_chat(api: Api, redis: Redis) -> None:
    stand_in, bot = api
    await _queue_reply(redis, "مرحبا", callback="cb-1")
    await _drain(redis, bot)
    assert [c.params["callback_query_id"] for c in stand_in.sent("answerCallbackQuery")] == ["cb-1"]
    (call,) = stand_in.sent()
    assert call.params["chat_id"] == int(CHAT)
    assert call.params["text"] == "مرحبا"
    keyboard = call.params["reply_markup"]["inline_keyboard"]
    assert [[b["callback_data"] for b in row] for row in keyboard] == [["cat:health", "cat:legal"]]
    assert await redis.xlen(queue.OUTBOUND) == 0


async def test_429_waits_retry_after_then_sends_once(api: Api, redis: Redis) -> None:
    stand_in, bot = api
    stand_in.fail_next(429, TOO_MANY_REQUESTS)
    await _queue_reply(redis)
    await _drain(redis, bot)
    attempts = [c for c in stand_in.calls if c.method == "sendMessage"]
    assert len(attempts) == 2
    assert attempts[1].at - attempts[0].at >= 0.95
    assert len(stand_in.sent()) == 1


async def test_server_errors_are_retried(api: Api, redis: Redis) -> None:
    stand_in, bot = api
    for _ in range(2):
        stand_in.fail_next(500, {"ok": False, "error_code": 500, "description": "Internal"})
    await _queue_reply(redis)
    await _drain(redis, bot)
    assert len(stand_in.sent()) == 1
    assert await redis.xlen(queue.DEAD_LETTERS) == 0


async def test_a_hanging_api_times_out_and_is_retried(api: Api, redis: Redis) -> None:
    stand_in, bot = api
    stand_in.hang_next(3)
    await _queue_reply(redis)
    started = time.monotonic()
    await _drain(redis, bot)
    assert time.monotonic() - started < 3  # the retry did not wait for the hung call
    await stand_in.settled()
    # The hung call was accepted after the sender had given up on it: a slow but alive
    # platform gets the message twice, the one window docs/reliability.md names.
    assert len(stand_in.sent()) == 2


async def test_a_platform_failing_every_attempt_of_a_round_gets_the_entry_again_later(
    api: Api, redis: Redis
) -> None:
    stand_in, bot = api
    for _ in range(sender.MAX_ATTEMPTS):
        stand_in.fail_next(502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
    await _queue_reply(redis, "مرحبا")
    channels: dict[str, sender.Deliver] = {"telegram": partial(telegram_send, bot, redis)}
    ((entry_id, fields),) = await read_new(redis, queue.SENDERS, "t", queue.OUTBOUND)
    outbound = Outbound.from_fields(fields)
    with pytest.raises(sender.GaveUp):
        await sender.handle(redis, channels, entry_id, outbound, base_delay_s=0.01)
    assert stand_in.sent() == []
    assert await redis.xlen(queue.DEAD_LETTERS) == 0
    # Still pending: the next round sends it, once.
    await sender.handle(redis, channels, entry_id, outbound, base_delay_s=0.01)
    assert [c.params["text"] for c in stand_in.sent()] == ["مرحبا"]
    assert await redis.xlen(queue.OUTBOUND) == 0
    assert await redis.xlen(queue.DEAD_LETTERS) == 0


async def test_dead_letter_after_the_last_attempt_without_the_chat_id(
    api: Api, redis: Redis
) -> None:
    stand_in, bot = api
    for _ in range(sender.MAX_ATTEMPTS):
        stand_in.fail_next(502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
    await _queue_reply(redis)
    await _drain(redis, bot, give_up_after_s=0)  # an entry queued longer than that
    assert stand_in.sent() == []
    assert len([c for c in stand_in.calls if c.method == "sendMessage"]) == sender.MAX_ATTEMPTS
    (entry,) = await entries(redis, queue.DEAD_LETTERS)
    assert entry[1]["reason"] == f"gave up after {sender.MAX_ATTEMPTS} attempts"
    assert "chat" not in entry[1]
    assert CHAT not in str(entry[1])
    assert await redis.xlen(queue.OUTBOUND) == 0


async def test_a_blocked_bot_is_not_retried(api: Api, redis: Redis) -> None:
    stand_in, bot = api
    stand_in.fail_next(
        403,
        {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
    )
    await _queue_reply(redis)
    await _drain(redis, bot)
    assert len([c for c in stand_in.calls if c.method == "sendMessage"]) == 1
    assert await redis.xlen(queue.DEAD_LETTERS) == 1


async def test_a_retry_sends_only_the_parts_the_platform_has_not_accepted(
    api: Api, redis: Redis
) -> None:
    stand_in, bot = api
    long_text = "\n".join(f"{n}. A service with a long description" for n in range(200))
    assert len(long_text) > 4096  # two messages on Telegram
    await _queue_reply(redis, long_text, callback="cb-7")
    stand_in.accept_next()
    stand_in.fail_next(429, TOO_MANY_REQUESTS)
    await _drain(redis, bot)
    attempts = [c for c in stand_in.calls if c.method == "sendMessage"]
    assert len(attempts) == 3  # part 1, part 2 refused, part 2 again
    parts = [c.params["text"] for c in stand_in.sent()]
    assert len(parts) == 2
    assert "\n".join(parts) == long_text
    assert len(stand_in.sent("answerCallbackQuery")) == 1  # the button answered once
    assert "reply_markup" in stand_in.sent()[1].params  # the buttons go with the last part
    assert await redis.xlen(queue.OUTBOUND) == 0


async def test_a_sender_stopped_at_any_moment_stops_at_once_and_sends_each_message_once(
    api: Api, redis: Redis
) -> None:
    # A cancellation that landed inside redis-py's own timeouts used to leave the sender
    # waiting forever on its connection (one run in ten under load), so shutdown hung.
    stand_in, bot = api
    await queue.ensure_groups(redis)
    texts = [f"message {n}" for n in range(120)]
    for n, text in enumerate(texts):
        message = IncomingMessage("telegram", CHAT, str(1000 + n), "text", text="hi")
        await queue.append_outbound(redis, Outbound.answering(message, 0, Reply(text)))
    channels: dict[str, sender.Deliver] = {"telegram": partial(telegram_send, bot, redis)}
    moments = random.Random(11)
    for _ in range(25):
        task = asyncio.create_task(sender.run(redis, channels, block_ms=50, base_delay_s=0.01))
        await asyncio.sleep(moments.uniform(0, 0.15))
        task.cancel()
        await asyncio.wait([task], timeout=10)  # unlike wait_for, never waits on a hung task
        assert task.cancelled()
        assert await redis.ping()
    await send_all(redis, channels)

    received = collections.Counter(call.params["text"] for call in stand_in.sent())
    assert received == collections.Counter(texts)  # every one, once
    assert (await redis.xpending(queue.OUTBOUND, queue.SENDERS))["pending"] == 0


async def test_a_chat_paced_by_the_platform_holds_up_its_own_sends_only(
    api: Api, redis: Redis
) -> None:
    # Telegram asks for a pause between messages to one chat. One person gets four messages in
    # a row (a long answer, then more results) while sixty others get one each: all sixty go
    # out before that person's last one. A sender that read in rounds sent half of them after.
    stand_in, bot = api
    await queue.ensure_groups(redis)
    busy = IncomingMessage("telegram", "6660000", "1", "text", text="hi")
    for n in range(4):
        await queue.append_outbound(redis, Outbound.answering(busy, n, Reply(f"part {n}")))
    for c in range(60):
        other = IncomingMessage("telegram", str(6660001 + c), str(2 + c), "text", text="hi")
        await queue.append_outbound(redis, Outbound.answering(other, 0, Reply(f"to {c}")))
    pacer = Pacer(redis, b"secret", {"telegram": Limits(chat_interval_s=0.5, per_second=1000)})
    channels: dict[str, sender.Deliver] = {"telegram": partial(telegram_send, bot, redis)}
    await send_all(redis, channels, pacer)

    texts = [call.params["text"] for call in stand_in.sent()]
    others = [f"to {c}" for c in range(60)]
    assert sorted(texts) == sorted([f"part {n}" for n in range(4)] + others)  # each once
    assert [text for text in texts if text.startswith("part")] == [f"part {n}" for n in range(4)]
    assert max(texts.index(text) for text in others) < texts.index("part 3")
