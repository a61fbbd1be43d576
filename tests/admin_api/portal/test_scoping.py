"""An association sees and touches its own drafts only, whatever address it types."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from admin_api.accounts.models import Role
from services_directory.listings.models import Service
from tests.helpers.browser import tab
from tests.helpers.portal import People, accept, draft_service, sign_in

pytestmark = pytest.mark.browser


async def test_an_association_never_sees_nor_moves_another_associations_draft(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    theirs = await people.organization()
    secret = await draft_service(pg_engine, theirs, "Brouillon confidentiel")
    ours = await people.organization()
    mine = await draft_service(pg_engine, ours, "Notre accueil de jour")
    volunteer = await people.invite(Role.ASSOCIATION, ours)
    async with tab(browser, base_url) as signed:
        page = signed.page
        await accept(page, volunteer)
        await sign_in(page, volunteer.login)
        await page.wait_for_url("**/portal/services")
        listed = await page.locator(".card h2").all_inner_texts()
        assert listed == ["Notre accueil de jour"]
        assert "Brouillon confidentiel" not in await page.content()

        # Another's service does not exist for it; the review queue is the city team's.
        for path, status in (
            (f"/portal/services/{secret}/edit", 404),
            (f"/portal/review/{secret}", 403),
        ):
            response = await page.goto(path)
            assert response is not None, path
            assert response.status == status, path
            assert "Brouillon confidentiel" not in await page.content()

        # A real form of ours, pointed at their draft: the token is right, the scope is not.
        await page.goto("/portal/services")
        form = page.locator(".card", has_text="Notre accueil de jour").locator("form")
        assert await form.get_attribute("action") == f"/portal/services/{mine}/submit"
        await form.evaluate(f"f => f.action = '/portal/services/{secret}/submit'")
        async with page.expect_response(f"**/portal/services/{secret}/submit") as answer:
            await form.locator("button").click()
        assert (await answer.value).status == 404
    async with AsyncSession(pg_engine) as session:
        service = await session.get(Service, secret)
        assert service is not None
        assert service.review_state == "draft"
