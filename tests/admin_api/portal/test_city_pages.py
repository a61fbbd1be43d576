"""The city team's pages in a real browser: statistics, myths and facts, campaigns.

Statistics come from usage events written by `core.usage.record`, as the worker writes them;
a fact edited in the page is what the real dialogue then answers; a campaign started from the
page is delivered by the real broadcaster and sender to the Telegram stand-in.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Browser, Page
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from admin_api.accounts.models import Role
from bot.campaigns import subscriptions
from bot.dialogue import Dialogue
from core import campaigns, usage
from core.campaigns import Campaign
from core.pseudonym import pseudonym
from services_directory.audit import Actor
from services_directory.rumours import service as rumours
from services_directory.rumours.models import Rumour
from services_directory.rumours.schemas import RumourIn
from tests.helpers.app import running_app
from tests.helpers.browser import (
    DESKTOP,
    PHONE,
    check_page,
    choose,
    tab,
    tab_to,
)
from tests.helpers.conversation import Conversation
from tests.helpers.portal import Invited, People, accept, sign_in
from tests.helpers.settings import PSEUDONYM_KEY
from tests.standins.server import free_port

pytestmark = pytest.mark.browser
KEY = PSEUDONYM_KEY.encode()
W10 = dt.date(2025, 3, 3)  # Monday of 2025-W10, a complete week
TRUTH = {
    ("tangier", "health"): 30, ("tangier", "legal"): 12, ("tangier", "housing"): 20,
    ("lyon", "health"): 25, ("lyon", "legal"): 2, ("lyon", "housing"): 15,
}  # fmt: skip


async def _city_admin(page: Page, people: People) -> Invited:
    admin = await people.invite(Role.CITY_ADMIN)
    await accept(page, admin)
    await sign_in(page, admin.login)
    await page.wait_for_url("**/portal/review")
    return admin


# Statistics ---------------------------------------------------------------------------


@pytest.fixture
async def events_of_w10(pg_engine: AsyncEngine) -> AsyncIterator[None]:
    """The events of 2025-W10, written as the worker writes them; cleared around the test."""

    async def clear() -> None:
        async with AsyncSession(pg_engine) as session, session.begin():
            await session.execute(
                delete(usage.UsageEvent).where(
                    usage.UsageEvent.day.between(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
                )
            )

    await clear()
    async with AsyncSession(pg_engine) as session, session.begin():
        for (city, category), times in TRUTH.items():
            for _ in range(times):
                await usage.record(
                    session, today=W10 + dt.timedelta(days=2), channel="telegram",
                    language="ar", intent=f"find_{category}", outcome="results", city=city,
                    category=category,
                )  # fmt: skip
        for _ in range(7):
            await usage.record(
                session, today=W10 + dt.timedelta(days=3), channel="whatsapp", language="fr",
                intent="find_jobs", outcome="no_result", city="lyon", category="jobs",
            )  # fmt: skip
    yield
    await clear()


async def _rows(page: Page, chart: str) -> dict[str, str]:
    """The chart's table as {what: count as shown}."""
    rows = page.locator(f"#chart-{chart} ~ table tbody tr")
    shown: dict[str, str] = {}
    for index in range(await rows.count()):
        row = rows.nth(index)
        shown[await row.locator("th").inner_text()] = await row.locator("td.count").inner_text()
    return shown


