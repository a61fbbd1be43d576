"""Directory search latency on the sample directory (SQLite file and PostgreSQL)."""

from __future__ import annotations

import asyncio
import itertools
import tempfile
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bench.stats import summary
from core.db import create_engine
from dalil import migrate
from services_directory.categories import Category
from services_directory.sample.loader import load_sample
from services_directory.search.service import search_services

PG_ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
PG_BENCH_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/dalil_bench"
QUERIES = 1000


async def _database(kind: str, workdir: Path) -> str:
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    admin = create_engine(PG_ADMIN_URL)
    async with admin.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("DROP DATABASE IF EXISTS dalil_bench"))
        await connection.execute(text("CREATE DATABASE dalil_bench"))
    await admin.dispose()
    return PG_BENCH_URL


async def run(kind: str) -> dict[str, float]:
    """Time QUERIES searches cycling over categories, cities and locales."""
    with tempfile.TemporaryDirectory() as workdir:
        url = await _database(kind, Path(workdir))
        await asyncio.to_thread(migrate.upgrade, url)
        engine = create_engine(url)
        async with AsyncSession(engine) as session, session.begin():
            await load_sample(session)
        combos = itertools.cycle(
            itertools.product(Category, ["tangier", "lyon"], ["ar", "fr", "en"])
        )
        samples = []
        async with AsyncSession(engine) as session:
            for _ in range(QUERIES):
                category, city, locale = next(combos)
                started = time.perf_counter()
                await search_services(
                    session, category=category, city_id=city, locale=locale, language=locale
                )
                samples.append(time.perf_counter() - started)
        await engine.dispose()
    return summary(samples)
