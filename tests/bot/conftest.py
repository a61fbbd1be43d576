"""Fixtures of the dialogue: real PostgreSQL, Redis and Rasa (`dialogue_without_nlu` is in the
root conftest: the portal's tests use it too)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dialogue import Dialogue
from bot.whatsapp.send import WhatsAppClient
from nlu.client import NLUClient
from tests.helpers.dialogue import make_dialogue
from tests.helpers.settings import PSEUDONYM_KEY
from tests.standins.server import serve
from tests.standins.whatsapp_api import PHONE_NUMBER_ID, WHATSAPP_TOKEN, WhatsAppStandIn


@pytest.fixture
def dialogue(sessions: async_sessionmaker[AsyncSession], redis: Redis, nlu: NLUClient) -> Dialogue:
    """The dialogue with the real Rasa behind it."""
    return make_dialogue(sessions, redis, nlu)


@pytest.fixture
async def whatsapp(redis: Redis) -> AsyncIterator[tuple[WhatsAppStandIn, WhatsAppClient]]:
    """The Cloud API stand-in, served, and the bot's WhatsApp client sending to it."""
    stand_in = WhatsAppStandIn()
    async with serve(stand_in.app()) as url:
        client = WhatsAppClient(
            base_url=f"{url}/v21.0", phone_number_id=PHONE_NUMBER_ID, token=WHATSAPP_TOKEN,
            redis=redis, pseudonym_key=PSEUDONYM_KEY.encode(), timeout_s=2.0,
        )  # fmt: skip
        yield stand_in, client
        await client.aclose()
