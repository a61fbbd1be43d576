"""Campaigns: the city team sends a rumour's fact to everyone who asked for facts.

Answers carry counts only (queued, sent, failed, skipped), never who received what.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from redis.asyncio import Redis

from admin_api.campaigns import service as rules
from admin_api.deps import CallerDep, RowId, SessionDep
from core import campaigns
from core.campaigns import Campaign
from services_directory.rumours.schemas import KEY_PATTERN

router = APIRouter(tags=["rumours"])


class CampaignIn(BaseModel):
    """Which rumour's fact to send, and to the subscribers of which city (else everyone)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    rumour_key: str = Field(pattern=KEY_PATTERN)
    city: str | None = Field(None, min_length=1, max_length=40)


class CampaignOut(BaseModel):
    """A campaign and how far its delivery got, in counts."""

    id: int
    rumour_key: str
    city: str | None
    status: Literal["sending", "done"]
    created_at: dt.datetime | None
    finished_at: dt.datetime | None
    queued: int
    sent: int
    failed: int
    skipped: int


async def _out(redis: Redis, campaign: Campaign) -> CampaignOut:
    counts = await rules.counts(redis, campaign)
    return CampaignOut(
        id=campaign.id, rumour_key=campaign.rumour_key, city=campaign.city,
        status="done" if campaign.status == campaigns.DONE else "sending",
        created_at=campaign.created_at, finished_at=campaign.finished_at, **counts,
    )  # fmt: skip


@router.post("/campaigns", status_code=201)
async def post_campaign(
    body: CampaignIn, caller: CallerDep, session: SessionDep, request: Request, response: Response
) -> CampaignOut:
    """Send an active rumour's fact to its subscribers (city admins); answer its id."""
    campaign = await rules.start_campaign(
        session, caller, request.app.state.redis, rumour_key=body.rumour_key, city=body.city
    )
    response.headers["Location"] = f"/api/v1/campaigns/{campaign.id}"
    return await _out(request.app.state.redis, campaign)


@router.get("/campaigns/{campaign_id}")
async def get_campaign(
    campaign_id: RowId, caller: CallerDep, session: SessionDep, request: Request
) -> CampaignOut:
    """Report a campaign's counts: queued, sent, failed and skipped."""
    campaign = await rules.read_campaign(session, caller, campaign_id)
    return await _out(request.app.state.redis, campaign)
