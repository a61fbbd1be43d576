"""An association's own unmet needs: the city-wide table, kept to its cities and categories.

The figures are the cells of `/stats/unmet` (the same protected weekly tables, the same
suppression), of the cities and categories the association has services in. A subset of a
published table tells nothing the whole would not; questions' texts are never read here.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from admin_api.accounts.models import Role
from admin_api.deps import Caller, require
from admin_api.stats.reading import UNMET_GROUP_BY
from admin_api.stats.service import Table, build_table, by_count, whole_weeks
from services_directory.listings.models import Location, Service, ServiceAtLocation

# Every cell a city's unmet needs table can have is small: this bounds the page, not the data.
MAX_CELLS = 500


async def own_places(session: AsyncSession, caller: Caller) -> set[tuple[str, str]]:
    """Return the (city, category) pairs of the caller's association's services."""
    require(caller, Role.ASSOCIATION)
    rows = await session.execute(
        select(Location.city_id, Service.category)
        .join(ServiceAtLocation, ServiceAtLocation.location_id == Location.id)
        .join(Service, Service.id == ServiceAtLocation.service_id)
        .where(Service.organization_id == caller.organization_id)
        .distinct()
    )
    return {(city, category) for city, category in rows.tuples()}


async def own_unmet(
    session: AsyncSession,
    caller: Caller,
    *,
    min_count: int,
    cache_url: str | None,
    today: dt.date,
) -> Table:
    """Return the unmet needs in the association's cities and categories, largest first."""
    places = await own_places(session, caller)
    period = whole_weeks(None, None, today=today)
    table = await build_table(
        session, group_by=UNMET_GROUP_BY, period=period, filters={"outcome": "no_result"},
        min_count=min_count, cache_url=cache_url,
    )  # fmt: skip
    cells = [
        cell for cell in table.cells
        if (cell.values["city"], cell.values["category"]) in places
    ]  # fmt: skip
    # The city-wide total is not the association's: it is left out.
    return by_count(Table(table.group_by, table.period, min_count, cells, None), MAX_CELLS)
