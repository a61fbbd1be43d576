"""Unanswered questions: kept only when the city chose to, scrubbed, and purged in time."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from core.db import session_factory
from core.unmet import UnmetQuestion, keep_unmet, purge_daily, purge_unmet
from tests.helpers.settings import make_settings

TODAY = dt.date(2026, 11, 26)


async def _texts(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(UnmetQuestion.text).order_by(UnmetQuestion.id)))


async def test_nothing_is_kept_by_default(session: AsyncSession) -> None:
    settings = make_settings()
    assert settings.keep_unmet_questions is False
    kept = await keep_unmet(
        session, "my name is Ahmed, 0612345678", "tangier", "en",
        allowed=settings.keep_unmet_questions,
    )  # fmt: skip
    await session.flush()
    assert kept is False
    assert await _texts(session) == []


async def test_when_allowed_the_scrubbed_text_is_kept_with_day_city_and_language(
    session: AsyncSession,
) -> None:
    settings = make_settings(KEEP_UNMET_QUESTIONS="true")
    text = "My name is Ahmed, I need a dentist in Tangier, call 0612345678"
    allowed = settings.keep_unmet_questions
    assert await keep_unmet(session, text, "tangier", "en", allowed=allowed, today=TODAY)
    assert not await keep_unmet(session, "   ", "tangier", "en", allowed=allowed, today=TODAY)
    await session.flush()
    row = (await session.scalars(select(UnmetQuestion))).one()
    assert (row.day, row.city, row.language) == (TODAY, "tangier", "en")
    assert row.text == "My name is [name], I need a dentist in Tangier, call [phone]"


async def test_purge_deletes_what_is_older_than_the_retention(session: AsyncSession) -> None:
    for age in (0, 29, 30, 31, 400):
        day = TODAY - dt.timedelta(days=age)
        session.add(UnmetQuestion(day=day, city=None, language="fr", text=f"{age} days"))
    await session.flush()
    assert await purge_unmet(session, 30, TODAY) == 2
    assert await _texts(session) == ["0 days", "29 days", "30 days"]
    assert await purge_unmet(session, 30, TODAY) == 0


async def test_the_daily_task_purges_at_once_and_keeps_running(pg_engine: AsyncEngine) -> None:
    # Committed for real: the task works in transactions of its own, as in the app.
    sessions = session_factory(pg_engine)
    old = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=45)
    async with sessions() as session, session.begin():
        session.add(UnmetQuestion(day=old, city="lyon", language="fr", text="old"))
    task = asyncio.create_task(purge_daily(sessions, 30, interval_s=3600))
    try:
        for _ in range(100):
            async with sessions() as session:
                left = await session.scalar(select(func.count()).where(UnmetQuestion.day == old))
            if left == 0:
                break
            await asyncio.sleep(0.05)
        assert left == 0
        assert not task.done()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_kept_question_keeps_no_house_or_flat_number(session: AsyncSession) -> None:
    text = "They want to evict me from 12 rue Voltaire apt 5, I have 3 children"
    assert await keep_unmet(session, text, "lyon", "en", allowed=True, today=TODAY)
    await session.flush()
    assert await _texts(session) == [
        "They want to evict me from [number] rue [name] apt [number], I have 3 children"
    ]
