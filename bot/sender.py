"""The sender role: outbound stream → platform, with retries, 429 pacing and dead letters.

Each channel's `Deliver` function speaks its platform and reports failures in the terms
below, so this loop knows no platform: `RetryLater` (throttled, timed out, server error) is
retried with backoff or after the platform's `retry_after`; `PermanentFailure` (blocked,
refused, outside the platform's rules) goes straight to the dead letters, except a campaign's
`Skipped` message, which is only counted.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.exceptions import RedisError

from bot.outbound import Outbound, UnreadableOutbound
from bot.pacing import Pacer
from bot.queue import (
    DEAD_LETTERS,
    OUTBOUND,
    SENDERS,
    entry_time_ms,
    lane_key,
    leave_lane,
    outbound_lane,
    run_consumer,
)
from core.campaigns import Outcome, counts_key
from core.metrics import MESSAGES_OUT, RATE_LIMIT_WAIT, WEBHOOK_TO_SEND

log = logging.getLogger(__name__)

Deliver = Callable[[Outbound], Awaitable[None]]
MAX_ATTEMPTS = 5
SENT_TTL_S = 24 * 3600
# A reply the platform keeps refusing for a passing reason (an outage, a long 429) stays
# queued, its chat's later replies behind it, and is tried again (bot/queue.py: 0.5 s doubling
# to 30 s) until it is this old; then it goes to the dead letters.
GIVE_UP_AFTER_S = 3600.0
# A part the platform accepted is marked sent; while Redis is out of reach the mark is tried
# again for this long before the part counts as not sent (and is sent again).
MARK_PATIENCE_S = 30.0


class DeliveryError(Exception):
    """A platform did not accept a message; `reason` is short and holds no personal data."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PermanentFailure(DeliveryError):
    """The platform refused the message for good (blocked bot, bad request, closed window)."""


class Skipped(PermanentFailure):
    """The platform's rules forbid this message now (WhatsApp's closed 24-hour window).

    Not a fault of delivery: a campaign counts it as skipped rather than failed.
    """


class GaveUp(PermanentFailure):
    """Every attempt of one round failed for a passing reason: the sender gives up on the
    entry only once it is older than `GIVE_UP_AFTER_S`, else it is tried again later."""


