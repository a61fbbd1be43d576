"""Conversation state in Redis: one hash per pseudonymous chat key, expiring when unused."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from redis.asyncio import Redis

_PREFIX = "conv:"


@dataclass(slots=True)
class ConversationState:
    """What the bot remembers of a conversation: nothing that identifies the person."""

    language: str | None = None  # chosen with a button: always wins
    detected_language: str | None = None  # of the last message whose language was clear
    city: str | None = None
    last_intent: str | None = None
    category: str | None = None  # the category of the last search, for "more results"
    # What waits for the city: a topic asked before it was known, the emergency numbers
    # (dialogue.directory), or the questions before a talk with a person (dialogue.handover).
    pending_category: str | None = None
    page: int = 1
    # The district the last search put first (one the directory knows), for its next pages.
    district: str | None = None
    open_only: bool = False  # the "open now" button narrowed the list
    free_only: bool = False  # the "free only" button narrowed the list
    # The last conversation with a volunteer the person rated (👍/👎): one rating each.
    rated_handover: int = 0
    # The results shown last were rated (👍/👎): one rating for each list of results.
    rated_results: bool = False
    # The list shown last is in order of distance from a location the person sent (the
    # point itself is never kept).
    nearest_first: bool = False
    # The services the question's own words pointed to ("essen": the lunch), ids "|" between
    # them, first on the list and its next pages; never the words themselves.
    pointed: str | None = None
    # The last answer was the emergency numbers: "what do I do?" next gets them again.
    urgent: bool = False
    # The last answer was this myth's fact (its key): "is that true?" next gets its source.
    fact: str | None = None
    # How many services the page on screen numbered (a number typed past them is none).
    listed: int = 0
    # The number of the service whose card alone was the last answer ("the first one"): "is
    # it open now?", "how do I get there?" next are about it, not the whole list.
    card: int = 0
    # The buttons of "Do you mean:", in order, "|" between them: a number typed next picks
    # one ("1" for the first), as people answer a question with numbered choices.
    offered: str | None = None


def _decode(kind: str, value: str) -> str | int | bool:
    # Field types are strings here (postponed annotations): "int", "bool", "str | None".
    if kind == "int":
        return int(value)
    if kind == "bool":
        return value == "1"
    return value


def _encode(value: object) -> str | None:
    # False is left out like None: a flag that is off needs no field.
    if value is None or value is False:
        return None
    return "1" if value is True else str(value)


class StateStore:
    """Reads and writes conversation state; every write renews the retention period."""

    def __init__(self, redis: Redis, ttl_s: int) -> None:
        self._redis = redis
        self._ttl_s = ttl_s

    @property
    def ttl_s(self) -> int:
        """How long a conversation's state is kept after its last message, in seconds."""
        return self._ttl_s

    async def load(self, key: str) -> ConversationState:
        """Return the state of chat `key` (empty when unknown or expired)."""
        raw: dict[Any, Any] = await self._redis.hgetall(_PREFIX + key)
        state = ConversationState()
        for item in fields(ConversationState):
            if item.name in raw:
                setattr(state, item.name, _decode(str(item.type), raw[item.name]))
        return state

    async def save(self, key: str, state: ConversationState) -> None:
        """Store the state of chat `key` and restart its expiry."""
        values = {f.name: _encode(getattr(state, f.name)) for f in fields(ConversationState)}
        present: dict[Any, Any] = {
            name: value for name, value in values.items() if value is not None
        }
        absent = [name for name, value in values.items() if value is None]
        if not present:
            await self.forget(key)
            return
        async with self._redis.pipeline(transaction=True) as pipe:
            if absent:
                pipe.hdel(_PREFIX + key, *absent)
            pipe.hset(_PREFIX + key, mapping=present)
            pipe.expire(_PREFIX + key, self._ttl_s)
            await pipe.execute()

    async def forget(self, key: str) -> None:
        """Erase everything kept for chat `key`."""
        await self._redis.delete(_PREFIX + key)
