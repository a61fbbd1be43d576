"""Redis Streams between webhooks, worker and sender, with dedupe on platform ids.

Order within a chat holds across every consumer of a stream, in any number of processes:
each entry is also written, at the moment it is queued, at the end of its lane, a Redis list
of entry ids shared by the chats whose key hashes to the same one of `LANES` lanes. A consumer
handles an entry only when it is the first of its lane, and takes it off the lane in the
transaction that acknowledges it. An entry whose turn has not come stays pending with its
consumer, which reads it back every `WAITING_POLL_MS`; one that failed waits for a retry, and
the entries behind it wait too. The lane number is all a lane's key says about a chat.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import logging
import os
import socket
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.exceptions import ResponseError

from bot.messages import IncomingMessage
from bot.outbound import Outbound, UnreadableOutbound
from bot.stopping import finish_before_stopping
from core.metrics import BUSY_LANES, MESSAGES_IN

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
# Chats share lanes: enough lanes that two chats busy at once rarely share one, few enough
# that a lane number (16 bits of a hash) tells nothing about whose chat it is.
LANES = 65_536
# A lane outlives the longest backlog; it is emptied as its entries are handled.
LANE_TTL_S = DEDUPE_TTL_S

# Lanes one consumer works on at once: enough to keep the NLU and the platforms busy with many
# chats at once, few enough that what is in hand ends quickly when the process is asked to
# stop. 16 and 64 were each slower than 32 (docs/performance.md).
LANES_AT_WORK = 32
# A consumer holding this many entries waiting for their turn reads no new ones.
MAX_WAITING = 4 * LANES_AT_WORK
# While some of its entries wait for their turn, a consumer looks again this often.
WAITING_POLL_MS = 50
# A failed entry is retried after 0.5 s, then twice as long each time, up to 30 s.
RETRY_FIRST_S = 0.5
RETRY_MAX_S = 30.0

_LOOPS = itertools.count(1)
_UNREADABLE_LANE = f"lane:{OUTBOUND}:unreadable"

EntryHandler = Callable[[str, dict[str, str]], Awaitable[None]]
# The lane key of an entry's fields.
Lane = Callable[[dict[str, str]], str]

# Atomic: the dedupe key is only taken when the message is queued, so a failed queue write
# lets the platform's retry through instead of losing the message.
_ACCEPT = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'message', ARGV[2])
  redis.call('RPUSH', KEYS[3], id)
  redis.call('EXPIRE', KEYS[3], ARGV[4])
  return 1
end
return 0
"""

# Queue one entry and put it at the end of its lane; return its id.
_APPEND = """
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 3))
redis.call('RPUSH', KEYS[2], id)
redis.call('EXPIRE', KEYS[2], ARGV[2])
return id
"""

# A worker's answer to one inbound entry, all at once: its replies queued, each at the end of
# its lane, and the entry acknowledged, deleted and taken off its lane; unless the entry is no
# longer pending in the group (a retried write whose first attempt went through, as redis-py
# retries a command whose reply a restarting Redis did not send; or a worker that took the
# entry over finished first): then nothing, and 0.
# KEYS: inbound stream, its lane, outbound stream, one outbound lane per reply.
# ARGV: entry id, group, stream cap, lane TTL, then per reply its field count and fields.
_ANSWER = """
if #redis.call('XPENDING', KEYS[1], ARGV[2], ARGV[1], ARGV[1], 1) == 0 then return 0 end
local at = 5
for i = 4, #KEYS do
  local n = tonumber(ARGV[at])
  local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', unpack(ARGV, at + 1, at + n))
  redis.call('RPUSH', KEYS[i], id)
  redis.call('EXPIRE', KEYS[i], ARGV[4])
  at = at + n + 1
end
redis.call('XACK', KEYS[1], ARGV[2], ARGV[1])
redis.call('XDEL', KEYS[1], ARGV[1])
redis.call('LREM', KEYS[2], 1, ARGV[1])
return 1
"""

# 1 when the entry ARGV[1] is first in its lane KEYS[1] (or has no lane), else 0. Ids at the
# head whose entry is gone from the stream KEYS[2] (trimmed from a huge backlog) are dropped.
_TURN = """
while true do
  local head = redis.call('LINDEX', KEYS[1], 0)
  if (not head) or head == ARGV[1] then return 1 end
  if #redis.call('XRANGE', KEYS[2], head, head) > 0 then return 0 end
  redis.call('LPOP', KEYS[1])
end
"""


