"""Sending within the platforms' limits: per-chat pacing and a global rate per channel.

Both live in Redis, so every sender process shares them. Per chat, each send reserves the
next free slot (`interval` apart) and waits for it; per channel, a counter per second caps
how many sends start in that second. A send that waited for the channel after its chat's
slot moves the chat's next slot to a whole interval after it. Keys name chats by an HMAC,
never by their id.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from dataclasses import dataclass

from redis.asyncio import Redis

# KEYS[1] = the chat's slot; ARGV = now (ms), interval (ms), ttl (ms). Returns ms to wait.
_RESERVE = """
local now = tonumber(ARGV[1])
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, slot)
redis.call('SET', KEYS[1], start + tonumber(ARGV[2]), 'PX', tonumber(ARGV[3]))
return start - now
"""

# KEYS[1] = the chat's slot; ARGV = now (ms), interval (ms), ttl (ms). A send that waited for
# the channel's rate after its chat's turn went out late: the chat's next turn moves with it.
_SENT_LATE = """
local next = tonumber(ARGV[1]) + tonumber(ARGV[2])
if next > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], next, 'PX', tonumber(ARGV[3]))
end
"""


@dataclass(frozen=True, slots=True)
class Limits:
    """A channel's limits: seconds between two messages to one chat, messages per second."""

    chat_interval_s: float
    per_second: int


class Pacer:
    """Waits, before each send, until the chat's and the channel's limits allow it."""

    def __init__(self, redis: Redis, secret: bytes, limits: dict[str, Limits]) -> None:
        self.redis = redis
        self.secret = secret
        self.limits = limits
        self._reserve = redis.register_script(_RESERVE)
        self._sent_late = redis.register_script(_SENT_LATE)

    def chat_key(self, channel: str, chat_id: str) -> str:
        """Return the Redis key of one chat's pacing mark."""
        # Its own message prefix: a pacing key must not equal the chat's pseudonym.
        digest = hmac.new(self.secret, f"pace\x00{channel}:{chat_id}".encode(), hashlib.sha256)
        return f"pace:{digest.hexdigest()[:32]}"

    async def forget(self, channel: str, chat_id: str) -> None:
        """Erase the pacing mark of one chat (it asked to be forgotten)."""
        await self.redis.delete(self.chat_key(channel, chat_id))

    async def wait_turn(self, channel: str, chat_id: str | None) -> float:
        """Sleep until this channel and chat may send; return the seconds waited."""
        limits = self.limits.get(channel)
        if limits is None:
            return 0.0
        waited = 0.0
        interval_ms = int(limits.chat_interval_s * 1000)
        paced = limits.chat_interval_s > 0
        chat_key = self.chat_key(channel, chat_id) if chat_id and paced else None

        def slot_args() -> list[int]:  # now, the interval, how long the slot is kept (ms)
            return [int(time.time() * 1000), interval_ms, interval_ms + 60_000]

        if chat_key is not None:
            wait_ms = await self._reserve(keys=[chat_key], args=slot_args())
            if int(wait_ms) > 0:
                waited += int(wait_ms) / 1000
                await asyncio.sleep(int(wait_ms) / 1000)
        rate_waited = 0.0
        while limits.per_second > 0:
            now = time.time()
            second = int(now)
            key = f"rate:{channel}:{second}"
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, 5)
                count, _ = await pipe.execute()
            if int(count) <= limits.per_second:
                break
            pause = second + 1 - now
            rate_waited += pause
            await asyncio.sleep(pause)
        if chat_key is not None and rate_waited:
            await self._sent_late(keys=[chat_key], args=slot_args())
        return waited + rate_waited
