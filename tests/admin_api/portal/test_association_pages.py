"""The association's unmet needs (scoped), the per-address sign-in limit, translated errors."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from playwright.async_api import Browser
from redis.asyncio import Redis
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from admin_api.accounts.models import Role
from admin_api.accounts.service import create_account, issue_token
from admin_api.stats import scoped
from admin_api.stats.service import StatsQueryError
from core import usage
from core.usage import UsageEvent
from tests.admin_api.portal.conftest import served
from tests.helpers.browser import screenshot, serious_violations, tab
from tests.helpers.portal import People, accept, draft_service, sign_in, volunteer_signed_in

pytestmark = pytest.mark.browser


def _last_wednesday() -> dt.date:
    today = dt.datetime.now(dt.UTC).date()
    return today - dt.timedelta(days=today.weekday() + 5)  # in the last complete week


@pytest.fixture
async def unmet_questions(pg_engine: AsyncEngine) -> AsyncIterator[dt.date]:
    """Questions that found nothing last week, recorded as the bot records them; removed after.

    Housing in Tangier is the association's scope (two districts: one small); legal help in
    Tangier and housing in Lyon belong to others.
    """
    day = _last_wednesday()
    asked = [("tangier", "Medina", "housing")] * 7 + [("tangier", "Marshan", "housing")] * 2
    asked += [("tangier", "Medina", "legal")] * 9 + [("lyon", "Croix-Rousse", "housing")] * 8
    async with AsyncSession(pg_engine) as session, session.begin():
        for city, district, category in asked:
            await usage.record(
                session, channel="web", language="ar", intent=f"find_{category}",
                outcome="no_result", city=city, district=district, category=category,
                today=day,
            )  # fmt: skip
    yield day
    async with AsyncSession(pg_engine) as session, session.begin():
        await session.execute(delete(UsageEvent).where(UsageEvent.day == day))


async def _api_unmet(engine: AsyncEngine, base_url: str) -> list[dict[str, object]]:
    async with AsyncSession(engine) as session, session.begin():
        account = await create_account(
            session, name=f"city-{uuid.uuid4().hex[:6]}", role=Role.CITY_ADMIN,
            organization_id=None,
        )  # fmt: skip
        _record, token = await issue_token(session, account=account, label="test")
    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await client.get(
            "/api/v1/stats/unmet", params={"limit": 500},
            headers={"Authorization": f"Bearer {token}"},
        )  # fmt: skip
    assert response.status_code == 200, response.text
    cells: list[dict[str, object]] = response.json()["cells"]
    return cells


async def test_an_association_sees_the_unmet_needs_of_its_own_categories_and_cities_only(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, unmet_questions: dt.date
) -> None:
    cells = await _api_unmet(pg_engine, base_url)
    ours = [c for c in cells if (c["city"], c["category"]) == ("tangier", "housing")]
    async with volunteer_signed_in(browser, base_url, pg_engine) as (page, _service):
        await page.get_by_role("link", name="Demandé sans rien trouver").click()
        await page.wait_for_url("**/portal/unmet")
        rows = page.locator("table.unmet tbody tr")
        shown = [
            [cell.strip() for cell in await rows.nth(i).locator("td").all_inner_texts()]
            for i in range(await rows.count())
        ]
        # With figures on it, in French and Arabic: laid out, accessible, kept for review.
        problems = await serious_violations(page)
        await screenshot(page, "unmet-figures-fr-360")
        await page.goto("/portal/unmet?lang=ar")
        assert await page.locator("html").get_attribute("dir") == "rtl"
        assert await page.locator("table.unmet tbody tr").count() == len(shown)
        problems += await serious_violations(page)
        await screenshot(page, "unmet-figures-ar-360")
        assert problems == []
    # Exactly the API's cells of its scope, with the same suppression; nothing of others.
    assert len(shown) == len(ours) == 2
    expected = {
        ("Tanger", str(c["district"]), "Logement",
         "masqué (moins de 5, ou pour en protéger un)" if c["suppressed"] else str(c["count"]))
        for c in ours
    }  # fmt: skip
    assert {tuple(row) for row in shown} == expected
    # Two people asked in Marshan: fewer than five, so hidden, whatever else is shown.
    assert ("Tanger", "Marshan", "Logement", "masqué (moins de 5, ou pour en protéger un)") in (
        {tuple(row) for row in shown}
    )
    assert not any(row[0] == "Lyon" or row[2] != "Logement" for row in shown)


async def test_the_unmet_figures_keep_each_word_whole_on_an_arabic_phone(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, unmet_questions: dt.date
) -> None:
    async with volunteer_signed_in(browser, base_url, pg_engine, "ar") as (page, _service):
        await page.goto("/portal/unmet")
        district = page.locator("table.unmet td bdi", has_text="Marshan")
        # One box per line it covers: two would be "Marsha" over "n".
        assert await district.evaluate("b => b.getClientRects().length") == 1
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360


async def test_unmet_figures_that_take_too_long_are_explained_not_a_server_error(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def too_slow(*_args: object, **_kwargs: object) -> None:
        # What the statistics process answers past its time limit (a busy city's 12 weeks).
        raise StatsQueryError("the statistics took longer than 20 s", reason="period_long")

    monkeypatch.setattr(scoped, "build_table", too_slow)
    async with volunteer_signed_in(browser, base_url, pg_engine) as (page, _service):
        answer = await page.goto("/portal/unmet")
        assert answer is not None
        assert answer.status == 503
        assert answer.headers.get("retry-after") == "120"
        # Said in the reader's language, with what to do; the menu still there.
        alert = await page.locator("[role=alert]").inner_text()
        assert alert == (
            "Les chiffres n'ont pas pu être comptés à temps. Réessayez dans quelques minutes."
        )
        assert await page.locator("header nav a").count() > 0
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.fixture
async def three_failures(pg_engine: AsyncEngine, redis: Redis) -> AsyncIterator[str]:
    """The app with three failed sign-ins allowed per address in ten minutes."""
    async with served(PORTAL_SIGN_IN_FAILURES=3, PORTAL_SIGN_IN_WINDOW_S=600) as url:
        yield url


async def test_one_address_trying_many_logins_is_stopped_with_a_clear_message(
    browser: Browser, three_failures: str, pg_engine: AsyncEngine, redis: Redis
) -> None:
    people = People(pg_engine)
    volunteer = await people.invite(Role.ASSOCIATION, await people.organization())
    async with tab(browser, three_failures) as guesser:
        page = guesser.page
        await accept(page, volunteer)
        # Three different logins, one guess each: no account is locked by this.
        for attempt in range(3):
            await sign_in(page, f"someone-{attempt}@example.org", "a guess")
            assert "incorrect" in await page.locator("[role=alert]").inner_text()
        posted = lambda r: r.request.method == "POST" and r.url.endswith("/portal/sign-in")  # noqa: E731
        async with page.expect_response(posted) as answer:
            await sign_in(page, volunteer.login)  # the right password, from this address
        response = await answer.value
        assert response.status == 429
        retry_after = int(response.headers["retry-after"])
        assert 590 <= retry_after <= 600
        message = await page.locator("[role=alert]").inner_text()
        assert message == (
            "Trop de connexions échouées depuis ce réseau. Attendez 10 min, puis réessayez."
        )
        assert await page.locator("#login").is_visible()
        assert await serious_violations(page) == []
    # Counted under a keyed hash: no key or value holds the address.
    names = [name async for name in redis.scan_iter("ratelimit:sign-in:*")]
    assert len(names) == 1
    assert await redis.get(names[0]) == "3"
    everything = [name async for name in redis.scan_iter("*")]
    assert not [n for n in everything if "127.0.0.1" in n]
    # The account itself was not locked: once the address's window ends, it signs in.
    await redis.delete(names[0])
    async with tab(browser, three_failures) as later:
        await sign_in(later.page, volunteer.login)
        await later.page.wait_for_url("**/portal/services")


async def test_a_refused_action_is_explained_in_the_readers_language(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    organization = await people.organization()
    await draft_service(pg_engine, organization, "Vestiaire")
    volunteer = await people.invite(Role.ASSOCIATION, organization)
    async with tab(browser, base_url) as signed:
        first = signed.page
        await accept(first, volunteer)
        await sign_in(first, volunteer.login)
        await first.wait_for_url("**/portal/services")
        second = await first.context.new_page()  # the same person, a second tab
        await second.goto("/portal/services")
        await first.get_by_role("button", name="Envoyer en relecture").click()
        await first.wait_for_url("**/portal/services?notice=submitted")
        async with second.expect_response("**/submit") as answer:
            await second.get_by_role("button", name="Envoyer en relecture").click()
        assert (await answer.value).status == 409
        text = await second.locator("main").inner_text()
        assert "Ce service ne peut pas faire cela dans son état actuel" in text
        assert await second.locator("main details").get_attribute("open") is None
        assert await serious_violations(second) == []
        await screenshot(second, "refused-fr-360")


async def test_the_unmet_page_s_period_reads_in_the_reader_s_words_each_date_on_one_line(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    async with volunteer_signed_in(browser, base_url, pg_engine, "fr-FR") as (page, _service):
        await page.goto("/portal/unmet")
        sentence = page.locator("main p").first
        text = await sentence.inner_text()
        # "du 14 septembre 2026 au 6 décembre 2026", not "du 2026-09-14 au 2026-12-" "06".
        dates = re.findall(r"\d{1,2}\s\w+\s\d{4}", text)
        assert len(dates) == 2, text
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
        lines = await sentence.evaluate(
            """(p, dates) => dates.map(d => {
                const node = p.firstChild, at = node.data.indexOf(d), range = new Range();
                range.setStart(node, at); range.setEnd(node, at + d.length);
                return range.getClientRects().length;
            })""",
            dates,
        )
        assert lines == [1, 1], dates
