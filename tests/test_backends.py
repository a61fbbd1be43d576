"""The marked tests run on the backend they say: PostgreSQL, or the `make run` default."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from services_directory.cities.models import City
from tests.helpers.settings import EMBEDDED

pytestmark = pytest.mark.embedded_default


async def test_the_database_and_redis_are_the_ones_of_the_backend(
    pg_engine: AsyncEngine, session: AsyncSession, redis: Redis
) -> None:
    assert pg_engine.dialect.name == ("sqlite" if EMBEDDED else "postgresql")
    assert await session.scalar(select(func.count()).select_from(City)) == 9
    assert await redis.ping()
    port = redis.connection_pool.connection_kwargs["port"]
    assert (port != 6379) is EMBEDDED  # embedded: a Redis of its own, started for the run
