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
from admin_api.errors import Conflict, InvalidInput, NotFound
from core import campaigns
from core.campaigns import Campaign
from services_directory.cities.service import get_city
from services_directory.rumours import service as rumours

READERS = (Role.CITY_ADMIN, Role.AUTHORITY)
# The same fact to the same people again within this time is never meant: a double tap on
# "Send", two tabs, a script's retry. The second start is refused and names the first.
REPEAT_WITHIN_S = 600


class CampaignRepeated(Conflict):
    """This rumour's fact went to these subscribers moments ago (the campaign, when known)."""

    def __init__(self, campaign_id: int | None) -> None:
        which = f": campaign {campaign_id}" if campaign_id else ""
        super().__init__(f"this fact was sent to the same people less than 10 minutes ago{which}")
        self.campaign_id = campaign_id


def _repeat_key(rumour_key: str, city: str | None) -> str:
    return f"campaign-start:{rumour_key}:{city or '*'}"


async def check_campaign(
    session: AsyncSession, caller: Caller, *, rumour_key: str, city: str | None
) -> None:
    """Refuse a campaign that could not start: 403 for the role, 422 for what it names."""
    require(caller, Role.CITY_ADMIN)
    if await rumours.get_active(session, rumour_key) is None:
        raise InvalidInput("rumour_key must name an active rumour", reason="rumour")
    if city is not None and await get_city(session, city) is None:
        raise InvalidInput(f"unknown city {city!r}", reason="city")


async def start_campaign(
    session: AsyncSession, caller: Caller, redis: Redis, *, rumour_key: str, city: str | None
) -> Campaign:
    """Queue an active rumour's fact for its subscribers (of `city`, else all); city admins.

    A second start of the same fact for the same people within REPEAT_WITHIN_S raises
    CampaignRepeated: the claim is taken in Redis, atomically, before anything is written.
    """
    await check_campaign(session, caller, rumour_key=rumour_key, city=city)
    claim = _repeat_key(rumour_key, city)
    if not await redis.set(claim, "1", nx=True, ex=REPEAT_WITHIN_S):
        raise CampaignRepeated(await _latest(session, rumour_key, city))
    try:
        campaign = await campaigns.create(
            session, rumour_key=rumour_key, city=city,
            created_by=f"{caller.role.value}:{caller.account.name}",
        )  # fmt: skip
        await session.refresh(campaign)
    except BaseException:
        await redis.delete(claim)
        raise
    return campaign


async def _latest(session: AsyncSession, rumour_key: str, city: str | None) -> int | None:
    statement = select(Campaign.id).where(
        Campaign.rumour_key == rumour_key,
        Campaign.city.is_(None) if city is None else Campaign.city == city,
    )
    latest: int | None = await session.scalar(statement.order_by(Campaign.id.desc()).limit(1))
    return latest


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
