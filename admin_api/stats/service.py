"""Statistics tables from usage events: whole weeks, grouped, filtered, small counts suppressed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from admin_api.stats import pool
from admin_api.stats.suppression import Key, Protection
from admin_api.stats.weeks import protect_weeks
from core.usage import FEEDBACK_OUTCOME, HANDOVER_INTENT, UsageEvent

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
# Fine cells over the weeks asked for: each week's table is protected once (then cached), at
# a cost growing faster than its number of fine cells, so one request is bounded.
MAX_FINE_CELLS = 60_000
# And in time: the work runs in a process of its own (see `pool`), killed past this.
TIME_LIMIT_SECONDS = 20.0


class StatsQueryError(ValueError):
    """A statistics question that cannot be answered as asked; `reason` names it for the
    portal, which says it in the reader's language (`admin_api.portal.labels.REFUSALS`)."""

    def __init__(self, detail: str, *, reason: str | None = None) -> None:
        super().__init__(detail)
        self.reason = reason


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
        raise StatsQueryError("`from` is after `to`", reason="period_order")
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
            f"no complete week in the range yet: the last complete week ended {last_sunday}",
            reason="period_empty",
        )
    return Period(start, end)


def _order(values: Sequence[str | None]) -> tuple[tuple[bool, str], ...]:
    return tuple((value is None, value or "") for value in values)


async def _fine_counts(
    session: AsyncSession, period: Period, *, ratings: bool
) -> dict[dt.date, dict[Key, int]]:
    """Count events per week (its Monday) and fine cell, within `period`."""
    columns = [getattr(UsageEvent, name) for name in COLUMN_DIMENSIONS]
    statement = (
        select(UsageEvent.day, *columns, func.count())
        .where(UsageEvent.day >= period.start, UsageEvent.day <= period.end)
        .group_by(UsageEvent.day, *columns)
    )
    # Ratings are events of their own: counted when asked for, never as questions. The
    # ratings of a volunteer's help are the handovers' figures (handoff.figures), not the bot's.
    if ratings:
        statement = statement.where(
            UsageEvent.outcome == FEEDBACK_OUTCOME, UsageEvent.intent != HANDOVER_INTENT
        )
    else:
        statement = statement.where(UsageEvent.outcome != FEEDBACK_OUTCOME)
    weeks: dict[dt.date, dict[Key, int]] = {}
    for day, *values, count in await session.execute(statement):
        week = weeks.setdefault(day - dt.timedelta(days=day.isoweekday() - 1), {})
        key = tuple(values)
        week[key] = week.get(key, 0) + int(count)
    return weeks


async def _protected(
    fine: dict[dt.date, dict[Key, int]], min_count: int, cache_url: str | None
) -> list[Week]:
    """Protect each week's table in the statistics process, within the time limit."""
    try:
        tables = await pool.run(
            protect_weeks, fine, min_count, cache_url, time_limit=TIME_LIMIT_SECONDS
        )
    except (TimeoutError, pool.WorkAbandoned) as error:
        raise StatsQueryError(
            f"the statistics took longer than {TIME_LIMIT_SECONDS:g} s: ask for fewer weeks",
            reason="period_long",
        ) from error
    return [Week(monday, table) for monday, table in tables.items()]


@dataclass(frozen=True, slots=True)
class Week:
    """One week's protected table."""

    monday: dt.date
    table: Protection

    def figures(self, dimensions: Sequence[str]) -> dict[Key, tuple[int, int]]:
        """Return each cell of `dimensions` this week: its figure and its count."""
        time = [name for name in dimensions if name in TIME_DIMENSIONS]
        label = {"week": week_of, "month": month_of}[time[0]](self.monday) if time else ""
        kept = [COLUMN_DIMENSIONS.index(name) for name in dimensions if name not in time]
        cells: dict[Key, tuple[int, int]] = {}
        for index, key in enumerate(self.table.keys):
            values = iter(key[position] for position in kept)
            cell = tuple(label if name in time else next(values) for name in dimensions)
            bits, count = cells.get(cell, (0, 0))
            cells[cell] = (bits | 1 << index, count + self.table.counts[index])
        return cells


def _combine(
    weeks: Sequence[Week], dimensions: Sequence[str], where: Mapping[str, str]
) -> tuple[dict[Key, int | None], dict[Key, int]]:
    """Sum each cell over the weeks: None once one week's figure of it is hidden."""
    shown: dict[Key, int | None] = {}
    counts: dict[Key, int] = {}
    places = [(dimensions.index(name), value) for name, value in where.items()]
    for week in weeks:
        for cell, (bits, count) in week.figures(dimensions).items():
            if any(cell[index] != value for index, value in places):
                continue
            counts[cell] = counts.get(cell, 0) + count
            before = shown.get(cell, 0)
            hidden = before is None or bits in week.table.hidden
            shown[cell] = None if hidden else (before or 0) + count
    return shown, counts


async def build_table(
    session: AsyncSession,
    *,
    group_by: Sequence[str],
    period: Period,
    filters: Mapping[str, str],
    min_count: int,
    cache_url: str | None = None,
) -> Table:
    """Count events by `group_by` in `period`, keep the slice `filters` names, suppress.

    Every figure comes from the protected weekly tables (see `suppression`): a cell of a
    longer period is the sum of its weeks' figures, shown only if each of them is shown, so
    no two periods, groupings or filters can be subtracted to find a hidden one. Each week's
    protection is kept in Redis at `cache_url`, if given (see `weeks`).
    """
    dimensions = (*group_by, *(name for name in filters if name not in group_by))
    if len(dimensions) > MAX_DIMENSIONS:
        raise StatsQueryError(f"at most {MAX_DIMENSIONS} dimensions and filters together")
    fine = await _fine_counts(session, period, ratings="feedback" in dimensions)
    if sum(len(counts) for counts in fine.values()) > MAX_FINE_CELLS:
        raise StatsQueryError(
            "too many weeks at once: ask for a shorter period", reason="period_long"
        )
    weeks = await _protected(fine, min_count, cache_url)
    shown, counts = _combine(weeks, dimensions, filters)
    width = len(group_by)
    cells = [
        Cell(dict(zip(group_by, key[:width], strict=True)), shown[key])
        for key in sorted(counts, key=_order)
    ]
    totals, _ = _combine(weeks, tuple(filters), filters)
    total = totals.get(tuple(filters.values()), 0)
    return Table(tuple(group_by), period, min_count, cells, total)


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
