"""The issue's journey in a phone-sized Chromium: invited, signed in, edited, published, found.

The last step asks the web chat in Arabic: the whole app runs (worker and sender through the
real queues) with a real Rasa server and the trained model.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from admin_api.accounts.models import Role
from services_directory.audit import Actor
from services_directory.listings import service as listings
from services_directory.listings.models import Service
from tests.helpers.browser import tab
from tests.helpers.portal import People, accept, draft_service, sign_in

pytestmark = pytest.mark.browser
ARABIC_NAME = "عيادة الميناء الصحية"
# What a person in Tangier writes for a doctor, naming the service's district (in Arabic, as
# the association wrote it): the district's services come first in the answer.
ARABIC_QUESTION = "أين أجد طبيب في حي مرشان في طنجة؟"


async def _fill_new_service(page: Page) -> None:
    await page.locator("a[href='/portal/services/new']").click()
    await page.locator("#category").select_option("health")
    await page.locator("#t-fr-name").fill("Permanence santé du port")
    await page.locator("#t-fr-description").fill("Consultations sans rendez-vous, sans papiers.")
    await page.locator("summary[lang='ar']").click()
    await page.locator("#t-ar-name").fill(ARABIC_NAME)
    await page.locator("#t-ar-description").fill("استشارات بدون موعد، بأوراق أو بدونها.")
    for day in ("MO", "WE"):
        await page.locator(f"#h-{day}-1-opens").fill("09:00")
        await page.locator(f"#h-{day}-1-closes").fill("12:30")
    await page.locator("#h-WE-2-opens").fill("14:00")
    await page.locator("#h-WE-2-closes").fill("17:00")
    await page.locator("#phone-1-number").fill("+212 539 00 11 22")
    await page.locator("#city_id").select_option("tangier")
    await page.locator("#address_1").fill("12 rue du Port")
    await page.locator("#district").fill("مرشان")
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


async def test_an_invited_association_adds_a_service_the_city_team_publishes_it_and_it_is_found(
    browser: Browser, whole_app: str, pg_engine: AsyncEngine
) -> None:
    base_url = whole_app
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
    assert saved["translations"]["ar"]["name"] == ARABIC_NAME  # type: ignore[index]
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
        assert ARABIC_NAME in await inserted.all_inner_texts()
        assert "Permanence santé du port" in await inserted.all_inner_texts()
        await page.locator("button[name=action][value=publish]").click()
        await page.wait_for_url("**/portal/review?notice=published")
        assert city.errors == []

    assert (await _service_of(pg_engine, organization))["state"] == "published"

    # Someone opens the web chat on a phone set to Arabic and asks for a doctor.
    async with tab(browser, base_url, locale="ar") as person:
        page = person.page
        await page.goto("/chat")
        await page.locator("#log li.bot").first.wait_for()  # the welcome, after /start
        await page.locator("#text").fill(ARABIC_QUESTION)
        await page.locator("#send").click()
        answer = page.locator("#log li.bot", has_text=ARABIC_NAME)
        await answer.wait_for(timeout=30_000)
        text = await answer.inner_text()
        assert text.startswith("🩺 الصحة في طنجة:"), text
        assert "1. " + ARABIC_NAME in text
        assert await answer.get_attribute("dir") == "rtl"
        assert person.errors == []


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


@pytest.fixture
async def taken_down(pg_engine: AsyncEngine) -> AsyncIterator[list[str]]:
    """The ids of services a test publishes; archived after it, so that the bot's answers in
    later tests (Tangier's housing in English) list the sample directory only."""
    published: list[str] = []
    yield published
    async with AsyncSession(pg_engine) as session, session.begin():
        for service_id in published:
            service = await listings.get_service(session, service_id, for_update=True)
            if service is not None and service.review_state != "archived":
                await listings.transition(
                    session, service=service, action="archive", actor=Actor(None, "test")
                )


async def test_publishing_never_publishes_a_change_made_after_the_page_was_opened(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, taken_down: list[str]
) -> None:
    from admin_api.accounts.service import create_account
    from admin_api.deps import Caller
    from admin_api.listings import service as rules
    from admin_api.versioning import Edit

    people = People(pg_engine)
    organization = await people.organization()
    service_id = await draft_service(pg_engine, organization, "Abri du port", submit=True)
    taken_down.append(service_id)
    reviewer = await people.invite(Role.CITY_ADMIN)
    replaced = "+1 900 666 0000"
    async with tab(browser, base_url) as city:
        page = city.page
        await accept(page, reviewer)
        await sign_in(page, reviewer.login)
        await page.goto(f"/portal/review/{service_id}")
        assert replaced not in await page.content()
        # While the page is open, the association changes the phone number.
        async with AsyncSession(pg_engine) as session, session.begin():
            account = await create_account(
                session, name="second-editor", role=Role.ASSOCIATION, organization_id=organization
            )
            caller = Caller(account, None)
            service = await rules.read_service(session, caller, service_id)
            phones = {"phones": [{"number": replaced}]}
            await rules.edit_service(session, caller, service_id, Edit(phones, service.version))
        async with page.expect_response(f"**/portal/review/{service_id}") as answer:
            await page.locator("button[name=action][value=publish]").click()
        assert (await answer.value).status == 409
        assert "Rien n'a été décidé" in await page.locator("[role=alert]").inner_text()
        async with AsyncSession(pg_engine) as session:
            pending = await session.get(Service, service_id)
            assert pending is not None
            assert pending.review_state == "pending_review"
        # The page now shows the new number; publishing from it publishes what was seen.
        assert replaced in await page.locator("table.diff").last.inner_text()
        await page.locator("button[name=action][value=publish]").click()
        await page.wait_for_url("**/portal/review?notice=published")
        assert city.errors == [
            "Failed to load resource: the server responded with a status of 409 (Conflict)"
        ]
    published = await _service_of(pg_engine, organization)
    assert published["state"] == "published"
    assert [phone["number"] for phone in published["phones"]] == [replaced]  # type: ignore[attr-defined]


async def _published(engine: AsyncEngine, organization: str, name: str) -> str:
    """A service of `organization`, submitted and published as the city team does; its id."""
    from admin_api.accounts.service import create_account
    from admin_api.deps import Caller
    from admin_api.listings import service as rules

    service_id = await draft_service(engine, organization, name, submit=True)
    async with AsyncSession(engine) as session, session.begin():
        city = await create_account(
            session, name="publisher", role=Role.CITY_ADMIN, organization_id=None
        )
        await rules.move_service(
            session, Caller(city, None), service_id=service_id, action="publish", note=None
        )
    return service_id


async def test_an_association_s_change_to_a_published_service_reaches_the_city_team(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, taken_down: list[str]
) -> None:
    people = People(pg_engine)
    organization = await people.organization()
    service_id = await _published(pg_engine, organization, "Douches du port")
    taken_down.append(service_id)
    volunteer = await people.invite(Role.ASSOCIATION, organization)
    reviewer = await people.invite(Role.CITY_ADMIN)
    corrected = "+212 539 00 00 99"
    async with tab(browser, base_url) as association, tab(browser, base_url) as team:
        # The association corrects the phone number of its published service.
        page = association.page
        await accept(page, volunteer)
        await sign_in(page, volunteer.login)
        await page.goto(f"/portal/services/{service_id}/edit")
        await page.locator("#phone-1-number").fill(corrected)
        await page.get_by_role("button", name="Enregistrer", exact=True).click()
        await page.wait_for_url("**/edit?notice=saved")
        # The form shows what they wrote, and says who must see it first.
        assert await page.locator("#phone-1-number").input_value() == corrected
        waiting = "Vos modifications attendent la relecture de l'équipe de la ville"
        assert waiting in await page.locator("main").inner_text()
        await page.goto("/portal/services")
        card = page.locator(".card", has_text="Douches du port")
        assert waiting in await card.inner_text()
        assert (await _service_of(pg_engine, organization))["phones"][0]["number"] != corrected  # type: ignore[index]

        # The city team finds it in its queue, sees the change, and publishes it.
        page = team.page
        await accept(page, reviewer)
        await sign_in(page, reviewer.login)
        await page.wait_for_url("**/portal/review")
        queued = page.locator(".card", has_text="Douches du port")
        assert "Modifications d'un service publié" in await queued.inner_text()
        await queued.get_by_role("link").click()
        await page.wait_for_url(f"**/portal/review/{service_id}")
        changed = page.locator("tr.changed", has_text=corrected)
        assert "+212 539 00 00 01" in await changed.inner_text()
        await page.locator("button[name=action][value=publish]").click()
        await page.wait_for_url("**/portal/review?notice=published")
        assert "Douches du port" not in await page.locator("main").inner_text()
        assert association.errors == []
        assert team.errors == []
    published = await _service_of(pg_engine, organization)
    assert published["state"] == "published"
    assert [phone["number"] for phone in published["phones"]] == [corrected]  # type: ignore[attr-defined]
    async with AsyncSession(pg_engine) as session:
        service = await session.get(Service, service_id)
        assert service is not None
        assert not service.pending


async def test_changes_sent_back_leave_the_published_service_and_tell_the_association_why(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, taken_down: list[str]
) -> None:
    from admin_api.accounts.service import create_account
    from admin_api.deps import Caller
    from admin_api.listings import service as rules
    from admin_api.versioning import Edit

    people = People(pg_engine)
    organization = await people.organization()
    service_id = await _published(pg_engine, organization, "Laverie du port")
    taken_down.append(service_id)
    async with AsyncSession(pg_engine) as session, session.begin():
        maker = await create_account(
            session, name="maker", role=Role.ASSOCIATION, organization_id=organization
        )
        service = await rules.read_service(session, Caller(maker, None), service_id)
        proposal = Edit({"phones": [{"number": "+1 900 666 0000"}]}, service.version)
        await rules.edit_service(session, Caller(maker, None), service_id, proposal)
    volunteer = await people.invite(Role.ASSOCIATION, organization)
    reviewer = await people.invite(Role.CITY_ADMIN)
    async with tab(browser, base_url) as team, tab(browser, base_url) as association:
        page = team.page
        await accept(page, reviewer)
        await sign_in(page, reviewer.login)
        await page.goto(f"/portal/review/{service_id}")
        await page.locator("#note").fill("Ce numéro n'est pas celui de la laverie.")
        await page.locator("button[name=action][value=reject]").click()
        await page.wait_for_url("**/portal/review?notice=rejected")

        page = association.page
        await accept(page, volunteer)
        await sign_in(page, volunteer.login)
        card = page.locator(".card", has_text="Laverie du port")
        text = await card.inner_text()
        assert "Ce numéro n'est pas celui de la laverie." in text
        assert "attendent la relecture" not in text
        assert team.errors == []
        assert association.errors == []
    kept = await _service_of(pg_engine, organization)
    assert kept["state"] == "published"
    assert [phone["number"] for phone in kept["phones"]] == ["+212 539 00 00 01"]  # type: ignore[attr-defined]
