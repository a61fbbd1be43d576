"""The worker role: inbound message → dialogue → replies queued for the sender."""

from __future__ import annotations

import time

from redis.asyncio import Redis

from bot.dialogue.respond import ReplyHandler, Unavailable
from bot.messages import IncomingMessage
from bot.queue import (
    INBOUND,
    WORKERS,
    append_outbound,
    entry_time_ms,
    inbound_lane,
    lane_key,
    leave_lane,
    outbound_entry,
    run_consumer,
)

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
    async with redis.pipeline(transaction=True) as pipe:
        if replies:
            for index, reply in enumerate(replies):
                entry = outbound_entry(message, index, reply, accepted_ms=accepted_ms)
                await append_outbound(pipe, entry)
        elif message.callback_id:
            await append_outbound(pipe, outbound_entry(message, 0, None, accepted_ms=accepted_ms))
        pipe.xack(INBOUND, WORKERS, entry_id)
        pipe.xdel(INBOUND, entry_id)
        await leave_lane(pipe, lane_key(INBOUND, message.channel, message.chat_id), entry_id)
        await pipe.execute()


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
        # A failure leaves the entry pending: a worker takes it over after CLAIM_IDLE_MS.
        await handle(redis, respond, entry_id, fields["message"])

    await run_consumer(
        redis, INBOUND, WORKERS, "worker", handle_entry, block_ms,
        lane=inbound_lane, claim_idle_ms=claim_idle_ms, consumer=consumer,
    )  # fmt: skip