def lane_key(stream: str, channel: str, chat_id: str) -> str:
    """The Redis key of the lane a chat's entries of `stream` go through."""
    number = zlib.crc32(f"{channel}:{chat_id}".encode()) % LANES
    return f"lane:{stream}:{number}"


def inbound_lane(fields: dict[str, str]) -> str:
    """The lane of an inbound entry: one person's messages are answered in order."""
    message = IncomingMessage.from_json(fields["message"])
    return lane_key(INBOUND, message.channel, message.chat_id)


def outbound_lane(fields: dict[str, str]) -> str:
    """The lane of an outbound entry: a reply's parts and replies arrive in order."""
    try:
        outbound = Outbound.from_fields(fields)
    except UnreadableOutbound:
        return _UNREADABLE_LANE  # never a list: its turn comes at once, to be dead-lettered
    return lane_key(OUTBOUND, outbound.channel, outbound.chat_id)


async def ensure_groups(redis: Redis) -> None:
    """Create the consumer groups (and streams) if they do not exist."""
    for stream, group in ((INBOUND, WORKERS), (OUTBOUND, SENDERS)):
        await ensure_group(redis, stream, group)


async def ensure_group(redis: Redis, stream: str, group: str) -> None:
    """Create one consumer group (and its stream) if it does not exist, reading from the
    stream's first entry."""
    try:
        await redis.xgroup_create(stream, group, id="0", mkstream=True)
    except ResponseError as error:
        if "BUSYGROUP" not in str(error):
            raise


def _group_lost(error: Exception) -> bool:
    return isinstance(error, ResponseError) and str(error).startswith("NOGROUP")


async def accept(redis: Redis, dedupe_key: str, message: IncomingMessage) -> bool:
    """Queue `message` unless `dedupe_key` was seen; return whether it was queued."""
    lane = lane_key(INBOUND, message.channel, message.chat_id)
    queued = await redis.eval(
        _ACCEPT,
        3,
        f"dedupe:{dedupe_key}",
        INBOUND,
        lane,
        DEDUPE_TTL_S,
        message.to_json(),
        MAX_STREAM_LENGTH,
        LANE_TTL_S,
    )
    if queued:
        MESSAGES_IN.labels(message.channel).inc()
    return bool(queued)


async def append_outbound(client: Redis | Pipeline, outbound: Outbound) -> Any:
    """Queue one outbound message at the end of its chat's lane (in `client`'s transaction)."""
    flat = [item for pair in outbound.to_fields().items() for item in pair]
    lane = lane_key(OUTBOUND, outbound.channel, outbound.chat_id)
    return await client.eval(_APPEND, 2, OUTBOUND, lane, MAX_STREAM_LENGTH, LANE_TTL_S, *flat)


async def answer(redis: Redis, entry_id: str, lane: str, replies: list[Outbound]) -> bool:
    """Queue the outbound messages `replies` and acknowledge the inbound entry `entry_id` (of
    lane `lane`) at once, and only once; return False if it was acknowledged already."""
    keys = [INBOUND, lane, OUTBOUND]
    keys += [lane_key(OUTBOUND, outbound.channel, outbound.chat_id) for outbound in replies]
    args: list[Any] = [entry_id, WORKERS, MAX_STREAM_LENGTH, LANE_TTL_S]
    for outbound in replies:
        flat = [item for pair in outbound.to_fields().items() for item in pair]
        args += [len(flat), *flat]
    return bool(await redis.eval(_ANSWER, len(keys), *keys, *args))


async def leave_lane(pipe: Pipeline, lane: str, entry_id: str) -> None:
    """Take a handled entry off its lane, in the transaction that acknowledges it."""
    await pipe.lrem(lane, 1, entry_id)


def entry_time_ms(entry_id: str) -> int:
    """Return when Redis added a stream entry: its id starts with the milliseconds."""
    return int(entry_id.split("-", 1)[0])


def consumer_name(role: str) -> str:
    """Return a consumer name of its own for each consumer loop of this process.

    A consumer reads back what it holds pending, so two loops must never share a name.
    """
    return f"{role}-{socket.gethostname()}-{os.getpid()}-{next(_LOOPS)}"


