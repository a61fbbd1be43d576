"""Statistics work runs in a process of its own, under a time limit, beside the event loop."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import random
import time
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from admin_api.accounts.models import Role
from admin_api.stats import pool, service
from core.usage import UsageEvent
from tests.helpers.api import Api

# Two weeks of 2024, cleared around each test: about 1,000 questions each, over many cells.
MONDAYS = (dt.date(2024, 6, 3), dt.date(2024, 6, 10))
PERIOD = {"from": "2024-06-03", "to": "2024-06-16", "group_by": "week,city"}


@pytest.fixture
async def busy_weeks(pg_engine: AsyncEngine) -> AsyncIterator[None]:
    """Write two busy weeks of varied questions, committed (the app reads them)."""
    generator = random.Random(13)
    rows = [
        {
            "day": monday + dt.timedelta(days=generator.randrange(7)),
            "city": (city := generator.choice(["tangier", "amman", "lyon", "vienna"])),
            "district": generator.choice([None, f"{city}-1", f"{city}-2", f"{city}-3"]),
            "category": generator.choice(["health", "housing", "legal", "jobs", None]),
            "language": generator.choice(["ar", "fr", "en", "fa", "uk", "es"]),
            "channel": generator.choice(["telegram", "whatsapp"]),
            "outcome": generator.choice(["results", "results", "no_result", "asked_city"]),
            "intent": "find_health",
        }
        for monday in MONDAYS
        for _ in range(1000)
    ]
    between = UsageEvent.day.between(MONDAYS[0], MONDAYS[-1] + dt.timedelta(days=6))
    async with AsyncSession(pg_engine) as session, session.begin():
        await session.execute(delete(UsageEvent).where(between))
        await session.execute(insert(UsageEvent), rows)
    yield
    async with AsyncSession(pg_engine) as session, session.begin():
        await session.execute(delete(UsageEvent).where(between))


async def test_the_work_is_not_done_in_the_serving_process(api: Api, busy_weeks: None) -> None:
    headers = await api.account(Role.AUTHORITY)
    # The first question starts the statistics process: a second or so, on its own.
    warm = {"from": "2024-01-01", "to": "2024-01-07"}
    assert (await api.client.get("/api/v1/stats", params=warm, headers=headers)).status_code == 200
    cpu, wall = time.process_time(), time.perf_counter()
    request = asyncio.create_task(api.client.get("/api/v1/stats", params=PERIOD, headers=headers))
    slowest = 0.0
    while not request.done():
        started = time.perf_counter()
        assert (await api.client.get("/health")).status_code == 200
        slowest = max(slowest, time.perf_counter() - started)
        await asyncio.sleep(0.05)
    response = await request
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    assert response.status_code == 200, response.text
    assert {cell["city"] for cell in response.json()["cells"]} == {
        "tangier", "amman", "lyon", "vienna"
    }  # fmt: skip
    # Protecting two such weeks takes about 2 s of CPU (more on a busy machine). The serving
    # process only reads the counts and sums the answer: a small part of that, while a
    # thread (the old way) would have spent all of it here.
    assert wall > 1.0, f"the work took {wall:.2f} s: too little to tell"
    assert cpu < 0.4 * wall, f"{cpu:.2f} s of CPU in the serving process over {wall:.2f} s"
    # Nothing on the loop waits for the work (py-spy on `dalil run`: the loop thread sits in
    # epoll between requests). What can stall it is a full garbage collection over the whole
    # heap of the process: 0.6 s and more in the test process once earlier tests have filled
    # it, the likely cause of the 603 ms once seen here (see the next test). With the heap
    # alive at start frozen, 10 runs in a row at a load average of 8 to 10 on two cores:
    # median 153 ms, worst 432 ms (5 runs without, in between: median 361 ms, worst 456 ms).
    assert slowest < 0.5, f"/health took {slowest * 1000:.0f} ms"


async def test_a_full_collection_while_serving_scans_only_what_came_after_the_start(
    app: FastAPI,
) -> None:
    # Everything alive when the app started (here: pytest and every earlier test's
    # leftovers; in `dalil run`: about 190,000 objects) is out of the collector's reach.
    assert gc.get_freeze_count() > 10 * len(gc.get_objects())
    started = time.perf_counter()
    gc.collect()
    took = time.perf_counter() - started
    # Without the freeze: 117 ms for `dalil run` (on a loaded machine); in the test process
    # 0.6 to 3.8 s with 500,000 objects, the heap after the admin API's tests.
    assert took < 0.05, f"a full collection took {took * 1000:.0f} ms"


async def test_past_the_time_limit_the_process_is_killed_and_the_answer_is_422(
    api: Api, busy_weeks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = await api.account(Role.AUTHORITY)
    monkeypatch.setattr(service, "TIME_LIMIT_SECONDS", 0.3)
    started = time.perf_counter()
    response = await api.client.get("/api/v1/stats", params=PERIOD, headers=headers)
    assert time.perf_counter() - started < 1.5
    assert response.status_code == 422
    assert response.json()["error"] == "invalid"
    assert "longer than 0.3 s" in response.json()["detail"]
    assert pool._pool is None
    monkeypatch.undo()
    again = await api.client.get("/api/v1/stats", params=PERIOD, headers=headers)
    assert again.status_code == 200, again.text


async def test_a_weeks_protection_is_kept_in_redis_and_outlives_the_process(
    api: Api, busy_weeks: None, redis: Redis
) -> None:
    headers = await api.account(Role.AUTHORITY)
    for name in await redis.keys("stats:protected:*"):
        await redis.delete(name)
    started = time.perf_counter()
    first = await api.client.get("/api/v1/stats", params=PERIOD, headers=headers)
    computed = time.perf_counter() - started
    assert first.status_code == 200, first.text
    assert len(await redis.keys("stats:protected:*")) == len(MONDAYS)
    # A new process, which has computed nothing: it reads the two weeks back.
    pool.close()
    started = time.perf_counter()
    again = await api.client.get("/api/v1/stats", params=PERIOD, headers=headers)
    read_back = time.perf_counter() - started
    assert again.json() == first.json()
    assert read_back < computed / 2, f"{read_back:.2f} s read back, {computed:.2f} s computed"
