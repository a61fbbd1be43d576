"""Statistics tables from usage events: whole weeks, grouped, filtered, small counts suppressed."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from admin_api.stats.suppression import Key, suppress
from core.usage import FEEDBACK_OUTCOME, UsageEvent

TIME_DIMENSIONS = ("week", "month")
COLUMN_DIMENSIONS = (
    "city", "district", "category", "language", "channel", "outcome", "feedback",
)  # fmt: skip
DIMENSIONS = TIME_DIMENSIONS + COLUMN_DIMENSIONS
FILTERS = ("city", "category", "channel", "language")
MAX_GROUP_BY = 4
# Filters count too: a filter is a slice of the table grouped by its dimension (see below).
MAX_DIMENSIONS = 6
DEFAULT_WEEKS = 12
# Cells times slabs per cell: the work of suppression, bounded so one request stays short.
MAX_WORK = 3_000_000


class StatsQueryError(ValueError):
    """A statistics question that cannot be answered as asked."""


@dataclass(frozen=True, slots=True)
class Period:
    """Whole ISO weeks, Monday `start` to Sunday `end`, both included."""

    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its value in each dimension, and its count unless suppressed."""

    values: dict[str, str | None]
    count: int | None

    @property
    def suppressed(self) -> bool:
        """Tell whether the count is hidden."""
        return self.count is None


@dataclass(frozen=True, slots=True)
class Table:
    """A statistics answer: its cells in dimension order, and the total unless suppressed."""

    group_by: tuple[str, ...]
    period: Period
    min_count: int
    cells: list[Cell]
    total: int | None


def week_of(day: dt.date) -> str:
    """Return the ISO week of `day`, e.g. "2026-W48"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def month_of(day: dt.date) -> str:
    """Return the month of `day`'s ISO week, e.g. "2026-11": the month holding its Thursday.

    Months made of whole weeks add up exactly from weeks, and no answer splits a week.
    """
    thursday = day + dt.timedelta(days=4 - day.isoweekday())
    return f"{thursday.year}-{thursday.month:02d}"


def whole_weeks(start: dt.date | None, end: dt.date | None, *, today: dt.date) -> Period:
    """Widen a date range to whole ISO weeks and cut it at the last complete week.

    Whole weeks only: two ranges a day apart would otherwise tell one day's count. Complete
    weeks only: the current week's counts grow from day to day, and so would tell each day's.
    Without dates, the last `DEFAULT_WEEKS` complete weeks.
    """
    if start is not None and end is not None and start > end:
        raise StatsQueryError("`from` is after `to`")
    last_sunday = today - dt.timedelta(days=today.isoweekday())
    if end is None or end >= last_sunday:
        end = last_sunday
    else:
        end += dt.timedelta(days=7 - end.isoweekday())
    if start is None:
        start = last_sunday - dt.timedelta(weeks=DEFAULT_WEEKS) + dt.timedelta(days=1)
    else:
        start -= dt.timedelta(days=start.isoweekday() - 1)
    if start > end:
        raise StatsQueryError(
            f"no complete week in the range yet: the last complete week ended {last_sunday}"
        )
    return Period(start, end)


def _order(values: Sequence[str | None]) -> tuple[tuple[bool, str], ...]:
    return tuple((value is None, value or "") for value in values)


async def _counts(
    session: AsyncSession, dimensions: Sequence[str], period: Period
) -> dict[Key, int]:
    """Count events per combination of `dimensions` within `period`."""
    columns = [getattr(UsageEvent, name) for name in dimensions if name in COLUMN_DIMENSIONS]
    by_day = any(name in TIME_DIMENSIONS for name in dimensions)
    selected = [UsageEvent.day, *columns] if by_day else columns
    statement = select(*selected, func.count()).where(
        UsageEvent.day >= period.start, UsageEvent.day <= period.end
    )
    # Ratings are events of their own: counted when asked for, never as questions.
    if "feedback" in dimensions:
        statement = statement.where(UsageEvent.outcome == FEEDBACK_OUTCOME)
    else:
        statement = statement.where(UsageEvent.outcome != FEEDBACK_OUTCOME)
    if selected:
        statement = statement.group_by(*selected)
    counts: dict[Key, int] = {}
    for row in await session.execute(statement):
        *fields, count = row
        named: dict[str, Any] = dict(zip([c.key for c in selected], fields, strict=True))
        if by_day:
            named["week"], named["month"] = week_of(named["day"]), month_of(named["day"])
        key = tuple(named[name] for name in dimensions)
        counts[key] = counts.get(key, 0) + int(count)
    return counts


async def build_table(
    session: AsyncSession,
    *,
    group_by: Sequence[str],
    period: Period,
    filters: Mapping[str, str],
    min_count: int,
) -> Table:
    """Count events by `group_by` in `period`, keep the slice `filters` names, suppress.

    A filter is answered as a slice of the table grouped by the filter's dimension as well,
    suppressed as a whole: so the cells of "city=tangier" are exactly the Tangier cells of
    the table grouped by city, and filtering city by city cannot undo that table's rule.
    """
    dimensions = (*group_by, *(name for name in filters if name not in group_by))
    if len(dimensions) > MAX_DIMENSIONS:
        raise StatsQueryError(f"at most {MAX_DIMENSIONS} dimensions and filters together")
    counts = await _counts(session, dimensions, period)
    if len(counts) * (2 ** len(dimensions) - 1) > MAX_WORK:
        raise StatsQueryError("too fine a table: group by fewer dimensions or fewer weeks")
    # Suppression is plain Python work: off the event loop, so webhooks keep answering.
    hidden = await asyncio.to_thread(suppress, counts, min_count)
    where = [(dimensions.index(name), value) for name, value in filters.items()]
    width = len(group_by)
    cells: list[Cell] = []
    total = 0
    for key in sorted(counts, key=_order):
        if counts[key] <= 0 or any(key[index] != value for index, value in where):
            continue
        total += counts[key]
        values = dict(zip(group_by, key[:width], strict=True))
        cells.append(Cell(values, None if key in hidden else counts[key]))
    return Table(
        group_by=tuple(group_by),
        period=period,
        min_count=min_count,
        cells=cells,
        total=None if 0 < total < min_count else total,
    )


def by_count(table: Table, limit: int) -> Table:
    """Return the table's cells largest first, suppressed ones last, at most `limit`.

    Suppressed cells go last in key order, never by their hidden counts: an order would
    tell what the numbers do not.
    """
    shown = sorted(
        (c for c in table.cells if c.count is not None),
        key=lambda c: (-(c.count or 0), _order([c.values[d] for d in table.group_by])),
    )
    hidden = [c for c in table.cells if c.count is None]
    return Table(table.group_by, table.period, table.min_count, (shown + hidden)[:limit],
                 table.total)  # fmt: skip