@dataclass
class Retries:
    """When a consumer's failed entries may be tried again: 0.5 s, then twice as long each time.

    Only pacing: a consumer that takes an entry over after a crash starts its count afresh.
    """

    failures: dict[str, int] = field(default_factory=dict)
    not_before: dict[str, float] = field(default_factory=dict)

    def due(self, entry_id: str) -> bool:
        return time.monotonic() >= self.not_before.get(entry_id, 0.0)

    def failed(self, entry_id: str) -> None:
        count = self.failures[entry_id] = self.failures.get(entry_id, 0) + 1
        wait_s = min(RETRY_MAX_S, RETRY_FIRST_S * 2 ** (count - 1))
        self.not_before[entry_id] = time.monotonic() + wait_s

    def forget_all_but(self, entry_ids: set[str]) -> None:
        for entry_id in set(self.failures) - entry_ids:
            self.failures.pop(entry_id, None)
            self.not_before.pop(entry_id, None)


async def _read(
    redis: Redis,
    group: str,
    consumer: str,
    stream: str,
    start: str,
    count: int,
    block_ms: int | None,
) -> list[tuple[str, dict[str, str]]]:
    response: Any = await redis.xreadgroup(
        group, consumer, {stream: start}, count=count, block=block_ms
    )
    return [entry for _stream, items in response or [] for entry in items]


Entry = tuple[str, dict[str, str]]


