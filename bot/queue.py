"""Redis Streams between webhooks, worker and sender, with dedupe on platform ids."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from bot.messages import IncomingMessage, Reply
from bot.stopping import finish_before_stopping
from core.metrics import MESSAGES_IN

log = logging.getLogger(__name__)

INBOUND = "inbound"
OUTBOUND = "outbound"
DEAD_LETTERS = "outbound:dead"
WORKERS = "workers"
SENDERS = "senders"
# Telegram keeps undelivered updates for 24 h and WhatsApp retries for up to 7 days.
DEDUPE_TTL_S = 8 * 24 * 3600
# Bounded streams: entries are deleted once handled; this only caps a backlog.
MAX_STREAM_LENGTH = 100_000
# An entry a consumer took and did not acknowledge within this time is taken over.
CLAIM_IDLE_MS = 60_000

# Entries read and handled together: enough to keep the NLU and the platforms busy with many
# chats at once, few enough that a round ends quickly when the process is asked to stop.
ROUND_SIZE = 32

EntryHandler = Callable[[str, dict[str, str]], Awaitable[None]]
# The lane of an entry: entries of one lane are handled in order, lanes concurrently.
Lane = Callable[[dict[str, str]], str]

# Atomic: the dedupe key is only taken when the message is queued, so a failed queue write
# lets the platform's retry through instead of losing the message.
_ACCEPT = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'message', ARGV[2])
  return 1
end
return 0
"""


async def ensure_groups(redis: Redis) -> None:
    """Create the consumer groups (and streams) if they do not exist."""
    for stream, group in ((INBOUND, WORKERS), (OUTBOUND, SENDERS)):
        try:
            await redis.xgroup_create(stream, group, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise


async def accept(redis: Redis, dedupe_key: str, message: IncomingMessage) -> bool:
    """Queue `message` unless `dedupe_key` was seen; return whether it was queued."""
    queued = await redis.eval(
        _ACCEPT,
        2,
        f"dedupe:{dedupe_key}",
        INBOUND,
        DEDUPE_TTL_S,
        message.to_json(),
        MAX_STREAM_LENGTH,
    )
    if queued:
        MESSAGES_IN.labels(message.channel).inc()
    return bool(queued)


def outbound_entry(
    message: IncomingMessage, index: int, reply: Reply | None, *, accepted_ms: int | None = None
) -> dict[Any, Any]:
    """Return the outbound stream fields of one reply (or a bare callback answer).

    `accepted_ms` (the inbound entry's time) goes with the first reply only, for the
    webhook-to-send latency the sender measures.
    """
    envelope: dict[str, Any] = {
        "key": f"{message.channel}:{message.message_id}:{index}",
        "channel": message.channel,
        "chat_id": message.chat_id,
        "callback_id": message.callback_id if index == 0 else None,
        "reply": reply.to_dict() if reply else None,
    }
    if accepted_ms is not None and index == 0:
        envelope["accepted_ms"] = accepted_ms
    return {"envelope": json.dumps(envelope, ensure_ascii=False)}


def entry_time_ms(entry_id: str) -> int:
    """Return when Redis added a stream entry: its id starts with the milliseconds."""
    return int(entry_id.split("-", 1)[0])


def inbound_lane(fields: dict[str, str]) -> str:
    """The lane of an inbound entry: its chat, so one person's messages are answered in order."""
    message = json.loads(fields["message"])
    return f"{message['channel']}:{message['chat_id']}"


def outbound_lane(fields: dict[str, str]) -> str:
    """The lane of an outbound entry: its chat, so a reply's parts arrive in order."""
    envelope = json.loads(fields["envelope"])
    return f"{envelope['channel']}:{envelope['chat_id']}"


def consumer_name(role: str) -> str:
    """Return a consumer name unique to this process."""
    return f"{role}-{socket.gethostname()}-{os.getpid()}"


async def consume_once(
    redis: Redis,
    stream: str,
    group: str,
    consumer: str,
    handle: EntryHandler,
    block_ms: int,
    *,
    lane: Lane | None = None,
    count: int = ROUND_SIZE,
    claim_idle_ms: int | None = None,
) -> int:
    """Handle entries left pending too long, else new ones; return how many were read.

    Entries of one lane (one chat) are handled one after the other, in the stream's order;
    lanes run at the same time, so one slow chat does not hold up the others. When an entry
    of a lane fails, the lane stops there: the entry and those after it stay pending and are
    taken over later, still in order.
    """
    idle_ms = CLAIM_IDLE_MS if claim_idle_ms is None else claim_idle_ms
    claimed: Any = await redis.xautoclaim(stream, group, consumer, idle_ms, "0-0", count=count)
    entries = list(claimed[1])
    if not entries:
        response: Any = await redis.xreadgroup(
            group, consumer, {stream: ">"}, count=count, block=block_ms
        )
        entries = [entry for _stream, items in response for entry in items]
    lanes: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for entry_id, fields in entries:
        if fields:
            key = lane(fields) if lane is not None else entry_id
            lanes.setdefault(key, []).append((entry_id, fields))
        else:  # deleted while pending
            await redis.xack(stream, group, entry_id)
    await asyncio.gather(*(_in_order(handle, items) for items in lanes.values()))
    return len(entries)


async def _in_order(handle: EntryHandler, items: list[tuple[str, dict[str, str]]]) -> None:
    for entry_id, fields in items:
        try:
            await handle(entry_id, fields)
        except Exception:
            log.exception("queue.handle failed entry=%s; its lane waits for the takeover", entry_id)
            return


async def run_consumer(
    redis: Redis,
    stream: str,
    group: str,
    role: str,
    handle: EntryHandler,
    block_ms: int = 5000,
    *,
    lane: Lane | None = None,
    claim_idle_ms: int | None = None,
) -> None:
    """Consume `stream` as one member of `group` until cancelled; survive Redis hiccups.

    Cancelled, it first finishes the round in hand: at most `block_ms` of waiting, plus the
    entries already read.
    """
    consumer = consumer_name(role)
    log.info("%s started consumer=%s", role, consumer)
    while True:
        try:
            await finish_before_stopping(
                consume_once(
                    redis, stream, group, consumer, handle, block_ms,
                    lane=lane, claim_idle_ms=claim_idle_ms,
                )
            )  # fmt: skip
        except Exception:
            log.exception("%s loop error; retrying in 1 s", role)
            await asyncio.sleep(1)
