"""What a caller may do with campaigns: the city team starts them, authorities may read them.

The rules behind the API and the portal (never a second copy): which rumour and city a
campaign may name, who may start one and who may read its counts.
"""

from __future__ import annotations

from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from admin_api.accounts.models import Role
from admin_api.deps import Caller, require
from admin_api.errors import InvalidInput, NotFound
from core import campaigns
from core.campaigns import Campaign
from services_directory.cities.service import get_city
from services_directory.rumours import service as rumours

READERS = (Role.CITY_ADMIN, Role.AUTHORITY)


async def check_campaign(
    session: AsyncSession, caller: Caller, *, rumour_key: str, city: str | None
) -> None:
    """Refuse a campaign that could not start: 403 for the role, 422 for what it names."""
    require(caller, Role.CITY_ADMIN)
    if await rumours.get_active(session, rumour_key) is None:
        raise InvalidInput("rumour_key must name an active rumour")
    if city is not None and await get_city(session, city) is None:
        raise InvalidInput(f"unknown city {city!r}")


async def start_campaign(
    session: AsyncSession, caller: Caller, *, rumour_key: str, city: str | None
) -> Campaign:
    """Queue an active rumour's fact for its subscribers (of `city`, else all); city admins."""
    await check_campaign(session, caller, rumour_key=rumour_key, city=city)
    campaign = await campaigns.create(
        session, rumour_key=rumour_key, city=city,
        created_by=f"{caller.role.value}:{caller.account.name}",
    )  # fmt: skip
    await session.refresh(campaign)
    return campaign


async def read_campaign(session: AsyncSession, caller: Caller, campaign_id: int) -> Campaign:
    """Return one campaign to those who may read it; 404 if there is none."""
    require(caller, *READERS)
    campaign = await session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("no such campaign")
    return campaign


async def recent_campaigns(session: AsyncSession, caller: Caller, *, limit: int) -> list[Campaign]:
    """Return the latest campaigns, newest first, to those who may read them."""
    require(caller, *READERS)
    statement = select(Campaign).order_by(Campaign.id.desc()).limit(limit)
    return list((await session.scalars(statement)).all())


async def counts(redis: Redis, campaign: Campaign) -> dict[str, int]:
    """Return how far a campaign got: queued, sent, failed, skipped (never who)."""
    return await campaigns.counts(redis, campaign)