@pytest.mark.usefixtures("events_of_w10")
async def test_statistics_show_recorded_events_hide_small_counts_and_download_as_csv(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    async with tab(browser, base_url, locale="fr") as city:
        page = city.page
        await _city_admin(page, People(pg_engine))
        await page.get_by_role("link", name="Statistiques").click()
        await page.wait_for_url("**/portal/statistics")
        # The filters are a GET form: the period and the city, then the page's figures.
        await page.locator("#from").fill("2025-03-03")
        await page.locator("#to").fill("2025-03-09")
        await page.locator("#city").select_option("lyon")
        await page.get_by_role("button", name="Afficher").click()
        await page.wait_for_url("**/portal/statistics?from=2025-03-03&to=2025-03-09&city=lyon*")
        status = await page.locator("main [role=status]").inner_text()
        assert "Du \u20683\u00a0mars\u00a02025\u2069 au \u20689\u00a0mars\u00a02025\u2069" in status
        assert "Total : 49 questions" in status
        assert await _rows(page, "week") == {"2025-W10": "49"}
        assert await _rows(page, "language") == {"العربية": "42", "Français": "7"}
        categories = await _rows(page, "category")
        names = {"health": "Santé", "legal": "Aide juridique et papiers",
                 "housing": "Logement", "jobs": "Emploi et formation"}  # fmt: skip
        assert set(categories) == set(names.values())
        # Lyon's two legal questions are hidden; so is another count, so that the total
        # minus the shown counts does not give them away. Shown counts are the true ones.
        assert categories[names["legal"]] == "masqué"
        hidden = [what for what, count in categories.items() if count.startswith("masqué")]
        assert len(hidden) >= 2
        truth = {names[k]: v for (c, k), v in TRUTH.items() if c == "lyon"} | {names["jobs"]: 7}
        for what, count in categories.items():
            assert count in {str(truth[what]), "masqué"}, what
        # Unmet needs: the questions that found no service.
        assert await _rows(page, "unmet") == {"Lyon · Non précisé · Emploi et formation": "7"}
        # The same table as CSV, through the signed-in session.
        async with page.expect_download() as waiting:
            await page.locator("#chart-category ~ p a[download]").click()
        download = await waiting.value
        path = await download.path()
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        assert rows[0] == ["category", "count"]
        assert ["legal", "<5"] in rows
        assert ["jobs", "7"] in rows
        assert download.suggested_filename == "dalil-stats-2025-03-03-2025-03-09.csv"
        assert city.errors == []


async def test_a_bad_filter_is_shown_back_with_a_clear_error(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    async with tab(browser, base_url, locale="fr") as city:
        page = city.page
        await _city_admin(page, People(pg_engine))
        response = await page.goto("/portal/statistics?from=2025-03-09&to=2025-03-03")
        assert response is not None
        assert response.status == 422
        # Said in the reader's language, not as the API's English detail.
        alert = await page.locator("[role=alert]").inner_text()
        assert alert == "La première date est après la dernière."
        assert await page.locator("#from").input_value() == "2025-03-09"
        response = await page.goto("/portal/statistics?from=9%20mars&category=weather")
        assert response is not None
        assert response.status == 422
        alert = await page.locator("[role=alert]").inner_text()
        assert alert == "Écrivez chaque date sous la forme 2026-03-31."
        response = await page.goto("/portal/statistics.csv?chart=nope")
        assert response is not None
        assert response.status == 404


async def test_the_period_shown_reads_in_the_reader_s_words_on_a_phone(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    async with tab(browser, base_url, locale="fr") as city:
        page = city.page
        await _city_admin(page, People(pg_engine))
        await page.goto("/portal/statistics?from=2025-03-03&to=2025-03-09")
        period = await page.locator("main p[role=status]").inner_text()
        # Not "Du 2025-03-03 au 2025-03-09", which a phone breaks at a hyphen.
        assert period.startswith(
            "Du \u20683\u00a0mars\u00a02025\u2069 au \u20689\u00a0mars\u00a02025\u2069."
        )
        assert city.errors == []


# Myths and facts ------------------------------------------------------------------------


@pytest.fixture
async def rumour_key(pg_engine: AsyncEngine) -> AsyncIterator[str]:
    """A rumour of this test, created through the directory's service; deleted after."""
    key = f"portal_{uuid.uuid4().hex[:8]}"
    fields = RumourIn.model_validate({
        "key": key, "source_url": "https://www.unhcr.org/",
        "titles": {"en": "Refugees get free houses", "ar": "اللاجئون يحصلون على بيوت مجانية",
                   "fr": "Les réfugiés reçoivent des maisons gratuites"},
        "facts": {"en": "Refugees wait for housing like everyone else.",
                  "ar": "ينتظر اللاجئون السكن مثل الجميع.",
                  "fr": "Les réfugiés attendent un logement comme tout le monde."},
    })  # fmt: skip
    async with AsyncSession(pg_engine) as session, session.begin():
        await rumours.create_rumour(session, fields=fields, actor=Actor(None, "test"))
    yield key
    async with AsyncSession(pg_engine) as session, session.begin():
        # Its campaigns too (counts only), so that no broadcaster of a later test picks one up.
        await session.execute(delete(Campaign).where(Campaign.rumour_key == key))
        await session.execute(delete(Rumour).where(Rumour.key == key))


def _chat_id(prefix: str) -> str:
    """A chat of this test only: its conversation state starts empty."""
    return f"{prefix}{uuid.uuid4().int % 10**8}"


async def test_a_fact_edited_in_arabic_is_what_the_bot_then_answers(
    browser: Browser,
    base_url: str,
    pg_engine: AsyncEngine,
    rumour_key: str,
    dialogue_without_nlu: Dialogue,
) -> None:
    new_fact = "ينتظر اللاجئون دورهم في السكن الاجتماعي مثل أي أسرة أخرى، وبالشروط نفسها."
    async with tab(browser, base_url, locale="ar") as city:
        page = city.page
        await _city_admin(page, People(pg_engine))
        await page.get_by_role("link", name="الشائعات والحقائق").click()
        await page.wait_for_url("**/portal/rumours")
        await page.locator(f"a[href='/portal/rumours/{rumour_key}']").click()
        await page.wait_for_url(f"**/portal/rumours/{rumour_key}")
        # The Arabic section is open (the page's language), written right to left.
        field = page.locator("#fact-ar")
        assert await field.get_attribute("dir") == "rtl"
        assert await page.locator("#fact-fr").get_attribute("dir") == "ltr"
        assert await page.locator("#lang-ar").get_attribute("open") is not None
        await field.fill(new_fact)
        await page.locator("#facts button[type=submit]").click()
        await page.wait_for_url(f"**/portal/rumours/{rumour_key}?notice=saved")
        assert await page.locator("#fact-ar").input_value() == new_fact
        assert city.errors == []
    person = Conversation(dialogue_without_nlu, language_hint="ar", chat_id=_chat_id("77"))
    await person.say("/start")
    await person.press("lang:ar")
    await person.press("city:lyon")
    menu = await person.press("myths")
    assert "اللاجئون يحصلون على بيوت مجانية" in {b.label for row in menu.buttons for b in row}
    answer = await person.press(f"myth:{rumour_key}")
    assert answer.rtl
    assert f"✅ الحقيقة: {new_fact}" in answer.text.split("\n\n")
    # The other languages were left as they were; the edit is in the audit's version history.
    async with AsyncSession(pg_engine) as session:
        rumour = await session.get(Rumour, rumour_key)
        assert rumour is not None
        assert rumour.facts["fr"] == "Les réfugiés attendent un logement comme tout le monde."
        assert rumour.version == 2


async def test_an_edit_over_anothers_save_shows_both_and_loses_nothing(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, rumour_key: str
) -> None:
    people = People(pg_engine)
    async with tab(browser, base_url) as first, tab(browser, base_url) as second:
        for editor in (first, second):
            await _city_admin(editor.page, people)
            await editor.page.goto(f"/portal/rumours/{rumour_key}")
        await first.page.locator("#title-fr").fill("Les réfugiés ont des logements gratuits")
        await first.page.locator("#facts button[type=submit]").click()
        await first.page.wait_for_url("**?notice=saved")
        await second.page.locator("#fact-fr").fill("Mon texte, à ne pas perdre.")
        async with second.page.expect_response(f"**/portal/rumours/{rumour_key}") as answer:
            await second.page.locator("#facts button[type=submit]").click()
        assert (await answer.value).status == 409
        theirs = await second.page.locator(".theirs").inner_text()
        assert "Les réfugiés ont des logements gratuits" in theirs
        assert await second.page.locator("#fact-fr").input_value() == "Mon texte, à ne pas perdre."
        # Sending again replaces theirs knowingly.
        await second.page.locator("#facts button[type=submit]").click()
        await second.page.wait_for_url("**?notice=saved")
    async with AsyncSession(pg_engine) as session:
        rumour = await session.get(Rumour, rumour_key)
        assert rumour is not None
        assert rumour.facts["fr"] == "Mon texte, à ne pas perdre."
        assert rumour.version == 3


async def test_two_edits_sent_at_the_same_moment_keep_one_and_show_it_to_the_other(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, rumour_key: str
) -> None:
    people = People(pg_engine)
    page_path = f"/portal/rumours/{rumour_key}"
    async with tab(browser, base_url) as first, tab(browser, base_url) as second:
        forms = []
        for editor, (field, text) in ((first, ("title-fr", "Logements gratuits ?")),
                                      (second, ("fact-fr", "Mon texte."))):  # fmt: skip
            await _city_admin(editor.page, people)
            await editor.page.goto(page_path)
            await editor.page.locator(f"#{field}").fill(text)
            forms.append(await editor.page.locator("form#facts").evaluate(
                "f => Object.fromEntries(new FormData(f).entries())"
            ))  # fmt: skip
        answers = await asyncio.gather(
            *(editor.page.request.post(page_path, form=form, max_redirects=0)
              for editor, form in zip((first, second), forms, strict=True))
        )  # fmt: skip
        # Whoever came second sees the other's version (on SQLite, where no row lock queues
        # the two, the page was a server error).
        assert sorted(a.status for a in answers) == [303, 409]
    async with AsyncSession(pg_engine) as session:
        rumour = await session.get(Rumour, rumour_key)
        assert rumour is not None
        assert rumour.version == 2


async def test_english_is_required_and_the_form_keeps_what_was_typed(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, rumour_key: str
) -> None:
    async with tab(browser, base_url, locale="en") as city:
        page = city.page
        await _city_admin(page, People(pg_engine))
        await page.goto(f"/portal/rumours/{rumour_key}")
        await page.locator("#fact-en").fill("")
        await page.locator("#lang-es summary").click()  # a closed section: nothing in it yet
        await page.locator("#fact-es").fill("Esperan una vivienda como todos.")
        async with page.expect_response(f"**/portal/rumours/{rumour_key}") as answer:
            await page.locator("#facts button[type=submit]").click()
        assert (await answer.value).status == 422
        assert "English is needed" in await page.locator("[role=alert]").inner_text()
        assert await page.locator("#fact-en").get_attribute("aria-invalid") == "true"
        assert await page.locator("#fact-es").input_value() == "Esperan una vivienda como todos."
    async with AsyncSession(pg_engine) as session:
        rumour = await session.get(Rumour, rumour_key)
        assert rumour is not None
        assert rumour.version == 1
        assert "es" not in rumour.facts


# Campaigns ------------------------------------------------------------------------------


@pytest.fixture
async def no_open_campaigns(pg_engine: AsyncEngine) -> None:
    """Close campaigns that other tests left open, so the broadcaster delivers only ours."""
    async with AsyncSession(pg_engine) as session, session.begin():
        await session.execute(
            update(Campaign).where(Campaign.status == campaigns.SENDING)
            .values(status=campaigns.DONE)
        )  # fmt: skip


@pytest.fixture
async def subscribers(pg_engine: AsyncEngine) -> AsyncIterator[dict[str, str]]:
    """Chats subscribed to facts ({chat id: city}), as the dialogue's "get facts" button does:
    three in Vienna, one in Tunis. Unsubscribed after, so no other test's campaign meets them."""
    run = uuid.uuid4().int % 10**6
    chats = {str(6_100_000_000 + run * 10 + n): "vienna" for n in range(3)}
    chats[str(6_200_000_000 + run)] = "tunis"
    keys = {chat_id: pseudonym(KEY, "telegram", chat_id) for chat_id in chats}
    async with AsyncSession(pg_engine) as session, session.begin():
        for chat_id, city in chats.items():
            await subscriptions.subscribe(
                session, KEY, key=keys[chat_id], channel="telegram", chat_id=chat_id,
                locale="fr", city=city,
            )  # fmt: skip
    yield chats
    async with AsyncSession(pg_engine) as session, session.begin():
        for key in keys.values():
            await subscriptions.unsubscribe(session, key)


async def _campaigns_for(engine: AsyncEngine, rumour_key: str, city: str) -> int:
    async with AsyncSession(engine) as session:
        count = await session.scalar(
            select(func.count()).select_from(Campaign)
            .where(Campaign.rumour_key == rumour_key, Campaign.city == city)
        )  # fmt: skip
        return int(count or 0)


async def _counts(page: Page) -> dict[str, str]:
    return {
        name: await page.locator(f"#counts [data-count={name}]").inner_text()
        for name in ("queued", "waiting", "sent", "failed", "skipped")
    }


@pytest.mark.usefixtures("no_open_campaigns", "redis")
async def test_a_campaign_started_with_the_keyboard_is_delivered_and_counted(
    browser: Browser, pg_engine: AsyncEngine, subscribers: dict[str, str]
) -> None:
    vienna = {chat_id for chat_id, city in subscribers.items() if city == "vienna"}
    dead_rasa = f"http://127.0.0.1:{free_port()}"
    async with (
        running_app(dead_rasa, roles=("api", "sender", "broadcaster")) as app,
        tab(browser, app.url, locale="fr") as city,
    ):
        page = city.page
        await _city_admin(page, People(pg_engine))
        await page.goto("/portal/campaigns")
        # Keyboard only: Tab to each field, arrows to choose, Enter to send.
        await choose(page, "#rumour_key", "take_jobs")
        await choose(page, "#city", "vienna")
        await tab_to(page, "main form button[type=submit]")
        await page.keyboard.press("Enter")
        # Nothing is sent before the city team confirms, what to whom in plain words.
        await page.locator("h1", has_text="Lancer la campagne ?").wait_for()
        assert "à Vienne qui ont demandé des faits" in await page.locator("main").inner_text()
        assert await _campaigns_for(pg_engine, "take_jobs", "vienna") == 0
        await tab_to(page, "main form button[type=submit]")
        await page.keyboard.press("Enter")
        await page.wait_for_url("**/portal/campaigns/*?notice=started")
        assert "La campagne est en file" in await page.locator("[role=status]").inner_text()
        campaign_id = int(page.url.split("/")[-1].split("?")[0])
        # The broadcaster and the sender deliver it to the three people in Vienna only.
        sent = await app.wait_for(lambda calls: len(calls) >= 3)
        assert {str(c.params["chat_id"]) for c in sent} == vienna
        assert sent[0].params["text"].startswith("💬 Un fait sur la migration")

        async def settled() -> dict[str, str]:
            await page.goto(f"/portal/campaigns/{campaign_id}")
            return await _counts(page)

        counts: dict[str, Any] = {}
        for _ in range(100):
            counts = await settled()
            if counts["sent"] == "3":
                break
            await page.wait_for_timeout(100)
        assert counts == {
            "queued": "3", "waiting": "0", "sent": "3", "failed": "0", "skipped": "0",
        }  # fmt: skip
        # Everything queued is accounted for: nobody outside Vienna got it, then or since.
        assert {str(c.params["chat_id"]) for c in app.telegram.sent()} == vienna
        await page.goto("/portal/campaigns")
        card = page.locator(f".card:has(a[href='/portal/campaigns/{campaign_id}'])")
        assert "envoyés : 3" in await card.inner_text()
        assert city.errors == []
    async with AsyncSession(pg_engine) as session:
        campaign = await session.get(Campaign, campaign_id)
        assert campaign is not None
        assert (campaign.rumour_key, campaign.city) == ("take_jobs", "vienna")
    async with AsyncSession(pg_engine) as session, session.begin():
        await session.execute(delete(Campaign).where(Campaign.id == campaign_id))


@pytest.mark.usefixtures("redis")
async def test_a_double_tap_on_send_starts_one_campaign_and_shows_it(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, rumour_key: str
) -> None:
    async with tab(browser, base_url, locale="fr") as city:
        page = city.page
        await _city_admin(page, People(pg_engine))
        await page.goto("/portal/campaigns")
        await page.locator("#rumour_key").select_option(rumour_key)
        await page.locator("main form button[type=submit]").click()
        confirm = page.locator("form:has(input[name=confirmed])")
        await confirm.wait_for()
        fields = await confirm.evaluate("f => Object.fromEntries(new FormData(f).entries())")
        # Two taps: both requests leave before either is answered.
        first, second = await asyncio.gather(
            *(page.request.post("/portal/campaigns", form=fields, max_redirects=0)
              for _ in range(2))
        )  # fmt: skip
        places = sorted(answer.headers["location"] for answer in (first, second))
        assert [answer.status for answer in (first, second)] == [303, 303]
        started = places[1].split("?")[0]
        assert places == [f"{started}?notice=repeated", f"{started}?notice=started"]
        await page.goto(places[0])
        assert "Rien n'a été envoyé deux fois" in await page.locator("[role=status]").inner_text()
        assert city.errors == []
    async with AsyncSession(pg_engine) as session:
        count = await session.scalar(
            select(func.count()).select_from(Campaign).where(Campaign.rumour_key == rumour_key)
        )
        assert count == 1


async def test_a_campaign_for_a_rumour_no_longer_offered_is_refused_on_the_page(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, rumour_key: str
) -> None:
    async with tab(browser, base_url, locale="fr") as city:
        page = city.page
        await _city_admin(page, People(pg_engine))
        await page.goto("/portal/campaigns")
        await page.locator("#rumour_key").select_option(rumour_key)
        async with AsyncSession(pg_engine) as session, session.begin():
            rumour = await session.get(Rumour, rumour_key)
            assert rumour is not None
            await rumours.set_active(session, rumour=rumour, active=False, actor=Actor(None, "t"))
        async with page.expect_response("**/portal/campaigns") as answer:
            await page.locator("main form button[type=submit]").click()
        assert (await answer.value).status == 422
        # Said in the reader's language, not as the API's English detail.
        alert = await page.locator("[role=alert]").inner_text()
        assert alert == "Le bot ne propose plus cette idée reçue : choisissez-en une dans la liste."
    async with AsyncSession(pg_engine) as session:
        started = await session.scalar(
            select(func.count()).select_from(Campaign).where(Campaign.rumour_key == rumour_key)
        )
        assert started == 0


# Every new page: languages, layout, accessibility; who may see what; forged forms -------


async def _campaign(engine: AsyncEngine, rumour_key: str, city: str | None) -> int:
    """A campaign as the API starts one (its delivery is not what these tests look at)."""
    async with AsyncSession(engine) as session, session.begin():
        campaign = await campaigns.create(
            session, rumour_key=rumour_key, city=city, created_by="city_admin:test"
        )
        return campaign.id


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.usefixtures("events_of_w10")
async def test_the_city_pages_are_translated_laid_out_and_accessible(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, rumour_key: str, lang: str
) -> None:
    people = People(pg_engine)
    admin = await people.invite(Role.CITY_ADMIN)
    started = await _campaign(pg_engine, rumour_key, "lyon")
    problems: list[str] = []
    for viewport in (PHONE, DESKTOP):
        async with tab(browser, base_url, viewport=viewport, locale=lang) as city:
            page = city.page
            if viewport is PHONE:
                await accept(page, admin)
            await sign_in(page, admin.login)
            await page.wait_for_url("**/portal/review")
            await page.goto("/portal/statistics?from=2025-03-03&to=2025-03-09")
            await check_page(page, "statistics", lang, problems)
            await page.goto("/portal/rumours")
            await check_page(page, "rumours", lang, problems)
            await page.goto(f"/portal/rumours/{rumour_key}")
            await check_page(page, "rumour", lang, problems)
            await page.goto("/portal/campaigns")
            await check_page(page, "campaigns", lang, problems)
            await page.locator("#rumour_key").select_option(rumour_key)
            await page.locator("main form button[type=submit]").click()
            await page.locator("form input[name=confirmed]").wait_for(state="attached")
            await check_page(page, "campaign-confirm", lang, problems)
            await page.goto(f"/portal/campaigns/{started}")
            await check_page(page, "campaign", lang, problems)
            assert city.errors == []
    assert problems == []


async def _status(page: Page, path: str) -> int:
    response = await page.goto(path)
    assert response is not None
    return response.status


Fields = dict[str, str | float | bool]


def _forms(rumour_key: str, csrf: str) -> dict[str, Fields]:
    """The city team's two forms, filled as they would be, with the session's own token."""
    return {
        "/portal/campaigns": {
            "rumour_key": rumour_key, "city": "", "confirmed": "yes", "csrf": csrf,
        },
        f"/portal/rumours/{rumour_key}": {
            "version": "1", "source_url": "https://x.org/", "title-en": "x", "fact-en": "y",
            "csrf": csrf,
        },
    }  # fmt: skip


async def _refused_by_role(page: Page, path: str, fields: Fields) -> None:
    """Post a form with a valid token: refused for the role (not as a forgery)."""
    answer = await page.request.post(path, form=fields)
    assert answer.status == 403, path
    body = await answer.text()
    assert "Not allowed" in body, path
    assert "This form cannot be accepted" not in body


async def test_an_association_never_reaches_the_city_pages(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, rumour_key: str
) -> None:
    people = People(pg_engine)
    volunteer = await people.invite(Role.ASSOCIATION, await people.organization())
    started = await _campaign(pg_engine, rumour_key, None)
    async with tab(browser, base_url, locale="en") as association:
        page = association.page
        await accept(page, volunteer)
        await sign_in(page, volunteer.login)
        await page.wait_for_url("**/portal/services")
        links = await page.locator("header nav a").evaluate_all("a => a.map(e => e.pathname)")
        assert not {"/portal/statistics", "/portal/rumours", "/portal/campaigns"} & set(links)
        for path in (
            "/portal/statistics", "/portal/statistics.csv?chart=week", "/portal/rumours",
            f"/portal/rumours/{rumour_key}", "/portal/campaigns", f"/portal/campaigns/{started}",
        ):  # fmt: skip
            assert await _status(page, path) == 403, path
            assert await page.locator("h1").inner_text() == "Not allowed"
        # Its own session's token, a form it was never shown: still refused by role.
        await page.goto("/portal/services")
        csrf = await page.locator("header form input[name=csrf]").input_value()
        for path, fields in _forms(rumour_key, csrf).items():
            await _refused_by_role(page, path, fields)
    async with AsyncSession(pg_engine) as session:
        rumour = await session.get(Rumour, rumour_key)
        assert rumour is not None
        assert rumour.version == 1
        count = await session.scalar(
            select(func.count()).select_from(Campaign).where(Campaign.rumour_key == rumour_key)
        )
        assert count == 1


async def test_an_authority_reads_statistics_myths_and_counts_but_changes_nothing(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, rumour_key: str
) -> None:
    people = People(pg_engine)
    authority = await people.invite(Role.AUTHORITY)
    async with tab(browser, base_url, locale="en") as reader:
        page = reader.page
        await accept(page, authority)
        await sign_in(page, authority.login)
        await page.wait_for_url("**/portal/statistics")
        await page.get_by_role("link", name="Myths and facts").click()
        await page.locator(f"a[href='/portal/rumours/{rumour_key}']").click()
        assert await page.locator("main form").count() == 0
        assert "Refugees wait for housing" in await page.locator("main").inner_text()
        await page.get_by_role("link", name="Campaigns").click()
        assert await page.locator("#rumour_key").count() == 0
        csrf = await page.locator("header form input[name=csrf]").input_value()
        for path, fields in _forms(rumour_key, csrf).items():
            await _refused_by_role(page, path, fields)
        assert reader.errors == []
    async with AsyncSession(pg_engine) as session:
        rumour = await session.get(Rumour, rumour_key)
        assert rumour is not None
        assert rumour.version == 1


async def test_the_new_forms_refuse_a_missing_or_forged_token_and_change_nothing(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, rumour_key: str
) -> None:
    async with tab(browser, base_url, locale="fr") as city:
        page = city.page
        await _city_admin(page, People(pg_engine))
        await page.goto(f"/portal/rumours/{rumour_key}")
        await page.locator("#fact-fr").fill("Texte piégé")
        await page.locator("#facts input[name=csrf]").evaluate("e => e.value = 'forged'")
        async with page.expect_response(f"**/portal/rumours/{rumour_key}") as answer:
            await page.locator("#facts button[type=submit]").click()
        assert (await answer.value).status == 403
        assert await page.locator("h1").inner_text() == "Ce formulaire ne peut pas être accepté"
        await page.goto("/portal/campaigns")
        await page.locator("#rumour_key").select_option(rumour_key)
        await page.locator("main form input[name=csrf]").evaluate("e => e.remove()")
        async with page.expect_response("**/portal/campaigns") as answer:
            await page.locator("main form button[type=submit]").click()
        assert (await answer.value).status == 403
    async with AsyncSession(pg_engine) as session:
        rumour = await session.get(Rumour, rumour_key)
        assert rumour is not None
        assert rumour.version == 1
        count = await session.scalar(
            select(func.count()).select_from(Campaign).where(Campaign.rumour_key == rumour_key)
        )
        assert count == 0


async def test_a_myth_taken_out_of_the_bot_leaves_its_menu_and_the_campaign_form(
    browser: Browser,
    base_url: str,
    pg_engine: AsyncEngine,
    rumour_key: str,
    dialogue_without_nlu: Dialogue,
) -> None:
    async with tab(browser, base_url, locale="fr") as city:
        page = city.page
        await _city_admin(page, People(pg_engine))
        await page.goto(f"/portal/rumours/{rumour_key}")
        await page.get_by_role("button", name="Retirer du bot").click()
        await page.wait_for_url(f"**/portal/rumours/{rumour_key}?notice=withdraw")
        assert "Non proposée" in await page.locator("main .state").inner_text()
        await page.goto("/portal/campaigns")
        offered = await page.locator("#rumour_key option").evaluate_all("o => o.map(e => e.value)")
        assert "take_jobs" in offered
        assert rumour_key not in offered
    person = Conversation(dialogue_without_nlu, language_hint="fr", chat_id=_chat_id("78"))
    await person.say("/start")
    await person.press("lang:fr")
    await person.press("city:lyon")
    menu = await person.press("myths")
    payloads = {b.payload for row in menu.buttons for b in row}
    assert "myth:take_jobs" in payloads
    assert f"myth:{rumour_key}" not in payloads
