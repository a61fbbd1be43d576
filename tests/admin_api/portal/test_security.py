"""Sessions and forms in a real browser: CSRF, expiry, sign-out, password change, lock-out."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Browser
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from admin_api.accounts.models import Role
from services_directory.listings.models import Service
from tests.admin_api.portal.conftest import SHORT_SESSION_S
from tests.helpers.browser import tab
from tests.helpers.portal import PASSWORD, People, accept, sign_in
from tests.standins.server import serve

pytestmark = pytest.mark.browser


async def _services_of(engine: AsyncEngine, organization_id: str) -> int:
    async with AsyncSession(engine) as session:
        count = await session.scalar(
            select(func.count()).select_from(Service)
            .where(Service.organization_id == organization_id)
        )  # fmt: skip
        return int(count or 0)


async def test_a_form_without_the_sessions_token_is_refused_and_changes_nothing(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    organization = await people.organization()
    volunteer = await people.invite(Role.ASSOCIATION, organization)
    async with tab(browser, base_url) as signed:
        page = signed.page
        await accept(page, volunteer)
        await sign_in(page, volunteer.login)
        await page.goto("/portal/services/new")
        await page.locator("#t-fr-name").fill("Service piégé")
        await page.locator("#address_1").fill("1 rue X")
        await page.locator("main form input[name=csrf]").evaluate("e => e.value = 'forged'")
        async with page.expect_response("**/portal/services/new") as answer:
            await page.locator("button[name=then][value=save]").click()
        assert (await answer.value).status == 403
        assert await page.locator("h1").inner_text() == "Ce formulaire ne peut pas être accepté"
    assert await _services_of(pg_engine, organization) == 0


async def test_another_sites_page_cannot_post_with_the_signed_in_cookie(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    organization = await people.organization()
    volunteer = await people.invite(Role.ASSOCIATION, organization)
    # Another port of 127.0.0.1 is the same *site* for SameSite cookies: the browser sends
    # the session cookie along, so only the form token stands in the way.
    forged = f"""<!doctype html><html lang="en"><title>prize</title><body>
      <form id="f" method="post" action="{base_url}/portal/services/new">
      <input name="category" value="health"><input name="t-fr-name" value="Piège">
      <input name="city_id" value="tangier"><input name="address_1" value="1 rue X">
      <input name="csrf" value="guessed"></form></body></html>"""

    async def attacker(_request: object) -> HTMLResponse:
        return HTMLResponse(forged)

    async with (
        serve(Starlette(routes=[Route("/", attacker)])) as evil_url,
        tab(browser, base_url) as signed,
    ):
        page = signed.page
        await accept(page, volunteer)
        await sign_in(page, volunteer.login)
        await page.wait_for_url("**/portal/services")
        await page.goto(evil_url)
        async with page.expect_response(f"{base_url}/portal/services/new") as answer:
            await page.evaluate("document.getElementById('f').submit()")
        assert (await answer.value).status == 403
    assert await _services_of(pg_engine, organization) == 0


async def test_an_expired_session_asks_to_sign_in_again_and_returns_to_the_page(
    browser: Browser, short_sessions: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    volunteer = await people.invite(Role.ASSOCIATION, await people.organization())
    async with tab(browser, short_sessions) as signed:
        page = signed.page
        await accept(page, volunteer)
        await sign_in(page, volunteer.login)
        await page.wait_for_url("**/portal/services")
        await asyncio.sleep(SHORT_SESSION_S + 0.5)
        await page.goto("/portal/password")
        await page.wait_for_url("**/portal/sign-in?next=/portal/password&expired=1")
        assert "Votre session est terminée" in await page.locator("[role=status]").inner_text()
        await page.locator("#login").fill(volunteer.login)
        await page.locator("#password").fill(PASSWORD)
        await page.locator("main form button[type=submit]").click()
        await page.wait_for_url("**/portal/password")


async def test_signing_out_ends_the_session_and_a_new_password_ends_the_others(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    volunteer = await people.invite(Role.ASSOCIATION, await people.organization())
    new_password = "a much longer passphrase"
    async with tab(browser, base_url) as phone, tab(browser, base_url) as office:
        await accept(phone.page, volunteer)
        for device in (phone, office):
            await sign_in(device.page, volunteer.login)
            await device.page.wait_for_url("**/portal/services")
        await phone.page.goto("/portal/password")
        await phone.page.locator("#current").fill(PASSWORD)
        await phone.page.locator("#new").fill(new_password)
        await phone.page.locator("#confirm").fill(new_password)
        await phone.page.locator("main form button[type=submit]").click()
        await phone.page.locator("main [role=status]").wait_for()
        await office.page.goto("/portal/services")
        await office.page.wait_for_url("**/portal/sign-in?next=/portal/services&expired=1")
        await phone.page.goto("/portal/services")
        cookies = await phone.page.context.cookies()
        await phone.page.get_by_role("button", name="Se déconnecter").click()
        await phone.page.wait_for_url("**/portal/sign-in")
        # The cookie is gone from the browser, and a copy of it no longer signs anyone in.
        await phone.page.context.add_cookies([c for c in cookies if c["name"] == "dalil_session"])  # type: ignore[misc]
        await phone.page.goto("/portal/services")
        await phone.page.wait_for_url("**/portal/sign-in?next=/portal/services&expired=1")
        await sign_in(phone.page, volunteer.login, PASSWORD)
        assert "incorrect" in await phone.page.locator("[role=alert]").inner_text()
        await sign_in(phone.page, volunteer.login, new_password)
        await phone.page.wait_for_url("**/portal/services")


async def test_five_wrong_passwords_lock_the_login_even_for_the_right_one(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    volunteer = await people.invite(Role.ASSOCIATION, await people.organization())
    async with tab(browser, base_url) as guesser:
        page = guesser.page
        await accept(page, volunteer)
        for attempt in range(5):
            await sign_in(page, volunteer.login, f"wrong guess {attempt}")
        assert "Trop d'essais" in await page.locator("[role=alert]").inner_text()
        posted = lambda r: r.request.method == "POST" and r.url.endswith("/portal/sign-in")  # noqa: E731
        async with page.expect_response(posted) as answer:
            await sign_in(page, volunteer.login)
        assert (await answer.value).status == 429
        assert "Trop d'essais" in await page.locator("[role=alert]").inner_text()
