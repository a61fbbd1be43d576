"""The worker role: inbound message → dialogue → replies queued for the sender."""

from __future__ import annotations

import logging
import time

from redis.asyncio import Redis

from bot.dialogue.respond import ReplyHandler, Unavailable
from bot.messages import IncomingMessage
from bot.outbound import Outbound
from bot.queue import (
    INBOUND,
    WORKERS,
    answer,
    entry_time_ms,
    inbound_lane,
    lane_key,
    run_consumer,
)

log = logging.getLogger(__name__)

# While the database is down or restarting, a message waits and its turn is tried again
# (bot/queue.py: after 0.5 s, doubling), its chat's later messages behind it, until it is this
# old; then it is answered with an apology and the menu, so nobody waits longer in silence.
HOLD_WHILE_UNAVAILABLE_S = 30.0


async def handle(
    redis: Redis,
    respond: ReplyHandler,
    entry_id: str,
    raw: str,
    *,
    hold_s: float = HOLD_WHILE_UNAVAILABLE_S,
) -> None:
    """Answer one inbound entry; its replies and its acknowledgement are written together."""
    message = IncomingMessage.from_json(raw)
    accepted_ms = entry_time_ms(entry_id)
    try:
        replies = await respond(message)
    except Unavailable as unavailable:
        if time.time() - accepted_ms / 1000 < hold_s:
            raise  # the entry stays pending: tried again shortly
        replies = unavailable.apology
    outbounds = [
        Outbound.answering(message, index, reply, accepted_ms=accepted_ms)
        for index, reply in enumerate(replies)
    ]
    if not replies and message.callback_id:  # nothing to say, but the button press is answered
        outbounds = [Outbound.answering(message, 0, None, accepted_ms=accepted_ms)]
    # One script, so a write retried after Redis lost its reply does not queue them twice.
    lane = lane_key(INBOUND, message.channel, message.chat_id)
    if not await answer(redis, entry_id, lane, outbounds):
        log.info("worker.answered_before entry=%s", entry_id)


async def run(
    redis: Redis,
    respond: ReplyHandler,
    *,
    block_ms: int = 5000,
    claim_idle_ms: int | None = None,
    consumer: str | None = None,
) -> None:
    """Consume the inbound stream until cancelled."""

    async def handle_entry(entry_id: str, fields: dict[str, str]) -> None:
        # A failure leaves the entry pending: this consumer tries it again (0.5 s, doubling);
        # if it dies, another takes the entry over after its claim idle time.
        await handle(redis, respond, entry_id, fields["message"])

    await run_consumer(
        redis, INBOUND, WORKERS, "worker", handle_entry, block_ms,
        lane=inbound_lane, claim_idle_ms=claim_idle_ms, consumer=consumer,
    )  # fmt: skip
