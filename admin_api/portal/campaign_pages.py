"""Campaigns in the portal: send a rumour's fact to those who asked for facts, see its counts.

Through `admin_api.campaigns.service`, as the API: the city team starts campaigns, the city
team and authorities read their counts (queued, sent, failed, skipped), never who got what.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from admin_api.accounts.models import Role
from admin_api.campaigns import service as rules
from admin_api.deps import RowId, SessionDep
from admin_api.errors import InvalidInput
from admin_api.portal import i18n
from admin_api.portal.auth import Signed, SignedDep
from admin_api.portal.kept import KeptFormDep
from admin_api.portal.labels import REFUSALS
from admin_api.portal.pages import PageError, PortalRoute, render, see_other
from core.campaigns import DONE, Campaign
from services_directory.cities.service import list_cities
from services_directory.rumours import service as rumours

router = APIRouter(route_class=PortalRoute, include_in_schema=False)
RECENT = 20


async def _shown(request: Request, campaign: Campaign) -> dict[str, Any]:
    counts = await rules.counts(request.app.state.redis, campaign)
    # Queued but not yet accounted for: on its way to the platform, or waiting for a retry.
    waiting = counts["queued"] - counts["sent"] - counts["failed"] - counts["skipped"]
    return {"campaign": campaign, "done": campaign.status == DONE, "waiting": max(waiting, 0),
            **counts}  # fmt: skip


async def _page(
    request: Request, signed: Signed, session: SessionDep, *, error: InvalidInput | None = None,
    values: dict[str, str] | None = None, status: int = 200,
) -> Response:  # fmt: skip
    locale = i18n.chosen(request)
    listed = await rules.recent_campaigns(session, signed.caller, limit=RECENT)
    offered = await rumours.list_rumours(session, active_only=True)
    titles = {r.key: r.title(locale) for r in await rumours.list_rumours(session)}
    context = {
        "signed": signed, "csrf": signed.csrf, "values": values or {},
        # Said in the reader's language when the refusal is named, else its English detail.
        "error": error.detail if error else None,
        "error_said": REFUSALS.get(error.reason or "") if error else None,
        "can_start": signed.caller.role is Role.CITY_ADMIN,
        "rumours": [(r.key, r.title(locale)) for r in offered], "titles": titles,
        "cities": {c.id: c.display_name(locale) for c in await list_cities(session)},
        "campaigns": [await _shown(request, c) for c in listed],
        "notice": request.query_params.get("notice"),
    }  # fmt: skip
    return render(request, "campaigns.html", context, status=status)


@router.get("/portal/campaigns")
async def campaigns_page(request: Request, signed: SignedDep, session: SessionDep) -> Response:
    """Show the form that starts a campaign, and the latest campaigns with their counts."""
    return await _page(request, signed, session)


@router.post("/portal/campaigns")
async def start_campaign(
    request: Request, signed_form: KeptFormDep, session: SessionDep
) -> Response:
    """Ask to confirm the campaign; once confirmed, queue it (the broadcaster sends it) and
    show its counts."""
    # Sent after the session ended, the choice comes back in the form of the campaigns page,
    # which has no `confirmed`: the confirmation is asked again before anything is queued.
    signed, form = signed_form
    rumour_key = form.get("rumour_key", "").strip()[:40]
    city = form.get("city", "").strip()[:40] or None
    try:
        if form.get("confirmed") != "yes":
            # A message to many people cannot be taken back: say what goes to whom, first.
            await rules.check_campaign(session, signed.caller, rumour_key=rumour_key, city=city)
            return await _confirm(request, signed, session, rumour_key, city)
        campaign = await rules.start_campaign(
            session, signed.caller, request.app.state.redis, rumour_key=rumour_key, city=city
        )
    except rules.CampaignRepeated as repeated:
        # A second tap on "Send": the campaign the first one started, not another.
        if repeated.campaign_id is None:
            return see_other("/portal/campaigns?notice=repeated")
        return see_other(f"/portal/campaigns/{repeated.campaign_id}?notice=repeated")
    except InvalidInput as refused:
        page = await _page(request, signed, session, error=refused, values=form, status=422)
        raise PageError(page) from refused
    return see_other(f"/portal/campaigns/{campaign.id}?notice=started")


async def _confirm(
    request: Request, signed: Signed, session: SessionDep, rumour_key: str, city: str | None
) -> Response:
    locale = i18n.chosen(request)
    rumour = await rumours.get_active(session, rumour_key)
    cities = {c.id: c.display_name(locale) for c in await list_cities(session)}
    context = {
        "signed": signed, "csrf": signed.csrf, "rumour_key": rumour_key, "city_id": city or "",
        "city": cities.get(city) if city else None,
        "title": rumour.title(locale) if rumour else rumour_key,
        "fact": rumour.fact(locale) if rumour else "",
    }  # fmt: skip
    return render(request, "campaign_confirm.html", context)


@router.get("/portal/campaigns/{campaign_id}")
async def campaign_page(
    campaign_id: RowId, request: Request, signed: SignedDep, session: SessionDep
) -> Response:
    """Show how far a campaign got: queued, sent, failed, skipped."""
    campaign = await rules.read_campaign(session, signed.caller, campaign_id)
    rumour = await rumours.get_rumour(session, campaign.rumour_key)
    locale = i18n.chosen(request)
    context = {
        "signed": signed, "csrf": signed.csrf, **await _shown(request, campaign),
        "title": rumour.title(locale) if rumour else campaign.rumour_key,
        "city": next((c.display_name(locale) for c in await list_cities(session)
                      if c.id == campaign.city), None),
        "notice": request.query_params.get("notice"),
    }  # fmt: skip
    return render(request, "campaign.html", context)
