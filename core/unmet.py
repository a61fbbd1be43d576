"""Questions the bot could not answer, kept scrubbed and briefly for the NLU team (off by default).

With `KEEP_UNMET_QUESTIONS` off, which is the default, nothing is kept. With it on, the text of
a question the bot could not answer is scrubbed (see `core.scrub`) and kept with its day, city
and language, never with anything that points to a chat, for `UNMET_RETENTION_DAYS` days.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Collection

from sqlalchemy import Date, Integer, String, delete
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, transaction
from core.scrub import scrub

__all__ = ["UnmetQuestion", "keep_unmet", "purge_daily", "purge_unmet", "scrub"]

log = logging.getLogger(__name__)
TEXT_LIMIT = 500
PURGE_INTERVAL_S = 24 * 3600


class UnmetQuestion(Base):
    """A scrubbed question the bot could not answer: day, city, language and text."""

    __tablename__ = "unmet_question"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Day only, as in usage events: an exact time could tie the text to a chat.
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    city: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(String(TEXT_LIMIT))


async def keep_unmet(
    session: AsyncSession,
    text: str,
    city: str | None,
    language: str,
    *,
    allowed: bool,
    places: Collection[str] = (),
    today: dt.date | None = None,
) -> bool:
    """Keep the scrubbed text of an unanswered question if `allowed`; tell if kept.

    `allowed` is the city's choice, `Settings.keep_unmet_questions` (off by default).
    """
    if not allowed:
        return False
    scrubbed = scrub(text, places=places).strip()[:TEXT_LIMIT]
    if not scrubbed:
        return False
    session.add(
        UnmetQuestion(
            day=today or dt.datetime.now(dt.UTC).date(),
            city=city,
            language=language[:8],
            text=scrubbed,
        )
    )
    return True


async def purge_unmet(
    session: AsyncSession, retention_days: int, today: dt.date | None = None
) -> int:
    """Delete questions kept longer than `retention_days`; return how many."""
    today = today or dt.datetime.now(dt.UTC).date()
    oldest_kept = today - dt.timedelta(days=retention_days)
    result = await session.execute(delete(UnmetQuestion).where(UnmetQuestion.day < oldest_kept))
    return int(getattr(result, "rowcount", 0) or 0)


async def purge_daily(
    sessions: async_sessionmaker[AsyncSession],
    retention_days: int,
    *,
    interval_s: float = PURGE_INTERVAL_S,
) -> None:
    """Purge old questions now and then once a day, until cancelled."""
    while True:
        try:
            async with transaction(sessions) as session:
                removed = await purge_unmet(session, retention_days)
            log.info("unmet.purge removed=%d retention_days=%d", removed, retention_days)
        except (SQLAlchemyError, OSError) as error:
            # A database outage must not end the task: the next day's purge catches up.
            log.warning("unmet.purge failed: %s", type(error).__name__)
        await asyncio.sleep(interval_s)
