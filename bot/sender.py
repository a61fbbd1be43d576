"""The sender role: outbound stream → platform, with retries, 429 pacing and dead letters."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from redis.asyncio import Redis
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.queue import DEAD_LETTERS, OUTBOUND, SENDERS, run_consumer

log = logging.getLogger(__name__)

Deliver = Callable[[dict[str, Any]], Awaitable[None]]
MAX_ATTEMPTS = 5
SENT_TTL_S = 24 * 3600


class PermanentFailure(Exception):
    """The platform refused the message for good (blocked bot, bad request)."""


def _retry_after_s(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


async def deliver_with_retries(
    deliver: Deliver, envelope: dict[str, Any], *, base_delay_s: float = 0.5
) -> None:
    """Deliver, honouring retry_after on 429 and backing off on other transient errors."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            await deliver(envelope)
            return
        except (BadRequest, Forbidden) as error:
            raise PermanentFailure(type(error).__name__) from error
        except RetryAfter as error:
            delay = _retry_after_s(error)
        except (TelegramError, OSError) as error:
            delay = base_delay_s * 2 ** (attempt - 1)
            log.warning("sender.retry attempt=%d error=%s", attempt, type(error).__name__)
        if attempt < MAX_ATTEMPTS:
            await asyncio.sleep(delay)
    raise PermanentFailure(f"gave up after {MAX_ATTEMPTS} attempts")


async def handle(
    redis: Redis,
    channels: dict[str, Deliver],
    entry_id: str,
    raw: str,
    *,
    base_delay_s: float = 0.5,
) -> None:
    """Send one outbound entry once, then acknowledge it."""
    envelope = json.loads(raw)
    sent_key = f"sent:{envelope['key']}"
    # A sender that crashed after sending but before acknowledging must not send twice.
    if not await redis.exists(sent_key):
        deliver = channels.get(envelope["channel"])
        try:
            if deliver is None:
                raise PermanentFailure(f"no sender for channel {envelope['channel']}")
            await deliver_with_retries(deliver, envelope, base_delay_s=base_delay_s)
            await redis.set(sent_key, "1", ex=SENT_TTL_S)
        except PermanentFailure as failure:
            log.error("sender.dead_letter channel=%s reason=%s", envelope["channel"], failure)
            envelope_without_chat = {**envelope, "chat_id": None}
            await redis.xadd(DEAD_LETTERS, {"envelope": json.dumps(envelope_without_chat)},
                             maxlen=10_000, approximate=True)  # fmt: skip
    async with redis.pipeline(transaction=True) as pipe:
        pipe.xack(OUTBOUND, SENDERS, entry_id)
        pipe.xdel(OUTBOUND, entry_id)
        await pipe.execute()


async def run(
    redis: Redis, channels: dict[str, Deliver], *, block_ms: int = 5000, base_delay_s: float = 0.5
) -> None:
    """Consume the outbound stream until cancelled."""

    async def handle_entry(entry_id: str, fields: dict[str, str]) -> None:
        await handle(redis, channels, entry_id, fields["envelope"], base_delay_s=base_delay_s)

    await run_consumer(redis, OUTBOUND, SENDERS, "sender", handle_entry, block_ms)
