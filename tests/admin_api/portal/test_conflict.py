"""Two people edit one service: the second sees both versions, and loses nothing."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from admin_api.accounts.models import Role
from services_directory.listings import service as listings
from tests.helpers.browser import tab
from tests.helpers.portal import People, accept, draft_service, sign_in

pytestmark = pytest.mark.browser


async def test_the_later_save_shows_both_versions_and_keeps_what_was_typed(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    organization = await people.organization()
    service_id = await draft_service(pg_engine, organization, "Abri de nuit")
    first = await people.invite(Role.ASSOCIATION, organization)
    second = await people.invite(Role.ASSOCIATION, organization)
    edit = f"/portal/services/{service_id}/edit"
    async with tab(browser, base_url) as amina, tab(browser, base_url) as omar:
        for person, invited in ((amina, first), (omar, second)):
            await accept(person.page, invited)
            await sign_in(person.page, invited.login)
            await person.page.wait_for_url("**/portal/services")
            await person.page.goto(edit)
        await amina.page.locator("#t-fr-name").fill("Abri de nuit du port")
        await amina.page.locator("button[name=then][value=save]").click()
        await amina.page.wait_for_url("**?notice=saved")

        typed = "Une nuit au chaud, un repas, une douche."
        await omar.page.locator("#t-fr-description").fill(typed)
        async with omar.page.expect_response(f"**{edit}") as answer:
            await omar.page.locator("button[name=then][value=save]").click()
        assert (await answer.value).status == 409
        theirs = omar.page.locator("section.theirs")
        assert "Abri de nuit du port" in await theirs.inner_text()
        assert await omar.page.locator("#t-fr-description").input_value() == typed
        assert await omar.page.locator("#t-fr-name").input_value() == "Abri de nuit"

        # Omar takes Amina's new name, and saves again: now over the version he has seen.
        await omar.page.locator("#t-fr-name").fill("Abri de nuit du port")
        await omar.page.locator("button[name=then][value=save]").click()
        await omar.page.wait_for_url("**?notice=saved")
        # The browser logs the 409 answer itself, and nothing else.
        assert amina.errors == []
        assert [("409" in e) for e in omar.errors] == [True]

    async with AsyncSession(pg_engine) as session:
        service = await listings.get_service(session, service_id)
        assert service is not None
        text = listings.to_fields(service)["translations"]["fr"]
        assert (text["name"], text["description"]) == ("Abri de nuit du port", typed)
        assert service.version == 3
