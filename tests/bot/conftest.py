"""Fixtures of the dialogue: real PostgreSQL, Redis and Rasa."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dialogue import Dialogue
from nlu.client import NLUClient
from nlu.language import LanguageIdentifier
from tests.helpers.dialogue import make_dialogue
from tests.standins.server import free_port


@pytest.fixture
def dialogue(sessions: async_sessionmaker[AsyncSession], redis: Redis, nlu: NLUClient) -> Dialogue:
    """The dialogue with the real Rasa behind it."""
    return make_dialogue(sessions, redis, nlu)


@pytest.fixture
async def dialogue_without_nlu(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, identifier: LanguageIdentifier
) -> AsyncIterator[Dialogue]:
    """The dialogue with Rasa unreachable (nothing listens on its port)."""
    nlu = NLUClient(f"http://127.0.0.1:{free_port()}", timeout_s=1, identifier=identifier)
    yield make_dialogue(sessions, redis, nlu)
    await nlu.aclose()
