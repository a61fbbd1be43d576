"""The sender under Telegram's own limits: how near 30 messages a second it stays when some
people get several messages in a row.

The sender's code (`bot.sender.run`: the consumer, the pacer and python-telegram-bot's client
that `dalil run --roles sender` runs) works in the benchmark's process against a Bot API
stand-in that answers at once, with the limits Dalil sets for Telegram by default: 30 messages
a second in all, and a pause between two messages to one chat (1 s). MESSAGES go to CHATS
chats, every THREE_EVERY-th chat getting three in a row (an answer, then more results). Timed:
from the start until every message was sent; `ratio` = messages a second ÷ the limit of 30.
Also reported: the shortest pause any chat had between two of its messages.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from functools import partial

from bench.pipeline import BOT_TOKEN, REDIS_URL, flush_redis
from bot import queue, sender
from bot.messages import IncomingMessage, Reply
from bot.outbound import Outbound
from bot.pacing import Limits, Pacer
from bot.telegram.send import build_bot
from bot.telegram.send import send as telegram_send
from core.redis import connect
from core.settings import Settings
from tests.standins.server import serve
from tests.standins.telegram_api import TelegramStandIn

CHATS = 200
THREE_EVERY = 8


def _limits() -> Limits:
    fields = Settings.model_fields
    return Limits(
        chat_interval_s=fields["telegram_chat_interval_s"].default,
        per_second=fields["telegram_per_second"].default,
    )


async def run() -> dict[str, float]:
    """Queue the messages, send them all, and time it."""
    limits = _limits()
    await flush_redis()
    redis = connect(REDIS_URL)
    stand_in = TelegramStandIn()
    try:
        await queue.ensure_groups(redis)
        for chat in range(CHATS):
            chat_id, message_id = str(9_000_001 + chat), str(chat + 1)  # a reply's key holds both
            message = IncomingMessage("telegram", chat_id, message_id, "text", text="hi")
            for n in range(3 if chat % THREE_EVERY == 0 else 1):
                reply = Reply(f"answer {n} to chat {chat}")
                await queue.append_outbound(redis, Outbound.answering(message, n, reply))
        messages = await redis.xlen(queue.OUTBOUND)
        async with serve(stand_in.app()) as url:
            bot = build_bot(BOT_TOKEN, f"{url}/bot", timeout_s=10.0)
            await bot.initialize()
            channels: dict[str, sender.Deliver] = {"telegram": partial(telegram_send, bot, redis)}
            pacer = Pacer(redis, b"bench-pacing-key", {"telegram": limits})
            began = time.monotonic()
            task = asyncio.create_task(sender.run(redis, channels, block_ms=100, pacer=pacer))
            for _ in range(12_000):  # 2 minutes at most
                if len(stand_in.sent()) >= messages:
                    break
                await asyncio.sleep(0.01)
            seconds = time.monotonic() - began
            task.cancel()
            await asyncio.wait([task], timeout=30)
            await bot.shutdown()
    finally:
        await redis.aclose()
        await flush_redis()
    calls = stand_in.sent()
    if len(calls) != messages:
        raise SystemExit(f"sender bench: {len(calls)} of {messages} messages sent")
    by_chat: dict[int, list[float]] = {}
    for call in calls:
        by_chat.setdefault(int(call.params["chat_id"]), []).append(call.at)
    gaps = [b - a for times in by_chat.values() for a, b in itertools.pairwise(times)]
    per_s = messages / seconds
    return {
        "messages": messages,
        "chats": CHATS,
        "seconds": round(seconds, 2),
        "sent_per_s": round(per_s, 1),
        "limit_per_s": limits.per_second,
        "ratio": round(per_s / limits.per_second, 2),
        "chat_interval_s": limits.chat_interval_s,
        "shortest_chat_gap_s": round(min(gaps), 3),
    }
