"""Reading statistics as a caller: the role check, whole weeks, the protected table, CSV.

Shared by the API and the portal's page, so both answer from the same suppressed tables.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from admin_api.accounts.models import Role
from admin_api.deps import Caller, require
from admin_api.errors import InvalidInput
from admin_api.stats.service import StatsQueryError, Table, build_table, by_count, whole_weeks
from core.settings import Settings
from services_directory.exchange.cells import neutralise

READERS = (Role.AUTHORITY, Role.CITY_ADMIN)
UNMET_GROUP_BY = ("city", "district", "category")


async def read_table(
    caller: Caller,
    settings: Settings,
    session: AsyncSession,
    *,
    group_by: Sequence[str],
    start: dt.date | None,
    end: dt.date | None,
    filters: Mapping[str, str],
) -> Table:
    """Return the suppressed table of `group_by` over whole weeks; 403/422 as the API says."""
    require(caller, *READERS)
    try:
        period = whole_weeks(start, end, today=dt.datetime.now(dt.UTC).date())
        return await build_table(
            session, group_by=group_by, period=period, filters=filters,
            min_count=settings.stats_min_count, cache_url=settings.redis_url,
        )  # fmt: skip
    except StatsQueryError as error:
        raise InvalidInput(str(error), reason=error.reason) from error


async def read_unmet(
    caller: Caller,
    settings: Settings,
    session: AsyncSession,
    *,
    start: dt.date | None,
    end: dt.date | None,
    filters: Mapping[str, str],
    limit: int,
) -> Table:
    """Return the top unmet needs: questions that found nothing, largest first."""
    table = await read_table(
        caller, settings, session, group_by=UNMET_GROUP_BY, start=start, end=end,
        filters={**filters, "outcome": "no_result"},
    )  # fmt: skip
    return by_count(table, limit)


def _csv_value(value: Any) -> str:
    return neutralise("" if value is None else str(value))


def csv_of(table: Table) -> tuple[str, str]:
    """Return the table as CSV (one column per dimension, then the count, "<k" if hidden),
    and its file name."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*table.group_by, "count"])
    for cell in table.cells:
        count = f"<{table.min_count}" if cell.count is None else str(cell.count)
        writer.writerow([*(_csv_value(cell.values[d]) for d in table.group_by), count])
    return buffer.getvalue(), f"dalil-stats-{table.period.start}-{table.period.end}.csv"
