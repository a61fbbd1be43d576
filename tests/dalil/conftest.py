"""The whole app, served for real, with the Telegram stand-in behind python-telegram-bot."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine


@pytest.fixture
async def app_url_prereqs(pg_engine: AsyncEngine, redis: object) -> None:
    """Migrated database with the sample directory, and an empty Redis."""
