"""The portal's journey in a phone-sized Chromium: invited, signed in, edited, published."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from admin_api.accounts.models import Role
from services_directory.listings import service as listings
from services_directory.listings.models import Service
from tests.helpers.browser import tab
from tests.helpers.portal import People, accept, draft_service, sign_in

pytestmark = pytest.mark.browser


async def _fill_new_service(page: Page) -> None:
    await page.locator("a[href='/portal/services/new']").click()
    await page.locator("#category").select_option("health")
    await page.locator("#t-fr-name").fill("Permanence santé du port")
    await page.locator("#t-fr-description").fill("Consultations sans rendez-vous, sans papiers.")
    await page.locator("summary[lang='ar']").click()
    await page.locator("#t-ar-name").fill("عيادة الميناء الصحية")
    await page.locator("#t-ar-description").fill("استشارات بدون موعد، بأوراق أو بدونها.")
    for day in ("MO", "WE"):
        await page.locator(f"#h-{day}-1-opens").fill("09:00")
        await page.locator(f"#h-{day}-1-closes").fill("12:30")
    await page.locator("#h-WE-2-opens").fill("14:00")
    await page.locator("#h-WE-2-closes").fill("17:00")
    await page.locator("#phone-1-number").fill("+212 539 00 11 22")
    await page.locator("#city_id").select_option("tangier")
    await page.locator("#address_1").fill("12 rue du Port")
    await page.locator("#latitude").fill("35.7859")
    await page.locator("#longitude").fill("-5.8120")


async def _service_of(engine: AsyncEngine, organization_id: str) -> dict[str, object]:
    async with AsyncSession(engine) as session:
        found = await session.scalars(
            select(Service.id).where(Service.organization_id == organization_id)
        )
        ids = list(found)
        assert len(ids) == 1
        service = await listings.get_service(session, ids[0])
        assert service is not None
        return {"state": service.review_state, **listings.to_fields(service)}


async def test_an_invited_association_adds_a_service_and_the_city_team_publishes_it(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    organization = await people.organization()
    volunteer = await people.invite(Role.ASSOCIATION, organization)
    reviewer = await people.invite(Role.CITY_ADMIN)

    async with tab(browser, base_url) as association:
        page = association.page
        await accept(page, volunteer)
        await sign_in(page, volunteer.login)
        await page.wait_for_url("**/portal/services")
        await _fill_new_service(page)
        await page.locator("button[name=then][value=submit]").click()
        await page.wait_for_url("**/portal/services?notice=submitted")
        card = page.locator(".card", has_text="Permanence santé du port")
        await card.wait_for()
        assert association.errors == []

    saved = await _service_of(pg_engine, organization)
    assert saved["state"] == "pending_review"
    assert saved["translations"]["ar"]["name"] == "عيادة الميناء الصحية"  # type: ignore[index]
    assert saved["schedules"] == [
        {"byday": "MO,WE", "opens_at": "09:00", "closes_at": "12:30", "valid_from": None,
         "valid_to": None, "closed": False, "description": None},
        {"byday": "WE", "opens_at": "14:00", "closes_at": "17:00", "valid_from": None,
         "valid_to": None, "closed": False, "description": None},
    ]  # fmt: skip
    assert saved["location"]["latitude"] == pytest.approx(35.7859)  # type: ignore[index]

    async with tab(browser, base_url) as city:
        page = city.page
        await accept(page, reviewer)
        await sign_in(page, reviewer.login)
        await page.wait_for_url("**/portal/review")
        await page.get_by_role("link", name="Permanence santé du port").click()
        inserted = page.locator("table.diff tr.changed ins")
        await inserted.first.wait_for()
        assert "عيادة الميناء الصحية" in await inserted.all_inner_texts()
        assert "Permanence santé du port" in await inserted.all_inner_texts()
        await page.locator("button[name=action][value=publish]").click()
        await page.wait_for_url("**/portal/review?notice=published")
        assert city.errors == []

    assert (await _service_of(pg_engine, organization))["state"] == "published"


async def test_sending_back_needs_a_note_which_the_association_then_reads(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    organization = await people.organization()
    service_id = await draft_service(pg_engine, organization, "Vestiaire solidaire", submit=True)
    volunteer = await people.invite(Role.ASSOCIATION, organization)
    reviewer = await people.invite(Role.CITY_ADMIN)
    async with tab(browser, base_url) as city:
        page = city.page
        await accept(page, reviewer)
        await sign_in(page, reviewer.login)
        await page.goto(f"/portal/review/{service_id}")
        async with page.expect_response(f"**/portal/review/{service_id}") as answer:
            await page.locator("button[name=action][value=reject]").click()
        assert (await answer.value).status == 422
        assert "écrivez une note" in await page.locator("[role=alert]").inner_text()
        await page.locator("#note").fill("Il manque les horaires du samedi.")
        await page.locator("button[name=action][value=reject]").click()
        await page.wait_for_url("**/portal/review?notice=rejected")
    async with tab(browser, base_url) as association:
        page = association.page
        await accept(page, volunteer)
        await sign_in(page, volunteer.login)
        card = page.locator(".card", has_text="Vestiaire solidaire")
        assert "Il manque les horaires du samedi." in await card.inner_text()
        assert "Brouillon" in await card.inner_text()
