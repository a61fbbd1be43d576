"""Campaigns: a rumour's fact sent to everyone who asked for facts, counted but never listed.

The city team creates campaigns through the admin API; the bot's broadcaster and sender
deliver them. Both sides meet here. While a campaign is being delivered its counts live in a
Redis hash the sender increments; when every message is accounted for, the broadcaster copies
them into the campaign's row. No table or key holds who received it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from redis.asyncio import Redis
from sqlalchemy import DateTime, Integer, String, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base

Outcome = Literal["sent", "failed", "skipped"]
COUNTS = ("queued", "sent", "failed", "skipped")
SENDING, DONE = "sending", "done"
# Live counts outlast the delivery long enough to be copied; then the row is the record.
COUNTS_TTL_S = 30 * 24 * 3600


class Campaign(Base):
    """One sending of a rumour's fact, optionally to one city's subscribers."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rumour_key: Mapped[str] = mapped_column(String(40))
    city: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default=SENDING, index=True)
    # The staff account that sent it, as the audit log names accounts.
    created_by: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    queued: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)


def counts_key(campaign_id: int) -> str:
    """Return the Redis hash of a campaign's live counts."""
    return f"campaign:{campaign_id}:counts"


def cursor_key(campaign_id: int) -> str:
    """Return the Redis key of the last subscription a campaign queued a message for."""
    return f"campaign:{campaign_id}:cursor"


async def create(
    session: AsyncSession, *, rumour_key: str, city: str | None, created_by: str
) -> Campaign:
    """Add a campaign; the broadcaster picks it up."""
    campaign = Campaign(rumour_key=rumour_key, city=city, created_by=created_by, status=SENDING)
    session.add(campaign)
    await session.flush()
    return campaign


async def live_counts(redis: Redis, campaign_id: int) -> dict[str, int]:
    """Return the counts the sender and broadcaster have reached so far."""
    raw: dict[Any, Any] = await redis.hgetall(counts_key(campaign_id))
    return {name: int(raw.get(name, 0)) for name in COUNTS}


async def counts(redis: Redis, campaign: Campaign) -> dict[str, int]:
    """Return a campaign's counts: from its row once done, else live from Redis."""
    if campaign.status == DONE:
        return {name: int(getattr(campaign, name)) for name in COUNTS}
    return await live_counts(redis, campaign.id)
