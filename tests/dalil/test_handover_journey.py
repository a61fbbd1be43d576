"""The issue's journey: a person asks for a human in Arabic (over Telegram, and the web chat),
a volunteer of the right association takes the conversation in the portal, they write both
ways in order, the volunteer sends a service card, the person ends with /end and gets the
menu back.

Everything is real: the app with all its roles (webhook or web chat endpoint, worker with the
real Rasa, relay, sender to the Telegram stand-in or the web chat's outbox), PostgreSQL,
Redis, and Debian's Chromium driving the portal.
Then the volunteer's pages, the logs and the statistics are scanned for the person's chat id.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from admin_api.accounts.models import Role
from core.pseudonym import pseudonym
from core.usage import UsageEvent
from dalil.cli import quiet_libraries
from handoff.models import Handover, HandoverDesk
from tests.helpers.app import running_app
from tests.helpers.browser import chromium, tab
from tests.helpers.channels import Answer, Person, TelegramPerson, WebPerson
from tests.helpers.portal import People, accept, sign_in
from tests.helpers.settings import PSEUDONYM_KEY
from tests.standins.web_browser import Browser as WebBrowser

pytestmark = pytest.mark.browser

CHAT = 70_031_777
ASKED = "أريد التحدث مع شخص من فضلك"
FIRST = "عندي مشكل مع الأوراق ديال الإقامة"
SECOND = "فين نقدر نلقاكم؟"
ANSWERS = ["السلام، أنا سميرة من الجمعية. شنو المشكل بالضبط؟", "تعال نهار الثلاثاء للمكتب"]


@pytest.fixture
async def association(pg_engine: AsyncEngine) -> AsyncIterator[tuple[str, People]]:
    """An association that answers Tangier's conversations, every day, all day (committed)."""
    people = People(pg_engine)
    org_id = await people.organization()
    started = dt.datetime.now(dt.UTC)
    async with AsyncSession(pg_engine) as session, session.begin():
        last_event = await session.scalar(select(func.max(UsageEvent.id))) or 0
        session.add(
            HandoverDesk(
                organization_id=org_id, city_id="tangier", category=None,
                byday="MO,TU,WE,TH,FR,SA,SU", opens_at="00:00", closes_at="23:59",
            )
        )  # fmt: skip
    yield org_id, people
    async with AsyncSession(pg_engine) as session, session.begin():
        # The conversations this test opened: other tests count theirs.
        await session.execute(delete(Handover).where(Handover.created_at >= started))
        await session.execute(delete(UsageEvent).where(UsageEvent.id > last_event))
        await session.execute(delete(HandoverDesk).where(HandoverDesk.organization_id == org_id))


async def _next(person: Person, seen: list[Answer], count: int = 1) -> list[Answer]:
    """Wait for `count` more answers than `seen`; add them to it and return them."""
    everything = await person.answers(len(seen) + count, timeout_s=90)
    new = everything[len(seen) :]
    seen.extend(new)
    return new


async def _scan(page: Page, forbidden: list[str]) -> None:
    html = await page.content()
    assert [s for s in forbidden if s in html] == []


