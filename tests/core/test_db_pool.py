"""The PostgreSQL pool holds as many connections as a worker has chats in flight."""

from __future__ import annotations

import asyncio

from sqlalchemy import event, text

from bot.queue import ROUND_SIZE
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
        await asyncio.gather(*(turn() for _ in range(ROUND_SIZE)))
        after_first_round = len(opened)
        for _ in range(4):
            await asyncio.gather(*(turn() for _ in range(ROUND_SIZE)))
    finally:
        await engine.dispose()
    # Every chat of a round had its connection at once, and later rounds opened none.
    assert most_at_once == ROUND_SIZE
    assert after_first_round == ROUND_SIZE
    assert len(opened) == after_first_round
