"""Replies waiting for a browser: one short-lived Redis stream per conversation.

Why this shape. A browser cannot be called back the way Telegram or WhatsApp can, so the
sender role does for the web chat what it does for the platforms, and writes each reply to
the conversation's own stream (`web:outbox:<keyed hash of its id>`); `GET /chat/api/updates`
reads that stream from whichever process the browser reaches. Nothing lives in one
process's memory, so any number of API processes can serve the chat behind a plain load
balancer, with no sticky sessions and no extra service. A waiting poll holds one Redis
connection (XREAD BLOCK) for at most CHAT_LONG_POLL_MS: as many connections as people
waiting, which Redis counts in thousands.

The browser long-polls with `after=<cursor>`, the id of the last entry it showed. A long poll
(rather than Server-Sent Events or a WebSocket) is an ordinary request and response: it goes
through every proxy and captive portal that buffers or cuts streams, costs a cheap phone
nothing while waiting, and resumes from the cursor after any network loss. The cursor also
acknowledges: entries up to it are deleted, and the stream itself once it is empty, so a
conversation leaves no outbox behind (after `/forget` too). Unread entries expire with the
stream after OUTBOX_TTL_S.

Each entry is written together with its "sent" mark in one script, so a sender that dies
and is taken over never shows a reply twice.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from bot.messages import Reply
from bot.outbound import Outbound
from bot.sender import SENT_TTL_S

CHANNEL = "web"
_PREFIX = "web:outbox:"
# Long enough for a phone put away mid-conversation; the answers are not kept longer.
OUTBOX_TTL_S = 6 * 3600
# A runaway conversation cannot fill Redis: older unread replies give way.
OUTBOX_MAX_ENTRIES = 200
READ_COUNT = 50

_CURSOR = re.compile(r"0|([0-9]{1,20})-([0-9]{1,20})")
# Stream ids are two unsigned 64-bit numbers; the one after a cursor must be one too.
_ID_PART_MAX = 2**64 - 1

# KEYS: the entry's sent mark, the outbox. ARGV: the entry, max entries, outbox TTL, mark TTL.
_WRITE_ONCE = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[4]) then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'reply', ARGV[1])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
  return 1
end
return 0
"""

# KEYS: the outbox. ARGV: the first id to keep. An emptied stream is removed, atomically, so
# a reply added meanwhile is never lost with it.
_ACKNOWLEDGE = """
redis.call('XTRIM', KEYS[1], 'MINID', ARGV[1])
if redis.call('XLEN', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[1])
end
return 1
"""


@dataclass(frozen=True, slots=True)
class Shown:
    """One reply as the browser receives it, with the stream id that is its cursor."""

    id: str
    reply: Reply

    def to_dict(self) -> dict[str, Any]:
        """Return what `GET /chat/api/updates` sends for it."""
        return {"id": self.id, **_shown_fields(self.reply)}


def _shown_fields(reply: Reply) -> dict[str, Any]:
    # A template is WhatsApp's business: a browser shows the reply itself.
    return {name: value for name, value in reply.to_dict().items() if name != "template"}


def outbox_key(pseudonym_key: bytes, conversation: str) -> str:
    """Return the Redis key of one conversation's outbox, named by a keyed hash of its id.

    Its own message prefix, as for pacing keys: the name must not be the conversation's
    pseudonym, which only its state may carry.
    """
    digest = hmac.new(pseudonym_key, f"web-outbox\x00{conversation}".encode(), hashlib.sha256)
    return _PREFIX + digest.hexdigest()[:32]


async def deliver(redis: Redis, pseudonym_key: bytes, outbound: Outbound) -> None:
    """Put one outbound message's reply in its conversation's outbox, once."""
    if outbound.reply is None:
        return  # a bare button acknowledgement: a browser needs none
    entry = json.dumps(_shown_fields(outbound.reply), ensure_ascii=False)
    keys = [outbound.part_mark("outbox"), outbox_key(pseudonym_key, outbound.chat_id)]
    await redis.eval(_WRITE_ONCE, 2, *keys, entry, OUTBOX_MAX_ENTRIES, OUTBOX_TTL_S, SENT_TTL_S)


def valid_cursor(cursor: str) -> bool:
    """Tell whether `cursor` is 0 or a stream id that Redis takes (and has a successor)."""
    match = _CURSOR.fullmatch(cursor)
    if match is None:
        return False
    return cursor == "0" or (int(match[1]) <= _ID_PART_MAX and int(match[2]) < _ID_PART_MAX)


def _after(cursor: str) -> str:
    """Return the smallest stream id greater than `cursor`."""
    milliseconds, _, sequence = cursor.partition("-")
    return f"{milliseconds}-{int(sequence or 0) + 1}"


async def read(
    redis: Redis, pseudonym_key: bytes, conversation: str, cursor: str, *, wait_ms: int
) -> list[Shown]:
    """Forget the replies up to `cursor`, then return those after it, waiting up to `wait_ms`."""
    key = outbox_key(pseudonym_key, conversation)
    if cursor != "0":
        await redis.eval(_ACKNOWLEDGE, 1, key, _after(cursor))
    block = wait_ms if wait_ms > 0 else None  # 0 would mean "forever" to Redis
    response: Any = await redis.xread({key: cursor}, count=READ_COUNT, block=block)
    entries = [entry for _stream, items in response or [] for entry in items]
    return [
        Shown(entry_id, Reply.from_dict(json.loads(fields["reply"])))
        for entry_id, fields in entries
    ]
