"""The anonymous usage event: one row per question, with nothing that identifies a person."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from sqlalchemy import Date, Integer, String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base

# A person's rating of the results they were shown, recorded as its own event.
Feedback = Literal["up", "down"]
FEEDBACK_OUTCOME = "feedback"
# The intent of asking for a person: its ratings say whether the volunteer helped, and are
# counted with the handovers, never with the bot's own answers.
HANDOVER_INTENT = "talk_to_human"


class UsageEvent(Base):
    """A question asked (or results rated): day, place, channel, language, intent, outcome.

    No user, no text. A rating is an event of its own with the outcome `feedback`.
    """

    __tablename__ = "usage_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Day only, no time of day: an exact timestamp could single a person out.
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    city: Mapped[str | None] = mapped_column(String(40))
    district: Mapped[str | None] = mapped_column(String(80))
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    intent: Mapped[str] = mapped_column(String(40))
    category: Mapped[str | None] = mapped_column(String(24))
    outcome: Mapped[str] = mapped_column(String(16))
    feedback: Mapped[str | None] = mapped_column(String(8))


async def record(
    session: AsyncSession,
    *,
    channel: str,
    language: str,
    intent: str,
    outcome: str,
    city: str | None = None,
    district: str | None = None,
    category: str | None = None,
    feedback: Feedback | None = None,
    today: dt.date | None = None,
) -> None:
    """Add one anonymous usage event to the session."""
    session.add(
        UsageEvent(
            day=today or dt.datetime.now(dt.UTC).date(),
            city=city,
            district=district,
            channel=channel,
            language=language,
            intent=intent,
            category=category,
            outcome=outcome,
            feedback=feedback,
        )
    )
