"""The city team invites a person from the portal, and disabling them signs them out at once."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from admin_api.accounts.models import Account, Role
from tests.helpers.browser import serious_violations, tab
from tests.helpers.portal import Invited, People, accept, sign_in

pytestmark = pytest.mark.browser


async def test_an_invitation_made_in_the_portal_works_once_and_disabling_ends_the_session(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    organization = await people.organization()
    reviewer = await people.invite(Role.CITY_ADMIN)
    async with tab(browser, base_url) as city, tab(browser, base_url) as newcomer:
        await accept(city.page, reviewer)
        await sign_in(city.page, reviewer.login)
        await city.page.wait_for_url("**/portal/review")
        await city.page.get_by_role("link", name="Comptes").click()
        await city.page.locator("#login").fill("Nadia@Example.org")
        await city.page.locator("#name").fill("Nadia")
        await city.page.locator("#role").select_option("association")
        await city.page.locator("#organization_id").select_option(organization)
        await city.page.get_by_role("button", name="Créer l'invitation").click()
        link = await city.page.locator("#invitation-link").input_value()
        assert link.startswith(f"{base_url}/portal/invitation/")
        assert await serious_violations(city.page) == []
        # Shown once: the page read again no longer carries it.
        await city.page.goto("/portal/accounts")
        assert link not in await city.page.content()

        invited = Invited("nadia@example.org", link.removeprefix(base_url))
        await accept(newcomer.page, invited)
        response = await newcomer.page.goto(invited.link)
        assert response is not None
        assert response.status == 404
        await sign_in(newcomer.page, "NADIA@example.org")
        await newcomer.page.wait_for_url("**/portal/services")

        card = city.page.locator(".card", has_text="nadia@example.org")
        await card.get_by_role("button", name="Désactiver").click()
        await (
            city.page.locator(".card", has_text="nadia@example.org")
            .get_by_role("button", name="Réactiver")
            .wait_for()
        )
        await newcomer.page.goto("/portal/services")
        await newcomer.page.wait_for_url("**/portal/sign-in?next=/portal/services&expired=1")
        await sign_in(newcomer.page, invited.login)
        assert "incorrect" in await newcomer.page.locator("[role=alert]").inner_text()


async def test_odd_input_gets_a_clear_refusal_never_a_server_error(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    reviewer = await people.invite(Role.CITY_ADMIN)
    async with tab(browser, base_url) as city:
        await accept(city.page, reviewer)
        await sign_in(city.page, reviewer.login)
        await city.page.wait_for_url("**/portal/review")
        # An id past the database's integers, typed in the address bar.
        for path in ("/portal/handovers/99999999999", "/portal/handovers/99999999999/messages"):
            response = await city.page.goto(path)
            assert response is not None
            assert response.status == 422, path
        # A login too long and no name: the form comes back saying why.
        await city.page.goto("/portal/accounts")
        await city.page.locator("#login").fill("n" * 130 + "@example.org")
        await city.page.locator("#role").select_option("city_admin")
        async with city.page.expect_response("**/portal/accounts") as refused:
            await city.page.get_by_role("button", name="Créer l'invitation").click()
        assert (await refused.value).status == 422
        await expect(city.page.locator("p.error")).to_contain_text("3 to 120 characters")
        # Refused, and nothing of it kept: no account without its login.
        async with AsyncSession(pg_engine) as session:
            kept = await session.scalar(
                select(func.count()).select_from(Account).where(Account.name.startswith("nnnn"))
            )
            assert kept == 0
        assert (
            city.errors
            == [
                "Failed to load resource: the server responded with a status of 422 "
                "(Unprocessable Entity)"
            ]
            * 3
        )
