"""Directory search latency over 10,000 services, on a SQLite file and on PostgreSQL.

The sample directory (about 400 services in nine cities) is copied with fresh ids and
jittered coordinates until the directory holds TARGET_SERVICES, then the bot's query is
timed: category and city, language ranking, nearest first, open now. Two figures: warm
(this process has read the city and category since they last changed: the usual case) and
cold (its copy was just dropped, as for the first search after an edit in that city and
category, or the first of a new process).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bench.stats import summary
from core.db import create_engine
from dalil import migrate
from services_directory.categories import Category
from services_directory.cities.models import City
from services_directory.listings.models import (
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    ServiceTranslation,
)
from services_directory.sample.loader import load_sample
from services_directory.search.index import rebuild
from services_directory.search.service import forget_cached_reads, search_services

PG_ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
# Dropped and created again by each benchmark; BENCH_DATABASE names another one, for two
# people benchmarking on one PostgreSQL.
PG_BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "dalil_bench")
PG_BENCH_URL = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{PG_BENCH_DATABASE}"
TARGET_SERVICES = 10_000
QUERIES = 1000


async def fresh_database(kind: str, workdir: Path) -> str:
    """Return the URL of an empty database of `kind` (PostgreSQL: created anew)."""
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    admin = create_engine(PG_ADMIN_URL)
    async with admin.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{PG_BENCH_DATABASE}"'))
        await connection.execute(text(f'CREATE DATABASE "{PG_BENCH_DATABASE}"'))
    await admin.dispose()
    return PG_BENCH_URL


def _rows(model: type[Any], objects: list[Any]) -> list[dict[str, Any]]:
    columns = [c.key for c in model.__table__.columns]
    return [{c: getattr(o, c) for c in columns} for o in objects]


async def _grow(engine: AsyncEngine, target: int) -> int:
    """Copy the sample services with new ids until the directory holds `target` services."""
    rng = random.Random(7)
    async with AsyncSession(engine) as session:
        originals = {
            model: _rows(model, list((await session.scalars(select(model))).all()))
            for model in (Service, Location, ServiceAtLocation, ServiceTranslation, Phone,
                          Schedule, ServiceLanguage)
        }  # fmt: skip
    copies = -(-target // len(originals[Service])) - 1
    async with AsyncSession(engine) as session, session.begin():
        for n in range(1, copies + 1):
            suffix = f"-x{n}"
            batch: dict[type[Any], list[dict[str, Any]]] = {}
            batch[Service] = [{**r, "id": r["id"] + suffix} for r in originals[Service]]
            batch[Location] = [
                {**r, "id": r["id"] + suffix,
                 "latitude": r["latitude"] + rng.uniform(-0.02, 0.02) if r["latitude"] else None,
                 "longitude": r["longitude"] + rng.uniform(-0.02, 0.02) if r["longitude"] else None}
                for r in originals[Location]
            ]  # fmt: skip
            batch[ServiceAtLocation] = [
                {**r, "id": None, "service_id": r["service_id"] + suffix,
                 "location_id": r["location_id"] + suffix}
                for r in originals[ServiceAtLocation]
            ]  # fmt: skip
            for model in (ServiceTranslation, Phone, Schedule, ServiceLanguage):
                batch[model] = [
                    {**r, "service_id": r["service_id"] + suffix}
                    | ({} if model is ServiceTranslation else {"id": None})
                    for r in originals[model]
                ]
            for model, rows in batch.items():
                rows = [{k: v for k, v in r.items() if v is not None or k != "id"} for r in rows]
                await session.execute(insert(model), rows)
    async with AsyncSession(engine) as session:
        return len((await session.scalars(select(Service.id))).all())


async def run(kind: str) -> dict[str, float]:
    """Time QUERIES bot searches over a directory of TARGET_SERVICES services."""
    with tempfile.TemporaryDirectory() as workdir:
        url = await fresh_database(kind, Path(workdir))
        await asyncio.to_thread(migrate.upgrade, url)
        engine = create_engine(url)
        async with AsyncSession(engine) as session, session.begin():
            await load_sample(session)
        services = await _grow(engine, TARGET_SERVICES)
        async with AsyncSession(engine) as session, session.begin():
            await rebuild(session)
        if kind == "postgresql":
            async with engine.connect() as connection:
                await connection.execute(text("ANALYZE"))
        async with AsyncSession(engine) as session:
            cities = {c.id: c for c in (await session.scalars(select(City))).all()}
        combos = itertools.cycle(itertools.product(Category, sorted(cities), ["ar", "fr", "en"]))
        moment = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)
        timings: dict[str, list[float]] = {"warm": [], "cold": []}
        queries = [next(combos) for _ in range(QUERIES)]
        async with AsyncSession(engine) as session:
            for kind in ("warmup", "warm", "cold"):
                for category, city, locale in queries:
                    if kind == "cold":
                        forget_cached_reads()
                    here = (cities[city].latitude, cities[city].longitude)
                    started = time.perf_counter()
                    await search_services(
                        session, category=category, city_id=city, locale=locale,
                        language=locale, near=here, open_at=moment,
                    )  # fmt: skip
                    timings.setdefault(kind, []).append(time.perf_counter() - started)
        await engine.dispose()
    warm, cold = summary(timings["warm"]), summary(timings["cold"])
    return {
        **warm,
        **{f"cold_{key}": value for key, value in cold.items() if key != "n"},
        "services": services,
    }
