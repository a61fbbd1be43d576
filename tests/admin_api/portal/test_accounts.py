"""The city team invites a person from the portal, and disabling them signs them out at once."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from admin_api.accounts.models import Account, Credential, Role
from tests.helpers.browser import Tab, serious_violations, tab
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
        await expect(city.page.locator("p.error")).to_contain_text("de 3 à 120 caractères")
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


async def _invite_refused(city: Tab, action: str = "/portal/accounts") -> str:
    async with city.page.expect_response(f"**{action}") as refused:
        await city.page.get_by_role("button", name="Créer l'invitation").click()
    assert (await refused.value).status == 422
    return await city.page.locator("p.error[role=alert]").inner_text()


async def test_the_accounts_pages_refusals_are_in_the_readers_language(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    reviewer = await people.invite(Role.CITY_ADMIN)
    someone = await people.invite(Role.AUTHORITY)
    async with AsyncSession(pg_engine) as session:
        own_id = await session.scalar(
            select(Credential.account_id).where(Credential.login == reviewer.login)
        )
    async with tab(browser, base_url) as city:
        page = city.page
        await accept(page, reviewer)
        await sign_in(page, reviewer.login)
        await page.wait_for_url("**/portal/review")
        await page.goto("/portal/accounts")
        # A login that is already someone's: said in French, what was typed kept.
        await page.locator("#login").fill(someone.login.upper())
        await page.locator("#role").select_option("city_admin")
        assert await _invite_refused(city) == (
            "Cet identifiant appartient à un autre compte : choisissez-en un autre."
        )
        assert await page.locator("#login").input_value() == someone.login.upper()
        # An association's account with no organisation to choose (as when the list is empty).
        await page.locator("#login").fill("nouvelle@example.org")
        await page.locator("#role").select_option("association")
        await page.locator("#organization_id").evaluate("select => select.replaceChildren()")
        assert await _invite_refused(city) == (
            "Le compte d'une association a besoin de son organisation : "
            "choisissez-la dans la liste."
        )
        # One's own account has no Disable button; a form made by hand is refused, in French.
        for account_id, said in (
            (own_id, "Vous ne pouvez pas désactiver votre propre compte."),
            (2_000_000_000, "Ce compte n'existe pas."),
        ):
            action = f"/portal/accounts/{account_id}/disable"
            async with page.expect_response(f"**{action}") as refused:
                await page.evaluate(
                    """action => {
                        const form = document.querySelector("main form[method=post]");
                        form.action = action;
                        form.submit();
                    }""",
                    action,
                )
            assert (await refused.value).status == 422
            assert await page.locator("p.error[role=alert]").inner_text() == said
        # Another reader's language: Arabic.
        await page.goto("/portal/accounts?lang=ar")
        await page.locator("#login").fill("a b")
        await page.locator("#role").select_option("city_admin")
        async with page.expect_response("**/portal/accounts") as refused:
            await page.locator("main form.stack button[type=submit]").click()
        assert (await refused.value).status == 422
        assert await page.locator("p.error[role=alert]").inner_text() == (
            "يتكوّن اسم الدخول من 3 إلى 120 حرفًا، دون مسافات."
        )
        assert await serious_violations(page) == []
    async with AsyncSession(pg_engine) as session:
        own = await session.get(Account, own_id)
        assert own is not None
        assert own.disabled_at is None
