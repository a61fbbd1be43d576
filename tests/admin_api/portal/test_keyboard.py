"""The whole journey with the keyboard alone: Tab, typing, arrows, Enter and Space, from the
invitation to the answer in the web chat."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import selectinload

from admin_api.accounts.models import Role
from services_directory.listings.models import Service
from tests.helpers.browser import choose, tab, tab_to, type_into
from tests.helpers.portal import PASSWORD, Invited, People

pytestmark = pytest.mark.browser
ARABIC_NAME = "دروس الفرنسية المسائية"
# French lessons in the service's district, as a person in Tangier writes it: the district's
# services come first in the answer.
ARABIC_QUESTION = "أين أجد دروس اللغة الفرنسية في حي مرشان في طنجة؟"


async def _accept_and_sign_in(page: Page, invited: Invited) -> None:
    await page.goto(invited.link)
    await type_into(page, "#password", PASSWORD)
    await type_into(page, "#confirm", PASSWORD)
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/portal/sign-in?welcome=1")
    await type_into(page, "#login", invited.login)
    await type_into(page, "#password", PASSWORD)
    await page.keyboard.press("Enter")


async def test_the_journey_needs_no_mouse(
    browser: Browser, whole_app: str, pg_engine: AsyncEngine
) -> None:
    base_url = whole_app
    people = People(pg_engine)
    organization = await people.organization()
    volunteer = await people.invite(Role.ASSOCIATION, organization)
    reviewer = await people.invite(Role.CITY_ADMIN)
    async with tab(browser, base_url) as association:
        page = association.page
        await _accept_and_sign_in(page, volunteer)
        await page.wait_for_url("**/portal/services")
        await tab_to(page, "a[href='/portal/services/new']")
        await page.keyboard.press("Enter")
        await page.wait_for_url("**/portal/services/new")
        await choose(page, "#category", "education")
        await type_into(page, "#t-fr-name", "Cours de français du soir")
        await tab_to(page, "summary[lang='ar']")
        await page.keyboard.press("Enter")  # opens the Arabic section
        await type_into(page, "#t-ar-name", ARABIC_NAME)
        # Typed digits, as a person would; hours from 13 to 19 read the same whether the
        # browser shows the field in 24 hours or in 12 with AM/PM.
        await type_into(page, "#h-TU-1-opens", "1800")
        await type_into(page, "#h-TU-1-closes", "1930")
        await choose(page, "#city_id", "tangier")
        await type_into(page, "#address_1", "5 place du Marché")
        await type_into(page, "#district", "مرشان")
        await tab_to(page, "#is_free")
        await page.keyboard.press("Space")
        await tab_to(page, "button[name=then][value=submit]")
        await page.keyboard.press("Enter")
        await page.wait_for_url("**/portal/services?notice=submitted")

    async with AsyncSession(pg_engine) as session:
        service = await session.scalar(
            select(Service)
            .where(Service.organization_id == organization)
            .options(selectinload(Service.schedules))
        )
        assert service is not None
        assert service.review_state == "pending_review"
        assert service.is_free is False  # Space unticked the box, ticked at first
        assert [(s.byday, s.opens_at, s.closes_at) for s in service.schedules] == [
            ("TU", "18:00", "19:30")
        ]

    async with tab(browser, base_url) as city:
        page = city.page
        await _accept_and_sign_in(page, reviewer)
        await page.wait_for_url("**/portal/review")
        await tab_to(page, f"a[href='/portal/review/{service.id}']")
        await page.keyboard.press("Enter")
        await page.wait_for_url(f"**/portal/review/{service.id}")
        await tab_to(page, "button[name=action][value=publish]")
        await page.keyboard.press("Enter")
        await page.wait_for_url("**/portal/review?notice=published")
        assert association.errors == []
        assert city.errors == []

    # The person asks the web chat in Arabic, with the keyboard alone too.
    async with tab(browser, base_url, locale="ar") as person:
        page = person.page
        await page.goto("/chat")
        await page.locator("#log li.bot").first.wait_for()  # the welcome: the field is enabled
        await type_into(page, "#text", ARABIC_QUESTION)
        await page.keyboard.press("Enter")
        answer = page.locator("#log li.bot", has_text=ARABIC_NAME)
        await answer.wait_for(timeout=30_000)
        assert "1. " + ARABIC_NAME in await answer.inner_text()
        assert person.errors == []
