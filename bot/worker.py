"""The worker role: inbound message → dialogue → replies queued for the sender."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from typing import Any

from redis.asyncio import Redis

from bot.dialogue.respond import ReplyHandler
from bot.messages import IncomingMessage
from bot.queue import INBOUND, MAX_STREAM_LENGTH, OUTBOUND, WORKERS, outbound_entry

log = logging.getLogger(__name__)
# A message a worker took and did not acknowledge within this time is taken over.
CLAIM_IDLE_MS = 60_000


def consumer_name(role: str) -> str:
    """Return a consumer name unique to this process."""
    return f"{role}-{socket.gethostname()}-{os.getpid()}"


async def handle(redis: Redis, respond: ReplyHandler, entry_id: str, raw: str) -> None:
    """Answer one inbound entry; its replies and its acknowledgement are written together."""
    message = IncomingMessage.from_json(raw)
    replies = await respond(message)
    async with redis.pipeline(transaction=True) as pipe:
        if replies:
            for index, reply in enumerate(replies):
                pipe.xadd(OUTBOUND, outbound_entry(message, index, reply),
                          maxlen=MAX_STREAM_LENGTH, approximate=True)  # fmt: skip
        elif message.callback_id:
            pipe.xadd(OUTBOUND, outbound_entry(message, 0, None))
        pipe.xack(INBOUND, WORKERS, entry_id)
        pipe.xdel(INBOUND, entry_id)
        await pipe.execute()


async def run_once(redis: Redis, respond: ReplyHandler, consumer: str, block_ms: int) -> int:
    """Handle what is pending or new; return how many entries were handled."""
    claimed: Any = await redis.xautoclaim(
        INBOUND, WORKERS, consumer, CLAIM_IDLE_MS, "0-0", count=10
    )
    entries = list(claimed[1])
    if not entries:
        response: Any = await redis.xreadgroup(WORKERS, consumer, {INBOUND: ">"}, count=10,
                                          block=block_ms)  # fmt: skip
        entries = [entry for _stream, items in response for entry in items]
    for entry_id, fields in entries:
        if not fields:  # deleted while pending
            await redis.xack(INBOUND, WORKERS, entry_id)
            continue
        try:
            await handle(redis, respond, entry_id, fields["message"])
        except Exception:
            # Left pending: another worker (or this one) takes it over after CLAIM_IDLE_MS.
            log.exception("worker.handle failed entry=%s", entry_id)
    return len(entries)


async def run(redis: Redis, respond: ReplyHandler, *, block_ms: int = 5000) -> None:
    """Consume the inbound stream until cancelled."""
    consumer = consumer_name("worker")
    log.info("worker started consumer=%s", consumer)
    while True:
        try:
            await run_once(redis, respond, consumer, block_ms)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("worker loop error; retrying in 1 s")
            await asyncio.sleep(1)