@pytest.mark.parametrize("channel", ["telegram", "web"])
async def test_arabic_request_answered_by_a_volunteer_in_the_portal(
    channel: str,
    app_url_prereqs: None,
    rasa_url: str,
    pg_engine: AsyncEngine,
    association: tuple[str, People],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    quiet_libraries()
    org_id, people = association
    volunteer = await people.invite(Role.ASSOCIATION, org_id)
    async with (
        running_app(rasa_url, HANDOVER_ESCALATE_MINUTES=60, CHAT_LONG_POLL_MS=1000) as app,
        chromium() as browser,
    ):
        person: Person
        if channel == "telegram":
            telegram = TelegramPerson(app.http, app.telegram, CHAT, first_id=131_000)
            telegram.language = "ar"
            person, chat_id = telegram, str(CHAT)
        else:
            web = WebBrowser(app.http)
            person, chat_id = WebPerson(web), web.conversation
            web.language = "ar"
        key = pseudonym(PSEUDONYM_KEY.encode(), channel, chat_id)
        forbidden = [chat_id, key]
        seen: list[Answer] = []
        await person.say("/start")
        await _next(person, seen)
        await person.press("lang:ar")
        await _next(person, seen)
        await person.press("city:tangier")
        (menu,) = await _next(person, seen)
        assert "human" in menu.payloads

        await person.say(ASKED)  # through the real Rasa
        (topics,) = await _next(person, seen)
        assert topics.text == "عن ماذا تريد أن تتحدث؟", topics.text
        await person.press("human:cat:legal")
        (offer,) = await _next(person, seen)
        assert f"Association {org_id}" in offer.text
        assert "/end" in offer.text
        assert offer.payloads == ("human:yes:legal", "menu")
        await person.press("human:yes:legal")
        (confirmed,) = await _next(person, seen)
        assert confirmed.text.startswith("تم. اكتب رسالتك هنا")
        await person.say(FIRST)
        (sent,) = await _next(person, seen)
        assert sent.text.startswith("تم الإرسال.")

        async with tab(browser, app.url) as volunteer_tab:
            page = volunteer_tab.page
            await accept(page, volunteer)
            await sign_in(page, volunteer.login)
            await page.wait_for_url("**/portal/services")
            await page.goto("/portal/handovers")
            card = page.locator("li.card").filter(has_text="العربية")
            await expect(card).to_have_count(1)
            await _scan(page, forbidden)
            await card.locator("form[action$='/take'] button").click()
            await page.wait_for_url("**/portal/handovers/*")
            messages = page.locator("#messages")
            await expect(messages).to_contain_text(FIRST)

            (taken,) = await _next(person, seen)
            assert taken.text == f"متطوع من Association {org_id} يقرأ رسائلك الآن."

            await page.locator("#text").fill(ANSWERS[0])
            await page.locator("#answer button[type=submit]").click()
            (first_answer,) = await _next(person, seen)
            assert first_answer.text == f"🙋 {ANSWERS[0]}"

            await person.say(SECOND)
            # The page shows it without a reload (its poll).
            await expect(messages).to_contain_text(SECOND, timeout=20_000)
            await page.locator("#text").fill(ANSWERS[1])
            await page.locator("#answer button[type=submit]").click()
            (second_answer,) = await _next(person, seen)
            assert second_answer.text == f"🙋 {ANSWERS[1]}"

            service_name = await page.locator("#service option").first.inner_text()
            await page.locator("#service").select_option(index=0)
            await page.locator("form[action$='/card'] button").click()
            (service_card,) = await _next(person, seen)
            assert service_card.text.startswith(f"1. {service_name}")

            await person.say("/end")
            (ended,) = await _next(person, seen)
            assert ended.text == "انتهت المحادثة مع المتطوع. هل ساعدك ذلك؟"
            assert ended.payloads[:2] == ("hfb:up", "hfb:down")
            assert "cat:health" in ended.payloads

            await page.reload()
            shown = await messages.locator("li").all_inner_texts()
            order = [FIRST, ANSWERS[0], SECOND, ANSWERS[1]]
            positions = [next(i for i, t in enumerate(shown) if text in t) for text in order]
            assert positions == sorted(positions), shown
            await expect(page.locator("#text")).to_have_count(0)
            await _scan(page, forbidden)
            assert volunteer_tab.errors == []

        await person.press("hfb:up")
        await _next(person, seen)

    async with AsyncSession(pg_engine) as session:
        handover = (await session.scalars(select(Handover).where(Handover.key == key))).one()
        assert (handover.state, handover.outcome, handover.language) == (
            "closed", "ended_by_person", "ar",
        )  # fmt: skip
        assert handover.first_answer_at is not None
        events = (
            await session.scalars(select(UsageEvent).where(UsageEvent.intent == "talk_to_human"))
        ).all()
        assert {e.outcome for e in events} >= {"offered", "opened", "ended", "feedback"}
        stats = " ".join(
            str(getattr(e, column.name)) for e in events for column in UsageEvent.__table__.columns
        )
        assert [s for s in [*forbidden, FIRST, SECOND, *ANSWERS] if s in stats] == []
    said = [FIRST, SECOND, *ANSWERS]
    logged = [
        (record.name, s)
        for record in caplog.records
        for s in [*forbidden, *said]
        if s in record.getMessage()
    ]
    assert logged == []
