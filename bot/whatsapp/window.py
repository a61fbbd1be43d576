"""The 24-hour customer service window: free-form messages only within 24 h of the last one in.

WhatsApp lets a business send free-form messages (text, buttons, lists) only within 24 hours
of the person's last message; after that only an approved template may go out (error 131047).
The time of each inbound message is kept per chat, under the chat's keyed pseudonym, never
the phone number, and expires with the window itself.
"""

from __future__ import annotations

import time

from redis.asyncio import Redis

from core.pseudonym import pseudonym

CHANNEL = "whatsapp"
WINDOW_S = 24 * 3600
_PREFIX = "wa:window:"

# Keep the latest time only: Meta retries old deliveries for days, and a late copy of an
# old message must not reopen a window that a newer one already set (or has let close).
_RECORD = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then
  redis.call('SET', KEYS[1], ARGV[1], 'EXAT', ARGV[2])
end
return 1
"""


def window_key(pseudonym_key: bytes, wa_id: str) -> str:
    """Return the Redis key of one chat's window."""
    return _PREFIX + pseudonym(pseudonym_key, CHANNEL, wa_id)


async def record_inbound(redis: Redis, pseudonym_key: bytes, wa_id: str, sent_at: int) -> None:
    """Open (or extend) the window of chat `wa_id` for 24 h from `sent_at` (epoch seconds)."""
    closes_at = sent_at + WINDOW_S
    if closes_at <= time.time():
        return
    await redis.eval(_RECORD, 1, window_key(pseudonym_key, wa_id), sent_at, closes_at)


# Erase the window of a chat that asked to be forgotten, unless a newer message reopened it
# meanwhile: that message's answer still needs it.
_CLOSE = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current <= tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
end
return 1
"""


async def close(redis: Redis, pseudonym_key: bytes, wa_id: str, up_to: int) -> None:
    """Erase the window of chat `wa_id` unless a message sent after `up_to` (epoch s) opened it."""
    await redis.eval(_CLOSE, 1, window_key(pseudonym_key, wa_id), up_to)


async def is_open(redis: Redis, pseudonym_key: bytes, wa_id: str) -> bool:
    """Tell whether a free-form message may be sent to chat `wa_id` now."""
    last = await redis.get(window_key(pseudonym_key, wa_id))
    return last is not None and int(last) + WINDOW_S > time.time()