class Consumer:
    """One member of a consumer group, handling up to `count` lanes at once, each in order.

    A lane is taken up as soon as a place is free, not in rounds: a slow turn holds up its own
    lane only. Entries of a lane at work join the end of its queue here. Entries that wait
    (their turn has not come, or a failure's retry is not due) stay pending with this consumer,
    which reads them back every `WAITING_POLL_MS`: that also tells other consumers it is alive.
    """

    def __init__(
        self,
        redis: Redis,
        stream: str,
        group: str,
        consumer: str,
        handle: EntryHandler,
        block_ms: int,
        *,
        lane: Lane | None = None,
        count: int = LANES_AT_WORK,
        claim_idle_ms: int | None = None,
        retries: Retries | None = None,
    ) -> None:
        self.redis, self.stream, self.group, self.consumer = redis, stream, group, consumer
        self.handle, self.block_ms, self.lane, self.count = handle, block_ms, lane, count
        self.retries = retries if retries is not None else Retries()
        self.claim_idle_ms = CLAIM_IDLE_MS if claim_idle_ms is None else claim_idle_ms
        # Taking entries over is checked a few times within the idle time, at most once a second.
        self.claim_every_s = min(1.0, self.claim_idle_ms / 4000)
        self.next_claim = 0.0
        self.read_back = True  # this consumer's pending entries, read back at the start
        self.next_read_back = 0.0
        self.more = False  # more pending entries than the last read back returned
        self.at_work: dict[str, collections.deque[Entry]] = {}  # lane -> its entries in hand
        self.in_hand: set[str] = set()
        self.reading_back = False
        self.handled: set[str] = set()  # while reading back
        self.waiting: dict[str, str] = {}  # entry -> its lane
        self.tasks: set[asyncio.Task[None]] = set()
        self.place_free = asyncio.Event()

    async def step(self) -> int:
        """Take over entries left too long, read back waiting ones, read new ones while a place
        is free, and set them to work; return how many entries were read."""
        now = time.monotonic()
        if now >= self.next_claim:
            self.next_claim = now + self.claim_every_s
            claimed: Any = await self.redis.xautoclaim(
                self.stream, self.group, self.consumer, self.claim_idle_ms, "0-0",
                count=self.count, justid=True,
            )  # fmt: skip
            self.read_back = self.read_back or bool(claimed)
        mine: list[Entry] = []
        if self.read_back or ((self.waiting or self.more) and now >= self.next_read_back):
            self.next_read_back = now + WAITING_POLL_MS / 1000
            self.handled, self.reading_back = set(), True
            asked = MAX_WAITING + len(self.in_hand)
            try:
                mine = await _read(
                    self.redis, self.group, self.consumer, self.stream, "0", asked, None
                )
            finally:
                self.reading_back = False
            self.read_back, self.more = False, len(mine) == asked  # the rest next time
            if not self.more:
                self.retries.forget_all_but({entry_id for entry_id, _fields in mine})
            mine = [e for e in mine if e[0] not in self.in_hand and e[0] not in self.handled]
            self.waiting = {}
        fresh: list[Entry] = []
        free = self.count - len(self.at_work)
        if free > 0 and len(self.waiting) + len(mine) < MAX_WAITING:
            wait_ms: int | None = self.block_ms
            if mine:
                wait_ms = None
            elif self.at_work or self.waiting or self.more:
                wait_ms = min(self.block_ms, WAITING_POLL_MS)
            fresh = await _read(
                self.redis, self.group, self.consumer, self.stream, ">", free, wait_ms
            )
        elif not mine:  # until a place is free or it is time to read back
            self.place_free.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.place_free.wait(), WAITING_POLL_MS / 1000)
        for entry_id, fields in mine + fresh:  # pending ids all come before new ones
            if not fields:  # deleted while pending
                await self.redis.xack(self.stream, self.group, entry_id)
            else:
                self._take(entry_id, fields)
        return len(mine) + len(fresh)

    def _take(self, entry_id: str, fields: dict[str, str]) -> None:
        key = self.lane(fields) if self.lane is not None else entry_id
        if key in self.at_work:
            self.at_work[key].append((entry_id, fields))
        elif (
            len(self.at_work) >= self.count
            or key in self.waiting.values()
            or not self.retries.due(entry_id)
        ):
            self.waiting[entry_id] = key
            return
        else:
            self.at_work[key] = collections.deque([(entry_id, fields)])
            BUSY_LANES.labels(self.stream).inc()
            task = asyncio.create_task(self._work(key))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        self.in_hand.add(entry_id)

    async def _work(self, key: str) -> None:
        """Handle one lane's entries in order while it is their turn; stop at a failure."""
        entries = self.at_work[key]
        try:
            while entries:
                entry_id, fields = entries[0]
                try:
                    if self.lane is not None and not await self.redis.eval(
                        _TURN, 2, key, self.stream, entry_id
                    ):
                        return  # an earlier entry of the lane is with another consumer
                    await self.handle(entry_id, fields)
                except Exception:
                    log.exception("queue.handle failed entry=%s; its lane waits for the retry",
                                  entry_id)  # fmt: skip
                    self.retries.failed(entry_id)
                    return
                entries.popleft()
                self.in_hand.discard(entry_id)
                if self.reading_back:  # it may be among what the read back returns
                    self.handled.add(entry_id)
        finally:
            del self.at_work[key]
            BUSY_LANES.labels(self.stream).dec()
            for entry_id, _fields in entries:
                self.in_hand.discard(entry_id)
                self.waiting[entry_id] = key
            self.place_free.set()

    async def once(self) -> int:
        """One step, waited for to the end; return how many entries it read."""
        taken = await self.step()
        await self.finish()
        return taken

    async def finish(self) -> None:
        """Wait until the lanes at work have handled what they hold (without cutting them)."""
        while self.tasks:
            await asyncio.wait(set(self.tasks))


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
    consumer: str | None = None,
) -> None:
    """Consume `stream` as one member of `group` until cancelled; survive Redis hiccups.

    Cancelled, it first finishes what it holds: the read in progress (at most `block_ms` of
    waiting), then the entries its lanes at work have in hand.
    """
    one = Consumer(
        redis, stream, group, consumer or consumer_name(role), handle, block_ms,
        lane=lane, claim_idle_ms=claim_idle_ms,
    )  # fmt: skip
    log.info("%s started consumer=%s", role, one.consumer)
    try:
        while True:
            try:
                await finish_before_stopping(one.step())
            except Exception as error:
                if _group_lost(error):
                    # Redis came back without the stream or its group (restarted without its
                    # files, flushed): made again only at start-up, nothing would be read
                    # again. From the stream's start: what was queued meanwhile is answered.
                    log.warning("%s group lost; creating it again", role)
                    with contextlib.suppress(Exception):
                        await ensure_group(redis, stream, group)
                        continue
                log.exception("%s loop error; retrying in 1 s", role)
                await asyncio.sleep(1)
    finally:
        await one.finish()
