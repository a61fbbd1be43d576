"""On a phone-sized screen: what a thumb taps is big enough, what was typed is seen whole."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Browser, Page
from sqlalchemy.ext.asyncio import AsyncEngine

from admin_api.accounts.models import Role
from tests.helpers.browser import tab
from tests.helpers.portal import (
    Invited,
    People,
    accept,
    draft_service,
    editing_a_service,
    sign_in,
)

pytestmark = pytest.mark.browser

# The height the portal gives its buttons and fields (2.75rem): a fingertip's size.
TAP_PX = 44
# The page's links that are not inside a sentence: menus, languages, a card's actions.
MENU_LINKS = "header nav a, footer nav a, .actions a"


async def _too_small(page: Page) -> list[str]:
    """The menu links of the page shorter than a fingertip, with their height."""
    links: list[dict[str, Any]] = await page.evaluate(
        "s => [...document.querySelectorAll(s)].map("
        "a => ({text: a.textContent.trim(), height: a.getBoundingClientRect().height}))",
        MENU_LINKS,
    )
    return [f"{a['text']} ({a['height']:.0f}px)" for a in links if a["height"] < TAP_PX]


@pytest.mark.parametrize("lang", ["fr", "ar", "fa"])
async def test_the_menus_links_are_big_enough_to_tap_on_a_phone(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, lang: str
) -> None:
    people = People(pg_engine)
    organization = await people.organization()
    volunteer = await people.invite(Role.ASSOCIATION, organization)
    city_admin = await people.invite(Role.CITY_ADMIN)
    await draft_service(pg_engine, organization, "Abri de nuit")
    small: list[str] = []
    async with tab(browser, base_url, locale=lang) as association:
        page = association.page
        await accept(page, volunteer)
        await page.goto("/portal/sign-in")
        small += [f"sign-in: {link}" for link in await _too_small(page)]
        await sign_in(page, volunteer.login)
        await page.wait_for_url("**/portal/services")
        assert await page.locator(".actions a").count() == 1
        small += [f"services: {link}" for link in await _too_small(page)]
    async with tab(browser, base_url, locale=lang) as city:
        page = city.page
        await accept(page, city_admin)
        await sign_in(page, city_admin.login)
        await page.wait_for_url("**/portal/review")
        small += [f"review: {link}" for link in await _too_small(page)]
        # Bigger links still leave nothing wider than the screen.
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    assert small == []


# A number as an association writes it, with its country code and spaces.
NUMBER = "+212 539 00 11 22"


@pytest.mark.parametrize("lang", ["fr", "ar"])
async def test_a_whole_phone_number_shows_in_its_field_on_a_phone(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, lang: str
) -> None:
    async with editing_a_service(browser, base_url, pg_engine, lang) as page:
        field = page.locator("#phone-1-number")
        await field.fill(NUMBER)
        # Wider text than the field scrolls inside it: the end of the number is out of sight.
        hidden = await field.evaluate("f => f.scrollWidth - f.clientWidth")
        assert hidden <= 0, f"{hidden}px of {NUMBER} out of sight"
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360


async def _invite_from_a_phone(page: Page, city_admin: Invited, login: str) -> None:
    # A city admin signs in and invites `login` as a city admin too.
    await accept(page, city_admin)
    await sign_in(page, city_admin.login)
    await page.wait_for_url("**/portal/review")
    await page.goto("/portal/accounts")
    await page.locator("#login").fill(login)
    await page.locator("#role").select_option("city_admin")
    await page.locator("main form button[type=submit]").first.click()


@pytest.mark.parametrize("lang", ["fa", "fr"])
async def test_an_invitation_link_shows_whole_on_a_phone(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, lang: str
) -> None:
    city_admin = await People(pg_engine).invite(Role.CITY_ADMIN)
    async with tab(browser, base_url, locale=lang) as city:
        page = city.page
        await _invite_from_a_phone(page, city_admin, f"{lang}-{city_admin.login}")
        link = page.locator("#invitation-link")
        assert (await link.input_value()).startswith(f"{base_url}/portal/invitation/")
        # The city team reads the link before sending it: none of it scrolls out of sight.
        hidden = await link.evaluate(
            "f => ({across: f.scrollWidth - f.clientWidth, down: f.scrollHeight - f.clientHeight})"
        )
        assert hidden == {"across": 0, "down": 0}


@pytest.mark.parametrize("lang", ["fa", "fr"])
async def test_a_long_login_in_the_list_of_accounts_fits_the_phones_width(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, lang: str
) -> None:
    people = People(pg_engine)
    city_admin = await people.invite(Role.CITY_ADMIN)
    # An association's shared address, as long as some are.
    long_login = f"coordination.benevoles.{lang}@association-solidarite-{lang}.example.org"
    async with tab(browser, base_url, locale=lang) as city:
        page = city.page
        await _invite_from_a_phone(page, city_admin, long_login)
        await page.locator("#invitation-link").wait_for()
        await page.goto("/portal/accounts")
        await page.locator(".card bdi[dir=ltr]", has_text=long_login).wait_for()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("lang", ["fr", "ar"])
async def test_the_statistics_downloads_are_big_enough_to_tap_on_a_phone(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, lang: str
) -> None:
    city_admin = await People(pg_engine).invite(Role.CITY_ADMIN)
    async with tab(browser, base_url, locale=lang) as city:
        page = city.page
        await accept(page, city_admin)
        await sign_in(page, city_admin.login)
        await page.goto("/portal/statistics")
        # One "Download as CSV" under each chart, on a line of its own: a thumb's target.
        heights: list[float] = await page.locator("main a[download]").evaluate_all(
            "links => links.map(a => a.getBoundingClientRect().height)"
        )
        assert len(heights) >= 5
        assert min(heights) >= TAP_PX, heights
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
