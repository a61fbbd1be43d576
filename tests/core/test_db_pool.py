"""The PostgreSQL pool holds as many connections as a worker has chats in flight, and tries
before use only those that sat idle."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.queue import LANES_AT_WORK
from core import db
from core.db import create_engine, session_factory, transaction
from tests.helpers.settings import PG_URL


async def test_rounds_of_a_workers_concurrent_turns_reuse_the_same_connections() -> None:
    engine = create_engine(PG_URL)
    opened: list[int] = []
    event.listen(engine.sync_engine, "connect", lambda *_args: opened.append(1))
    sessions = session_factory(engine)
    at_once = 0
    most_at_once = 0

    async def turn() -> None:
        nonlocal at_once, most_at_once
        async with transaction(sessions) as session:
            await session.execute(text("SELECT 1"))  # the connection is this turn's from here
            at_once += 1
            most_at_once = max(most_at_once, at_once)
            await session.execute(text("SELECT pg_sleep(0.05)"))
            at_once -= 1

    try:
        await asyncio.gather(*(turn() for _ in range(LANES_AT_WORK)))
        after_first_round = len(opened)
        for _ in range(4):
            await asyncio.gather(*(turn() for _ in range(LANES_AT_WORK)))
    finally:
        await engine.dispose()
    # Every chat of a round had its connection at once, and later rounds opened none.
    assert most_at_once == LANES_AT_WORK
    assert after_first_round == LANES_AT_WORK
    assert len(opened) == after_first_round


async def _backend(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with transaction(sessions) as session:
        return int((await session.execute(text("SELECT pg_backend_pid()"))).scalar_one())


@contextlib.asynccontextmanager
async def _a_pooled_connection_cut(
    monkeypatch: pytest.MonkeyPatch, ping_idle_s: float
) -> AsyncIterator[tuple[async_sessionmaker[AsyncSession], int]]:
    """A pool whose one connection, given back after a turn, PostgreSQL then ended (as a
    restart would); yield the sessions and the ended backend's pid."""
    monkeypatch.setattr(db, "PING_IDLE_S", ping_idle_s)
    engine = create_engine(PG_URL)
    sessions = session_factory(engine)
    other = await asyncpg.connect(PG_URL.replace("+asyncpg", ""))
    try:
        pid = await _backend(sessions)
        assert await other.fetchval("SELECT pg_terminate_backend($1)", pid)
        for _ in range(100):
            if not await other.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid
            ):
                break
            await asyncio.sleep(0.02)
        else:
            raise AssertionError(f"backend {pid} still there")
        yield sessions, pid
    finally:
        await other.close()
        await engine.dispose()


async def test_a_connection_cut_while_idle_in_the_pool_is_replaced_before_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with _a_pooled_connection_cut(monkeypatch, ping_idle_s=0.3) as (sessions, cut):
        await asyncio.sleep(0.4)
        # Idle longer than PING_IDLE_S: tried at checkout, found cut, replaced.
        assert await _backend(sessions) != cut


async def test_a_connection_just_given_back_is_used_without_a_round_trip_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with _a_pooled_connection_cut(monkeypatch, ping_idle_s=60.0) as (sessions, cut):
        # Not tried at checkout, so its first statement meets the cut connection: the error
        # is one the worker waits out (core.db.unavailable), and the next turn gets a new one.
        with pytest.raises(DBAPIError) as failed:
            await _backend(sessions)
        assert db.unavailable(failed.value)
        assert await _backend(sessions) != cut


async def test_a_failed_statement_s_error_never_carries_what_was_written() -> None:
    # Errors are logged; the values of a statement are what people wrote (a volunteer's
    # answer with a phone number in it). PostgreSQL refuses a NUL in text, saying only that.
    engine = create_engine(PG_URL)
    written = "Fatou, appelez le 0699887766\x00"
    try:
        async with AsyncSession(engine) as session:
            with pytest.raises(DBAPIError) as failed:
                await session.execute(text("SELECT CAST(:written AS text)"), {"written": written})
        assert "0699887766" not in str(failed.value)
        assert "hidden due to hide_parameters" in str(failed.value)
    finally:
        await engine.dispose()
