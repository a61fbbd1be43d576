"""The worker role: inbound message → dialogue → replies queued for the sender."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.dialogue.respond import ReplyHandler
from bot.messages import IncomingMessage
from bot.outbound import Outbound
from bot.queue import (
    INBOUND,
    WORKERS,
    append_outbound,
    entry_time_ms,
    inbound_lane,
    lane_key,
    leave_lane,
    run_consumer,
)


async def handle(redis: Redis, respond: ReplyHandler, entry_id: str, raw: str) -> None:
    """Answer one inbound entry; its replies and its acknowledgement are written together."""
    message = IncomingMessage.from_json(raw)
    replies = await respond(message)
    accepted_ms = entry_time_ms(entry_id)
    async with redis.pipeline(transaction=True) as pipe:
        if replies:
            for index, reply in enumerate(replies):
                outbound = Outbound.answering(message, index, reply, accepted_ms=accepted_ms)
                await append_outbound(pipe, outbound)
        elif message.callback_id:  # nothing to say, but the button press is answered
            outbound = Outbound.answering(message, 0, None, accepted_ms=accepted_ms)
            await append_outbound(pipe, outbound)
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
