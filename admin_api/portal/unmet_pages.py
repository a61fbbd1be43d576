"""What people asked in the association's categories and cities that found nothing (counts)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from admin_api.deps import SessionDep
from admin_api.portal import i18n
from admin_api.portal.auth import SignedDep
from admin_api.portal.pages import PortalRoute, render
from admin_api.stats.scoped import own_unmet
from admin_api.stats.service import StatsQueryError
from services_directory.cities.service import list_cities

router = APIRouter(route_class=PortalRoute, include_in_schema=False)
# When to ask again for figures that took too long to count.
RETRY_AFTER_S = 120


@router.get("/portal/unmet")
async def unmet_page(request: Request, signed: SignedDep, session: SessionDep) -> Response:
    """Show the suppressed counts of questions with no service, in the association's scope."""
    settings = request.app.state.settings
    try:
        table = await own_unmet(
            session, signed.caller, min_count=settings.stats_min_count,
            cache_url=settings.redis_url, today=dt.datetime.now(dt.UTC).date(),
        )  # fmt: skip
    except StatsQueryError:
        # Past the statistics process's time limit (a busy city's 12 weeks): the weeks it
        # finished are kept, so the same page asked again later goes on from there.
        context = {"signed": signed, "csrf": signed.csrf, "slow": True}
        page = render(request, "unmet.html", context, status=503)
        page.headers["Retry-After"] = str(RETRY_AFTER_S)
        return page
    locale = i18n.chosen(request)
    cities = {c.id: c.names.get(locale) or c.names.get("en") or c.id
              for c in await list_cities(session)}  # fmt: skip
    period = table.period
    start, end = (i18n.long_date(day, locale) for day in (period.start, period.end))
    context = {
        "signed": signed, "csrf": signed.csrf, "table": table, "cities": cities,
        "start": start, "end": end,
    }  # fmt: skip
    return render(request, "unmet.html", context)
