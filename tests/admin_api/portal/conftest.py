"""The real app served on a loopback port, and Debian's Chromium to drive it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from playwright.async_api import Browser
from redis.asyncio import Redis
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.dialogue.replay import HandledTurn
from core.usage import UsageEvent
from dalil.app import create_app
from tests.helpers.app import running_app
from tests.helpers.browser import chromium
from tests.helpers.settings import make_settings
from tests.standins.server import free_port, serve


@asynccontextmanager
async def served(**overrides: object) -> AsyncIterator[str]:
    """Serve the app's HTTP routes (no worker or sender) with uvicorn; yield its base URL."""
    settings = make_settings(RASA_URL=f"http://127.0.0.1:{free_port()}", **overrides)
    async with serve(create_app(settings, roles=()), lifespan="on") as url:
        yield url


@pytest.fixture
async def base_url(pg_engine: AsyncEngine, redis: Redis) -> AsyncIterator[str]:
    """The app on real PostgreSQL (migrated, sample loaded) and the tests' Redis database."""
    async with served() as url:
        yield url


# Sign-ins that end soon, as `PORTAL_SESSION_S` makes them end: long enough to open a page
# and type, short enough to wait for.
SHORT_SESSION_S = 3


@pytest.fixture
async def short_sessions(pg_engine: AsyncEngine, redis: Redis) -> AsyncIterator[str]:
    """The app with sign-ins that last `SHORT_SESSION_S` seconds."""
    async with served(PORTAL_SESSION_S=SHORT_SESSION_S) as url:
        yield url


@pytest.fixture
async def whole_app(pg_engine: AsyncEngine, redis: Redis, rasa_url: str) -> AsyncIterator[str]:
    """The app with every role (worker, sender...) and the real Rasa; yield its base URL.

    What its conversations committed (usage events, handled turns) is deleted afterwards:
    other tests count theirs.
    """
    started = dt.datetime.now(dt.UTC)
    async with AsyncSession(pg_engine) as session:
        last_event = await session.scalar(select(func.max(UsageEvent.id))) or 0
    async with running_app(rasa_url, CHAT_LONG_POLL_MS="1500") as app:
        yield app.url
    async with AsyncSession(pg_engine) as session, session.begin():
        await session.execute(delete(UsageEvent).where(UsageEvent.id > last_event))
        await session.execute(delete(HandledTurn).where(HandledTurn.handled_at >= started))


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, shared by the browser tests."""
    async with chromium() as launched:
        yield launched
