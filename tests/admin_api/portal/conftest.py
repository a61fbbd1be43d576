"""The real app served on a loopback port, and Debian's Chromium to drive it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from playwright.async_api import Browser
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from dalil.app import create_app
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


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, shared by the browser tests."""
    async with chromium() as launched:
        yield launched
