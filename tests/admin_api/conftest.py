"""The admin API in process, over real PostgreSQL and Redis, with accounts made as the CLI does."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from dalil.app import create_app
from tests.helpers.api import Api
from tests.helpers.settings import make_settings
from tests.standins.server import free_port


@pytest.fixture
async def app(pg_engine: AsyncEngine, redis: Redis) -> AsyncIterator[FastAPI]:
    """The app without worker, sender or Telegram: only the HTTP routes."""
    application = create_app(make_settings(RASA_URL=f"http://127.0.0.1:{free_port()}"), roles=())
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def api(app: FastAPI, pg_engine: AsyncEngine) -> AsyncIterator[Api]:
    """A client of the app's admin API."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://dalil.test") as client:
        yield Api(client, pg_engine)
