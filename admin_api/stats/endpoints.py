"""Anonymous statistics for authorities and the city team: counts, CSV, unmet needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from admin_api.accounts.models import Role
from admin_api.deps import CallerDep, SessionDep, SettingsDep, require
from admin_api.errors import InvalidInput
from admin_api.listings.pages import Page, PageNumber, PerPage, page_of, paginate
from admin_api.stats import handovers
from admin_api.stats.reading import csv_of, read_table, read_unmet
from admin_api.stats.service import DIMENSIONS, MAX_GROUP_BY, Table
from core.unmet import UnmetQuestion

router = APIRouter(tags=["statistics"])

GroupBy = Annotated[
    list[Annotated[str, Field(max_length=200)]] | None,
    Query(
        description="dimensions, repeated or comma-separated: " + ", ".join(DIMENSIONS)
        + f" (at most {MAX_GROUP_BY}; week or month, not both; default week). With "
        "`feedback`, ratings are counted instead of questions."
    ),
]  # fmt: skip
From = Annotated[
    dt.date | None,
    Query(alias="from", description="first day (widened to its Monday); default 12 weeks ago"),
]
To = Annotated[
    dt.date | None,
    Query(description="last day (widened to its Sunday; at most the last complete week)"),
]
City = Annotated[str | None, Query(max_length=40)]
Category = Annotated[str | None, Query(max_length=24)]
Channel = Annotated[str | None, Query(max_length=16)]
Language = Annotated[str | None, Query(max_length=8)]
Limit = Annotated[int, Query(ge=1, le=500)]


class StatsOut(BaseModel):
    """Counts per cell; a suppressed cell has `count` null and `suppressed` true."""

    model_config = ConfigDict(populate_by_name=True)

    group_by: list[str]
    from_: dt.date = Field(alias="from")
    to: dt.date
    min_count: int
    cells: list[dict[str, str | int | bool | None]]
    total: int | None


class UnmetQuestionOut(BaseModel):
    """A kept question, scrubbed of names, numbers and addresses."""

    id: int
    day: dt.date
    city: str | None
    language: str
    text: str


def _dimensions(raw: list[str] | None) -> list[str]:
    raw = raw or ["week"]
    names = [part.strip() for item in raw for part in item.split(",") if part.strip()]
    unknown = sorted({name for name in names if name not in DIMENSIONS})
    if unknown:
        raise InvalidInput(f"group_by: unknown {', '.join(unknown)}; use {', '.join(DIMENSIONS)}")
    names = list(dict.fromkeys(names))
    if not names:
        raise InvalidInput("group_by: name at least one dimension")
    if len(names) > MAX_GROUP_BY:
        raise InvalidInput(f"group_by: at most {MAX_GROUP_BY} dimensions")
    if {"week", "month"} <= set(names):
        raise InvalidInput("group_by: week or month, not both")
    return names


@dataclass(frozen=True, slots=True)
class _Slice:
    """The period and the filters every statistics endpoint takes from its query string."""

    start: dt.date | None
    end: dt.date | None
    filters: dict[str, str]


def _slice(
    from_: From = None,
    to: To = None,
    city: City = None,
    category: Category = None,
    channel: Channel = None,
    language: Language = None,
) -> _Slice:
    values = {"city": city, "category": category, "channel": channel, "language": language}
    return _Slice(from_, to, {name: value for name, value in values.items() if value is not None})


SliceDep = Annotated[_Slice, Depends(_slice)]


def _out(table: Table) -> StatsOut:
    return StatsOut(
        group_by=list(table.group_by),
        from_=table.period.start,
        to=table.period.end,
        min_count=table.min_count,
        cells=[{**c.values, "count": c.count, "suppressed": c.suppressed} for c in table.cells],
        total=table.total,
    )


class HandoverStatsOut(BaseModel):
    """The conversations handed over to volunteers; a count below `min_count` is null."""

    min_count: int
    total: int | None
    open: int | None
    closed_by_volunteer: int | None
    ended_by_person: int | None
    forgotten: int | None
    expired: int | None
    median_minutes_to_first_answer: int | None
    helped: int | None
    not_helped: int | None


@router.get("/stats/handovers")
async def handover_stats(
    caller: CallerDep, settings: SettingsDep, session: SessionDep
) -> HandoverStatsOut:
    """Count the handovers, how they ended, the median wait for a first answer, and the 👍/👎
    people gave after them (not counted in `/stats`' ratings). Never a text."""
    figures = await handovers.read(caller, session, settings.stats_min_count)
    median = figures.pop("median_minutes")
    return HandoverStatsOut(
        min_count=settings.stats_min_count, median_minutes_to_first_answer=median, **figures
    )


@router.get("/stats")
async def stats(
    caller: CallerDep,
    settings: SettingsDep,
    session: SessionDep,
    part: SliceDep,
    group_by: GroupBy = None,
) -> StatsOut:
    """Count questions (or ratings) per cell of `group_by`, over whole ISO weeks.

    Cells with fewer than `min_count` events are suppressed, and so are as many others as it
    takes for no row, column or total to give one of them away (see the README). Cells with
    no events are left out. Weeks read "2026-W48"; months "2026-11" (weeks counted in the
    month of their Thursday).
    """
    table = await read_table(
        caller, settings, session, group_by=_dimensions(group_by), start=part.start,
        end=part.end, filters=part.filters,
    )  # fmt: skip
    return _out(table)


@router.get("/stats.csv")
async def stats_csv(
    caller: CallerDep,
    settings: SettingsDep,
    session: SessionDep,
    part: SliceDep,
    group_by: GroupBy = None,
) -> Response:
    """The cells of `/stats` as CSV: one column per dimension, then the count ("<5" if hidden)."""
    table = await read_table(
        caller, settings, session, group_by=_dimensions(group_by), start=part.start,
        end=part.end, filters=part.filters,
    )  # fmt: skip
    body, name = csv_of(table)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/stats/unmet")
async def unmet_needs(
    caller: CallerDep,
    settings: SettingsDep,
    session: SessionDep,
    part: SliceDep,
    limit: Limit = 20,
) -> StatsOut:
    """Top unmet needs: questions with no service found, per city, district and category.

    The same suppression as `/stats` (this is its table grouped by city, district, category
    and outcome, sliced at `no_result`); largest first, suppressed cells last.
    """
    table = await read_unmet(
        caller, settings, session, start=part.start, end=part.end, filters=part.filters,
        limit=limit,
    )  # fmt: skip
    return _out(table)


@router.get("/stats/unmet_questions")
async def unmet_questions(
    caller: CallerDep,
    session: SessionDep,
    page: PageNumber = 1,
    per_page: PerPage = 25,
    city: City = None,
    language: Language = None,
) -> Page:
    """The scrubbed texts of unanswered questions, newest first (city admins, for the NLU team).

    Empty unless `KEEP_UNMET_QUESTIONS` is on; each is kept `UNMET_RETENTION_DAYS` days.
    """
    require(caller, Role.CITY_ADMIN)
    statement = select(UnmetQuestion).order_by(UnmetQuestion.day.desc(), UnmetQuestion.id.desc())
    if city:
        statement = statement.where(UnmetQuestion.city == city)
    if language:
        statement = statement.where(UnmetQuestion.language == language)
    rows, total = await paginate(session, statement, page=page, per_page=per_page)
    contents = [
        UnmetQuestionOut(id=q.id, day=q.day, city=q.city, language=q.language, text=q.text)
        .model_dump(mode="json")
        for q in rows
    ]  # fmt: skip
    return page_of(contents, total=total, page=page, per_page=per_page)
