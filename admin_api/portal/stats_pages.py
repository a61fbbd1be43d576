"""The statistics inside the portal: the suppressed tables as bars and numbers, and CSV.

Every figure comes from `admin_api.stats.reading`, as the API's do: the same role check, the
same whole weeks, the same small-count suppression, computed in the statistics process.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from admin_api.deps import SessionDep, SettingsDep, require
from admin_api.errors import InvalidInput, NotFound
from admin_api.portal import i18n, labels
from admin_api.portal.auth import Signed, SignedDep
from admin_api.portal.pages import PortalRoute, render
from admin_api.stats import handovers, reading
from admin_api.stats.service import Table
from services_directory.cities.service import list_cities

router = APIRouter(route_class=PortalRoute, include_in_schema=False)
UNMET_LIMIT = 20
# Each chart is one grouping of the same suppressed weekly tables.
CHARTS = {
    "week": ("week",),
    "category": ("category",),
    "language": ("language",),
    "district": ("city", "district"),
}
CHART_TITLES = {
    "week": labels.N_("Questions per week"),
    "category": labels.N_("Questions per category"),
    "language": labels.N_("Questions per language"),
    "district": labels.N_("Questions per city and district"),
    "unmet": labels.N_("Needs that found no service"),
}


@dataclass(frozen=True, slots=True)
class Bar:
    """One row of a chart: what it counts, its count (None if hidden), its length in %."""

    label: str
    count: int | None
    percent: float


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart: its rows, and the query string that downloads it as CSV."""

    name: str
    bars: list[Bar]
    csv_query: str


@dataclass(frozen=True, slots=True)
class Asked:
    """The GET form's filters, read leniently: a bad value is shown back with an error."""

    start: dt.date | None
    end: dt.date | None
    filters: dict[str, str]
    values: dict[str, str]
    error: str | None
    reason: str | None = None


def _date(raw: str, name: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as error:
        raise InvalidInput(f"{name}: write a date as 2026-03-31", reason="date") from error


def _asked(request: Request, cities: set[str]) -> Asked:
    query = request.query_params
    values = {name: query.get(name, "").strip()[:40] for name in ("from", "to", "city", "category")}
    filters: dict[str, str] = {}
    try:
        start, end = _date(values["from"], "from"), _date(values["to"], "to")
        if values["city"]:
            if values["city"] not in cities:
                raise InvalidInput("city: choose one of the list", reason="city")
            filters["city"] = values["city"]
        if values["category"]:
            if values["category"] not in labels.CATEGORY_LABELS:
                raise InvalidInput("category: choose one of the list", reason="category")
            filters["category"] = values["category"]
    except InvalidInput as refused:
        return Asked(None, None, {}, values, refused.detail, refused.reason)
    return Asked(start, end, filters, values, None)


def _label(dimension: str, value: str | None, locale: str, city_names: dict[str, str]) -> str:
    translate = i18n.translations(locale).gettext
    if value is None:
        return translate(labels.N_("Not given"))
    if dimension == "category" and value in labels.CATEGORY_LABELS:
        return translate(labels.CATEGORY_LABELS[value])
    if dimension == "language":
        return i18n.LANGUAGES.get(value, value)
    if dimension == "city":
        return city_names.get(value, value)
    return value


def _chart(
    name: str, table: Table, locale: str, city_names: dict[str, str], query: dict[str, str]
) -> Chart:
    largest = max((cell.count or 0 for cell in table.cells), default=0)
    bars = [
        Bar(
            " · ".join(_label(d, cell.values[d], locale, city_names) for d in table.group_by),
            cell.count,
            round(100 * (cell.count or 0) / largest, 1) if largest else 0.0,
        )
        for cell in table.cells
    ]
    csv_query = urlencode({"chart": name, **{key: value for key, value in query.items() if value}})
    return Chart(name, bars, csv_query)


async def _charts(
    signed: Signed, settings: SettingsDep, session: SessionDep, asked: Asked, locale: str,
    city_names: dict[str, str],
) -> tuple[list[Chart], Table | None]:  # fmt: skip
    query = {key: asked.values[key] for key in ("from", "to", "city", "category")}
    charts: list[Chart] = []
    total: Table | None = None
    for name, group_by in CHARTS.items():
        table = await reading.read_table(
            signed.caller, settings, session, group_by=group_by, start=asked.start,
            end=asked.end, filters=asked.filters,
        )  # fmt: skip
        total = total or table
        charts.append(_chart(name, table, locale, city_names, query))
    unmet = await reading.read_unmet(
        signed.caller, settings, session, start=asked.start, end=asked.end,
        filters=asked.filters, limit=UNMET_LIMIT,
    )  # fmt: skip
    charts.append(_chart("unmet", unmet, locale, city_names, query))
    return charts, total


@router.get("/portal/statistics")
async def statistics_page(
    request: Request, signed: SignedDep, settings: SettingsDep, session: SessionDep
) -> Response:
    """Show the questions counted per week, category, language, district; unmet needs."""
    require(signed.caller, *reading.READERS)
    locale = i18n.chosen(request)
    cities = await list_cities(session)
    city_names = {city.id: city.display_name(locale) for city in cities}
    asked = _asked(request, set(city_names))
    context: dict[str, Any] = {
        "signed": signed, "csrf": signed.csrf, "values": asked.values, "cities": city_names,
        "categories": list(labels.CATEGORY_LABELS), "titles": CHART_TITLES,
        "error": asked.error, "error_said": labels.REFUSALS.get(asked.reason or ""),
        "charts": [], "period": None, "total": None,
        "min_count": settings.stats_min_count,
    }  # fmt: skip
    if asked.error is None:
        try:
            charts, table = await _charts(signed, settings, session, asked, locale, city_names)
        except InvalidInput as refused:
            context["error"] = refused.detail
            context["error_said"] = labels.REFUSALS.get(refused.reason or "")
        else:
            context.update(charts=charts, period=table.period if table else None,
                           total=table.total if table else None)  # fmt: skip
    context["handovers"] = await handovers.read(signed.caller, session, settings.stats_min_count)
    status = 422 if context["error"] else 200
    return render(request, "statistics.html", context, status=status)


@router.get("/portal/statistics.csv")
async def statistics_csv(
    request: Request, signed: SignedDep, settings: SettingsDep, session: SessionDep
) -> Response:
    """Download one chart's cells as CSV ("<5" where a count is hidden)."""
    require(signed.caller, *reading.READERS)
    cities = {city.id for city in await list_cities(session)}
    asked = _asked(request, cities)
    chart = request.query_params.get("chart", "week")
    if asked.error is not None:
        raise InvalidInput(asked.error, reason=asked.reason)
    if chart == "unmet":
        table = await reading.read_unmet(
            signed.caller, settings, session, start=asked.start, end=asked.end,
            filters=asked.filters, limit=UNMET_LIMIT,
        )  # fmt: skip
    elif chart in CHARTS:
        table = await reading.read_table(
            signed.caller, settings, session, group_by=CHARTS[chart], start=asked.start,
            end=asked.end, filters=asked.filters,
        )  # fmt: skip
    else:
        raise NotFound("no such chart")
    body, name = reading.csv_of(table)
    return Response(
        body, media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"',
                 "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )  # fmt: skip
