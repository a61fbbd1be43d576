"""Every main page in French and Arabic, phone and desktop: screenshots, direction, axe-core."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page
from sqlalchemy.ext.asyncio import AsyncEngine

from admin_api.accounts.models import Role
from tests.helpers.browser import DESKTOP, PHONE, screenshot, serious_violations, tab
from tests.helpers.portal import People, accept, draft_service, sign_in

pytestmark = pytest.mark.browser


async def _check(page: Page, name: str, lang: str, problems: list[str]) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    await screenshot(page, f"{name}-{lang}-{width}")
    html = page.locator("html")
    assert await html.get_attribute("lang") == lang
    assert await html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    # Mobile first: nothing wider than the screen, so nothing needs sideways scrolling.
    assert await page.evaluate("document.documentElement.scrollWidth") <= width, name
    problems += [f"{name} {lang} {width}: {v}" for v in await serious_violations(page)]


@pytest.mark.parametrize("lang", ["fr", "ar"])
async def test_main_pages_are_translated_laid_out_and_accessible(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, lang: str
) -> None:
    people = People(pg_engine)
    organization = await people.organization()
    volunteer = await people.invite(Role.ASSOCIATION, organization)
    reviewer = await people.invite(Role.CITY_ADMIN)
    draft = await draft_service(pg_engine, organization, "Abri de nuit")
    pending = await draft_service(pg_engine, organization, "Douches du port", submit=True)
    # A name with no place to break a line (as typed in one word) fits the phone's width too.
    await draft_service(
        pg_engine, organization, "AssociationDesTravailleursImmigresDeLaRegionLyonnaise"
    )
    problems: list[str] = []
    for viewport in (PHONE, DESKTOP):
        async with tab(browser, base_url, viewport=viewport, locale=lang) as association:
            page = association.page
            await accept(page, volunteer) if viewport is PHONE else None
            await page.goto("/portal/sign-in")
            await _check(page, "sign-in", lang, problems)
            await sign_in(page, volunteer.login)
            await page.wait_for_url("**/portal/services")
            await _check(page, "services", lang, problems)
            # Labels from the shared macros follow the page's language too, whichever came first.
            draft_label = {"fr": "Brouillon", "ar": "مسودة"}[lang]
            assert draft_label in await page.locator(".card .state").all_inner_texts()
            await page.goto("/portal/services/new")
            await _check(page, "service-new", lang, problems)
            await page.goto(f"/portal/services/{draft}/edit")
            await _check(page, "service-edit", lang, problems)
            # The card migrants see, in each of the draft's two languages, and the closures.
            assert await page.locator("#preview .preview").count() == 2
            await page.locator("#dated").wait_for()
            await page.goto("/portal/unmet")
            await _check(page, "unmet", lang, problems)
            await page.goto("/portal/password")
            await _check(page, "password", lang, problems)
            await page.goto("/portal/spreadsheet")
            await _check(page, "spreadsheet", lang, problems)
            assert association.errors == []
        async with tab(browser, base_url, viewport=viewport, locale=lang) as city:
            page = city.page
            await accept(page, reviewer) if viewport is PHONE else None
            await sign_in(page, reviewer.login)
            await page.wait_for_url("**/portal/review")
            await _check(page, "review-queue", lang, problems)
            await page.goto(f"/portal/review/{pending}")
            await _check(page, "review", lang, problems)
            await page.goto("/portal/accounts")
            await _check(page, "accounts", lang, problems)
            assert city.errors == []
    assert problems == []
