"""A dialogue over the tests' real PostgreSQL, Redis and Rasa."""

from __future__ import annotations

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dialogue import Dialogue
from bot.dialogue.respond import Clock, utc_now
from bot.state import StateStore
from nlu.client import NLUClient
from tests.helpers.settings import PSEUDONYM_KEY


def make_dialogue(
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    nlu: NLUClient,
    *,
    clock: Clock = utc_now,
    ttl_s: int = 3600,
) -> Dialogue:
    """Return a dialogue over the given components."""
    return Dialogue(
        sessions=sessions,
        states=StateStore(redis, ttl_s=ttl_s),
        nlu=nlu,
        pseudonym_key=PSEUDONYM_KEY.encode(),
        clock=clock,
    )
