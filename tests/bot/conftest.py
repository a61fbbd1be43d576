"""Fixtures of the dialogue: real PostgreSQL, Redis and Rasa (`dialogue_without_nlu` is in the
root conftest: the portal's tests use it too)."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dialogue import Dialogue
from nlu.client import NLUClient
from tests.helpers.dialogue import make_dialogue


@pytest.fixture
def dialogue(sessions: async_sessionmaker[AsyncSession], redis: Redis, nlu: NLUClient) -> Dialogue:
    """The dialogue with the real Rasa behind it."""
    return make_dialogue(sessions, redis, nlu)
