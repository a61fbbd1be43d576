"""Statistics API and page: roles, suppression on real events, CSV, unmet needs, the page."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from admin_api.accounts.models import Role
from core import usage
from core.unmet import UnmetQuestion
from tests.helpers.api import Api

# Weeks of 2025: complete, and cleared around each test.
W10 = dt.date(2025, 3, 3)  # Monday of 2025-W10
W20 = dt.date(2025, 5, 12)
W30 = dt.date(2025, 7, 21)
W40 = dt.date(2025, 9, 29)
W48 = dt.date(2025, 11, 24)


def _week(monday: dt.date) -> dict[str, str]:
    return {"from": monday.isoformat(), "to": (monday + dt.timedelta(days=6)).isoformat()}


@pytest.fixture(autouse=True)
async def _no_events_of_2025(pg_engine: AsyncEngine) -> AsyncIterator[None]:
    """Events are committed (the app reads them on its own connections): clear them around."""

    async def clear() -> None:
        async with AsyncSession(pg_engine) as session, session.begin():
            await session.execute(
                delete(usage.UsageEvent).where(
                    usage.UsageEvent.day.between(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
                )
            )

    await clear()
    yield
    await clear()


async def _record(engine: AsyncEngine, day: dt.date, times: int, **fields: Any) -> None:
    """Write `times` events through core.usage.record, committed as the worker would."""
    values: dict[str, Any] = {
        "channel": "telegram", "language": "ar", "intent": "find_health", "outcome": "results",
    }  # fmt: skip
    values.update(fields)
    async with AsyncSession(engine) as session, session.begin():
        for _ in range(times):
            await usage.record(session, today=day, **values)


async def _authority(api: Api) -> dict[str, str]:
    return await api.account(Role.AUTHORITY)


# Roles ------------------------------------------------------------------------------------


async def test_authorities_and_city_admins_read_statistics_associations_do_not(api: Api) -> None:
    authority, admin = await api.account(Role.AUTHORITY), await api.account(Role.CITY_ADMIN)
    association = await api.account(Role.ASSOCIATION, await api.organization())
    for path in ("/api/v1/stats", "/api/v1/stats.csv", "/api/v1/stats/unmet"):
        for allowed in (authority, admin):
            assert (await api.client.get(path, headers=allowed)).status_code == 200, path
        refused = await api.client.get(path, headers=association)
        assert refused.status_code == 403
        assert refused.json()["error"] == "forbidden"
        anonymous = await api.client.get(path)
        assert anonymous.status_code == 401
        assert anonymous.json()["error"] == "unauthorized"


async def test_only_city_admins_read_the_kept_questions(api: Api) -> None:
    path = "/api/v1/stats/unmet_questions"
    assert (await api.client.get(path)).status_code == 401
    for role in (Role.AUTHORITY, Role.ASSOCIATION):
        org = await api.organization() if role is Role.ASSOCIATION else None
        headers = await api.account(role, org)
        assert (await api.client.get(path, headers=headers)).status_code == 403
    admin = await api.account(Role.CITY_ADMIN)
    async with AsyncSession(api.engine) as session, session.begin():
        for text in ("I need a dentist for [name]", "où trouver un avocat ?"):
            session.add(UnmetQuestion(day=W48, city="stats-test", language="en", text=text))
    try:
        page = await api.client.get(path, params={"city": "stats-test"}, headers=admin)
        assert page.status_code == 200
        body = page.json()
        assert body["total_items"] == 2
        assert {q["text"] for q in body["contents"]} == {
            "I need a dentist for [name]",
            "où trouver un avocat ?",
        }
        assert set(body["contents"][0]) == {"id", "day", "city", "language", "text"}
    finally:
        async with AsyncSession(api.engine) as session, session.begin():
            await session.execute(delete(UnmetQuestion).where(UnmetQuestion.city == "stats-test"))


# Suppression on real events ---------------------------------------------------------------

TRUTH = {
    ("tangier", "health"): 30, ("tangier", "legal"): 12, ("tangier", "housing"): 20,
    ("lyon", "health"): 25, ("lyon", "legal"): 2, ("lyon", "housing"): 15,
}  # fmt: skip


async def _city_category_week(api: Api) -> None:
    for (city, category), times in TRUTH.items():
        await _record(api.engine, W10 + dt.timedelta(days=2), times, city=city,
                      category=category, intent=f"find_{category}")  # fmt: skip


def _hidden_per_line(cells: list[dict[str, Any]], dimension: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for cell in cells:
        lines[cell[dimension]] = lines.get(cell[dimension], 0) + cell["suppressed"]
    return lines


async def test_a_small_count_is_hidden_and_no_total_gives_it_away(api: Api) -> None:
    await _city_category_week(api)
    headers = await _authority(api)
    response = await api.client.get(
        "/api/v1/stats", params={"group_by": "city,category", **_week(W10)}, headers=headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["group_by"] == ["city", "category"]
    assert (body["from"], body["to"], body["min_count"]) == ("2025-03-03", "2025-03-09", 5)
    cells = {(c["city"], c["category"]): c for c in body["cells"]}
    assert set(cells) == set(TRUTH)
    assert cells[("lyon", "legal")] == {
        "city": "lyon", "category": "legal", "count": None, "suppressed": True,
    }  # fmt: skip
    for key, cell in cells.items():
        assert cell["suppressed"] is (cell["count"] is None)
        assert cell["count"] in (None, TRUTH[key])
    # The total is shown (104), and what it leaves unexplained spans two or more hidden cells.
    assert body["total"] == sum(TRUTH.values())
    assert sum(c["suppressed"] for c in cells.values()) >= 2
    # So do the row and column totals, which the same question grouped by city or category
    # shows: no row or column holds exactly one hidden cell.
    for dimension in ("city", "category"):
        assert 1 not in _hidden_per_line(body["cells"], dimension).values(), dimension
        coarse = await api.client.get(
            "/api/v1/stats", params={"group_by": dimension, **_week(W10)}, headers=headers
        )
        assert all(c["count"] is not None for c in coarse.json()["cells"])


async def test_a_filter_answers_the_same_cells_as_the_grouped_table(api: Api) -> None:
    await _city_category_week(api)
    headers = await _authority(api)
    grouped = await api.client.get(
        "/api/v1/stats",
        params=[("group_by", "category"), ("group_by", "city"), *_week(W10).items()],
        headers=headers,
    )
    lyon = {c["category"]: c["count"] for c in grouped.json()["cells"] if c["city"] == "lyon"}
    filtered = await api.client.get(
        "/api/v1/stats",
        params={"group_by": "category", "city": "lyon", **_week(W10)},
        headers=headers,
    )
    body = filtered.json()
    assert {c["category"]: c["count"] for c in body["cells"]} == lyon
    assert lyon["legal"] is None
    assert body["total"] == 42


async def test_weeks_and_months_are_whole_iso_weeks(api: Api) -> None:
    # Wednesday of 2025-W48 (its Thursday is in November), Monday of W49 (in December).
    await _record(api.engine, dt.date(2025, 11, 26), 6, city="vienna", category="jobs")
    await _record(api.engine, dt.date(2025, 12, 1), 7, city="vienna", category="jobs")
    headers = await _authority(api)
    span = {"from": "2025-11-26", "to": "2025-12-02", "city": "vienna"}
    weekly = (await api.client.get("/api/v1/stats", params=span, headers=headers)).json()
    assert (weekly["from"], weekly["to"]) == ("2025-11-24", "2025-12-07")
    assert [(c["week"], c["count"]) for c in weekly["cells"]] == [
        ("2025-W48", 6),
        ("2025-W49", 7),
    ]
    monthly = await api.client.get(
        "/api/v1/stats", params={**span, "group_by": "month"}, headers=headers
    )
    assert [(c["month"], c["count"]) for c in monthly.json()["cells"]] == [
        ("2025-11", 6),
        ("2025-12", 7),
    ]


async def test_the_default_period_is_the_last_twelve_complete_weeks(api: Api) -> None:
    body = (await api.client.get("/api/v1/stats", headers=await _authority(api))).json()
    start, end = dt.date.fromisoformat(body["from"]), dt.date.fromisoformat(body["to"])
    today = dt.datetime.now(dt.UTC).date()
    assert start.isoweekday() == 1
    assert end.isoweekday() == 7
    assert (end - start).days == 12 * 7 - 1
    assert 0 < (today - end).days <= 7
    assert body["group_by"] == ["week"]


@pytest.mark.parametrize(
    "params",
    [
        {"group_by": "nope"},
        {"group_by": "week,month"},
        {"group_by": "city,district,category,language,channel"},
        {"group_by": ","},
        {"from": "2025-03-09", "to": "2025-03-03"},
        {"from": "2999-01-01"},
        {
            "group_by": "week,district,outcome,feedback",
            "channel": "x",
            "language": "y",
            "city": "z",
        },
    ],
)
async def test_questions_that_cannot_be_answered_are_422(api: Api, params: dict[str, str]) -> None:
    response = await api.client.get("/api/v1/stats", params=params, headers=await _authority(api))
    assert response.status_code == 422, params
    assert response.json()["error"] in {"invalid", "validation_error"}


async def test_extreme_dates_are_answered_not_crashed_on(api: Api) -> None:
    headers = await _authority(api)
    for params in ({"from": "0001-01-01", "to": "9999-12-31"}, {"from": "0001-01-02"}):
        response = await api.client.get("/api/v1/stats", params=params, headers=headers)
        assert response.status_code == 200, response.text
    assert response.json()["from"] == "0001-01-01"


async def test_ratings_are_counted_apart_from_questions(api: Api) -> None:
    day = W20 + dt.timedelta(days=1)
    await _record(api.engine, day, 7, city="madrid", category="health")
    await _record(api.engine, day, 6, city="madrid", category="health",
                  outcome=usage.FEEDBACK_OUTCOME, feedback="up")  # fmt: skip
    await _record(api.engine, day, 5, city="madrid", category="health",
                  outcome=usage.FEEDBACK_OUTCOME, feedback="down")  # fmt: skip
    headers = await _authority(api)
    questions = await api.client.get(
        "/api/v1/stats", params={"group_by": "category", **_week(W20)}, headers=headers
    )
    assert [(c["category"], c["count"]) for c in questions.json()["cells"]] == [("health", 7)]
    ratings = await api.client.get(
        "/api/v1/stats", params={"group_by": "feedback", **_week(W20)}, headers=headers
    )
    assert [(c["feedback"], c["count"]) for c in ratings.json()["cells"]] == [
        ("down", 5),
        ("up", 6),
    ]


async def test_ratings_of_a_volunteer_are_the_handovers_figures_not_the_bots(api: Api) -> None:
    day = W20 + dt.timedelta(days=2)
    helped = {"intent": usage.HANDOVER_INTENT, "outcome": usage.FEEDBACK_OUTCOME}
    await _record(api.engine, day, 6, city="madrid", outcome=usage.FEEDBACK_OUTCOME,
                  feedback="up")  # fmt: skip
    headers = await _authority(api)
    before = await api.client.get("/api/v1/stats/handovers", headers=headers)
    assert before.status_code == 200, before.text
    await _record(api.engine, day, 7, city="madrid", feedback="up", **helped)
    await _record(api.engine, day, 5, city="madrid", feedback="down", **helped)

    ratings = await api.client.get(
        "/api/v1/stats", params={"group_by": "feedback", **_week(W20)}, headers=headers
    )
    assert [(c["feedback"], c["count"]) for c in ratings.json()["cells"]] == [("up", 6)]
    after = (await api.client.get("/api/v1/stats/handovers", headers=headers)).json()
    assert (after["helped"] or 0) - (before.json()["helped"] or 0) == 7
    assert (after["not_helped"] or 0) - (before.json()["not_helped"] or 0) == 5
    assert set(after) == {
        "min_count", "total", "open", "closed_by_volunteer", "ended_by_person", "forgotten",
        "expired", "median_minutes_to_first_answer", "helped", "not_helped",
    }, "counts and times only, never a text"  # fmt: skip
    refused = await api.client.get("/api/v1/stats/handovers")
    assert refused.status_code == 401
    assert set(refused.json()) == {"error", "detail"}


# CSV --------------------------------------------------------------------------------------


async def test_csv_has_the_same_cells_with_hidden_counts_as_text(api: Api) -> None:
    await _city_category_week(api)
    headers = await _authority(api)
    params = {"group_by": "city,category", **_week(W10)}
    body = (await api.client.get("/api/v1/stats", params=params, headers=headers)).json()
    response = await api.client.get("/api/v1/stats.csv", params=params, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == (
        'attachment; filename="dalil-stats-2025-03-03-2025-03-09.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["city", "category", "count"]
    assert ["lyon", "legal", "<5"] in rows
    expected = [
        [c["city"], c["category"], "<5" if c["suppressed"] else str(c["count"])]
        for c in body["cells"]
    ]
    assert rows[1:] == expected
    assert "2" not in [row[2] for row in rows[1:]]


# Unmet needs ------------------------------------------------------------------------------

UNMET = {
    ("tangier", "Medina", "housing"): 12,
    ("tangier", "Medina", "legal"): 9,
    ("tangier", "Beni Makada", "legal"): 7,
    ("tangier", "Beni Makada", "housing"): 15,
    ("lyon", "Guillotière", "health"): 3,
    ("lyon", "Guillotière", "housing"): 11,
    ("lyon", "Part-Dieu", "health"): 4,
    ("lyon", "Part-Dieu", "housing"): 8,
}


async def test_unmet_needs_are_no_result_questions_largest_first(api: Api) -> None:
    day = W30 + dt.timedelta(days=3)
    for (city, district, category), times in UNMET.items():
        await _record(api.engine, day, times, city=city, district=district,
                      category=category, outcome="no_result")  # fmt: skip
    await _record(api.engine, day, 40, city="tangier", district="Medina", category="health")
    headers = await _authority(api)
    response = await api.client.get("/api/v1/stats/unmet", params=_week(W30), headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["group_by"] == ["city", "district", "category"]
    cells = body["cells"]
    assert len(cells) == len(UNMET)
    keyed = {(c["city"], c["district"], c["category"]): c for c in cells}
    # Lyon's two small health counts, and the two housing counts that keep them hidden.
    hidden = {key for key, cell in keyed.items() if cell["suppressed"]}
    assert hidden == {key for key in UNMET if key[0] == "lyon"}
    shown = [c["count"] for c in cells if not c["suppressed"]]
    assert shown == [15, 12, 9, 7]
    assert all(c["suppressed"] for c in cells[len(shown) :])
    for key, cell in keyed.items():
        assert cell["count"] in (None, UNMET[key])
    assert body["total"] == sum(UNMET.values())
    # The same cells as the general table of which it is the `no_result` slice.
    general = await api.client.get(
        "/api/v1/stats",
        params={"group_by": "city,district,category,outcome", **_week(W30)},
        headers=headers,
    )
    sliced = {
        (c["city"], c["district"], c["category"]): c["count"]
        for c in general.json()["cells"]
        if c["outcome"] == "no_result"
    }
    assert sliced == {key: cell["count"] for key, cell in keyed.items()}
    limited = await api.client.get(
        "/api/v1/stats/unmet", params={"limit": 2, **_week(W30)}, headers=headers
    )
    assert limited.json()["cells"] == cells[:2]


# The page ---------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.references: list[str] = []
        self.labels: set[str] = set()
        self.inputs: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "href"):
            if values.get(name):
                self.references.append(values[name] or "")
        if tag == "label" and values.get("for"):
            self.labels.add(values["for"] or "")
        if tag == "input":
            self.inputs.add(values.get("id") or "")


async def test_the_page_is_served_and_loads_nothing_from_elsewhere(api: Api) -> None:
    page = await api.client.get("/stats")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "connect-src 'self'" in policy
    parser = _Links()
    parser.feed(page.text)
    assert parser.references == ["/stats/stats.js"]
    assert not any("http" in reference for reference in parser.references)
    assert parser.inputs <= parser.labels, "every input has a label"
    script = await api.client.get("/stats/stats.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "https://" not in script.text
    # The one http:// string is the SVG namespace, an identifier, never fetched.
    assert script.text.count("http://") == 1
    assert "http://www.w3.org/2000/svg" in script.text
    assert "sessionStorage" in script.text
    assert "localStorage" not in script.text


async def test_a_week_without_events_has_no_cells_and_a_total_of_zero(api: Api) -> None:
    # Zero is not a small count to hide: nobody is singled out by it.
    body = (
        await api.client.get("/api/v1/stats", params=_week(W40), headers=await _authority(api))
    ).json()
    assert body["cells"] == []
    assert body["total"] == 0


async def test_two_periods_a_week_apart_do_not_give_a_hidden_week_away(api: Api) -> None:
    # The attack of issue 13: a hidden week-by-city count came back as the difference of
    # `group_by=city&category=health` from one Monday and from the next.
    W11 = W10 + dt.timedelta(weeks=1)
    for monday, tangier, amman in ((W10, 3, 2), (W11, 40, 30)):
        await _record(api.engine, monday, tangier, city="tangier", category="health")
        await _record(api.engine, monday, amman, city="amman", category="health")
        await _record(api.engine, monday, 50, city="lyon", category="health")
    headers = await _authority(api)

    async def health(start: dt.date) -> dict[str, int | None]:
        params = {"group_by": "city", "category": "health", "from": start.isoformat(),
                  "to": (W11 + dt.timedelta(days=6)).isoformat()}  # fmt: skip
        body = (await api.client.get("/api/v1/stats", params=params, headers=headers)).json()
        return {cell["city"]: cell["count"] for cell in body["cells"]}

    both, second = await health(W10), await health(W11)
    assert second == {"amman": 30, "lyon": 50, "tangier": 40}
    assert both == {"amman": None, "lyon": 100, "tangier": None}
