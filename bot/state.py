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
    pending_category: str | None = None  # asked before the city was known
    page: int = 1


class StateStore:
    """Reads and writes conversation state; every write renews the retention period."""

    def __init__(self, redis: Redis, ttl_s: int) -> None:
        self._redis = redis
        self._ttl_s = ttl_s

    async def load(self, key: str) -> ConversationState:
        """Return the state of chat `key` (empty when unknown or expired)."""
        raw: dict[Any, Any] = await self._redis.hgetall(_PREFIX + key)
        state = ConversationState()
        for item in fields(ConversationState):
            if item.name in raw:
                value = raw[item.name]
                setattr(state, item.name, int(value) if item.name == "page" else value)
        return state

    async def save(self, key: str, state: ConversationState) -> None:
        """Store the state of chat `key` and restart its expiry."""
        values = {f.name: getattr(state, f.name) for f in fields(ConversationState)}
        present: dict[Any, Any] = {
            name: str(value) for name, value in values.items() if value is not None
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