class RetryLater(DeliveryError):
    """A passing failure (throttling, timeout, server error): try again.

    `retry_after_s` is how long the platform asked to wait, when it said; else back off.
    """

    def __init__(self, reason: str, retry_after_s: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after_s = retry_after_s


async def deliver_with_retries(
    deliver: Deliver, outbound: Outbound, *, base_delay_s: float = 0.5
) -> None:
    """Deliver, honouring retry_after on 429 and backing off on other transient errors."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            await deliver(outbound)
            return
        except RetryLater as error:
            backoff = base_delay_s * 2 ** (attempt - 1)
            delay = error.retry_after_s if error.retry_after_s is not None else backoff
            log.warning("sender.retry attempt=%d reason=%s", attempt, error.reason)
        except OSError as error:
            delay = base_delay_s * 2 ** (attempt - 1)
            log.warning("sender.retry attempt=%d error=%s", attempt, type(error).__name__)
        if attempt < MAX_ATTEMPTS:
            await asyncio.sleep(delay)
    raise GaveUp(f"gave up after {MAX_ATTEMPTS} attempts")


async def send_part_once(
    redis: Redis, outbound: Outbound, part: str, send: Callable[[], Awaitable[Any]]
) -> None:
    """Send one part of a message unless an earlier attempt had it accepted; then mark it.

    A reply can take several platform calls (a button answered, a long text in pieces). A
    retry after a failure on part 2, or a sender killed after part 1, sends only what the
    platform has not accepted yet; only a death between its acceptance and the mark can
    repeat a part (docs/reliability.md).
    """
    mark = outbound.part_mark(part)
    if await redis.exists(mark):
        return
    await send()
    # Accepted: only the mark is missing. Redis restarting must not turn it into a resend.
    deadline = time.monotonic() + MARK_PATIENCE_S
    while True:
        try:
            await redis.set(mark, "1", ex=SENT_TTL_S)
            return
        except RedisError as error:
            if time.monotonic() > deadline:
                raise
            log.warning("sender.mark_waits error=%s", type(error).__name__)
            await asyncio.sleep(0.5)


async def handle(
    redis: Redis,
    channels: dict[str, Deliver],
    entry_id: str,
    outbound: Outbound,
    *,
    base_delay_s: float = 0.5,
    pacer: Pacer | None = None,
    give_up_after_s: float = GIVE_UP_AFTER_S,
) -> None:
    """Send one outbound message once, within the platform's limits, then acknowledge it.

    A campaign's message adds its outcome to the
    campaign's counts, in the same transaction as its acknowledgement. A message younger than
    `give_up_after_s` that the platform refused for a passing reason at every attempt raises
    `GaveUp` and stays pending, to be tried again.
    """
    channel, campaign = outbound.channel, outbound.campaign
    outcome: Outcome | None = None
    # Set with the acknowledgement: a sender thought dead finished this entry after another
    # took it over. One that really died before acknowledging left no such mark; its parts'
    # marks (send_part_once) keep the retry from sending them again.
    if not await redis.exists(outbound.sent_mark):
        deliver = channels.get(channel)
        try:
            if deliver is None:
                raise PermanentFailure(f"no sender for channel {channel}")
            if pacer is not None:
                waited = await pacer.wait_turn(channel, outbound.chat_id)
                RATE_LIMIT_WAIT.labels(channel).inc(waited)
            await deliver_with_retries(deliver, outbound, base_delay_s=base_delay_s)
            outcome = "sent"
            if outbound.accepted_ms:
                seconds = max(0.0, time.time() - outbound.accepted_ms / 1000)
                WEBHOOK_TO_SEND.labels(channel).observe(seconds)
        except PermanentFailure as failure:
            age_s = time.time() - entry_time_ms(entry_id) / 1000
            if isinstance(failure, GaveUp) and age_s < give_up_after_s:
                raise
            outcome = "skipped" if isinstance(failure, Skipped) else "failed"
            if campaign is not None and outcome == "skipped":
                log.info("sender.skipped campaign=%s reason=%s", campaign, failure.reason)
            else:
                await _dead_letter(redis, outbound.to_fields(with_chat=False), failure.reason)
        if pacer is not None and outbound.reply is not None and outbound.reply.erase_chat:
            await pacer.forget(channel, outbound.chat_id)
    async with redis.pipeline(transaction=True) as pipe:
        if outcome == "sent":
            pipe.set(outbound.sent_mark, "1", ex=SENT_TTL_S)
        if campaign is not None and outcome is not None:
            pipe.hincrby(counts_key(campaign), outcome, 1)
        _acknowledge(pipe, entry_id)
        await leave_lane(pipe, lane_key(OUTBOUND, channel, outbound.chat_id), entry_id)
        await pipe.execute()
    if outcome is not None:
        MESSAGES_OUT.labels(channel, outcome).inc()


def _acknowledge(pipe: Pipeline, entry_id: str) -> None:
    pipe.xack(OUTBOUND, SENDERS, entry_id)
    pipe.xdel(OUTBOUND, entry_id)


async def _dead_letter(redis: Redis, fields: dict[str, str], reason: str) -> None:
    """Keep what could not be sent, for a person to look at, without the chat it was for."""
    log.error("sender.dead_letter channel=%s reason=%s", fields.get("channel"), reason)
    dead: dict[Any, Any] = {**fields, "reason": reason}
    await redis.xadd(DEAD_LETTERS, dead, maxlen=10_000, approximate=True)


async def _unreadable(redis: Redis, entry_id: str, error: UnreadableOutbound) -> None:
    """Take an entry no version of this code can read off the stream, as a dead letter.

    Nothing of it is kept (it may hold a chat id where this code does not expect one).
    """
    await _dead_letter(redis, {}, f"unreadable {error}")
    async with redis.pipeline(transaction=True) as pipe:
        _acknowledge(pipe, entry_id)
        await pipe.execute()
    MESSAGES_OUT.labels("unknown", "failed").inc()


async def run(
    redis: Redis,
    channels: dict[str, Deliver],
    *,
    block_ms: int = 5000,
    base_delay_s: float = 0.5,
    pacer: Pacer | None = None,
    claim_idle_ms: int | None = None,
    consumer: str | None = None,
) -> None:
    """Consume the outbound stream until cancelled."""

    async def handle_entry(entry_id: str, fields: dict[str, str]) -> None:
        try:
            outbound = Outbound.from_fields(fields)
        except UnreadableOutbound as error:
            await _unreadable(redis, entry_id, error)
            return
        await handle(redis, channels, entry_id, outbound, base_delay_s=base_delay_s,
                     pacer=pacer)  # fmt: skip

    await run_consumer(
        redis, OUTBOUND, SENDERS, "sender", handle_entry, block_ms,
        lane=outbound_lane, claim_idle_ms=claim_idle_ms, consumer=consumer,
    )  # fmt: skip
