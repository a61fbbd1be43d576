"""A service taken out of the directory by mistake is found and put back from the portal."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Browser, Page
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from admin_api.accounts.models import Role
from services_directory.audit import Actor
from services_directory.listings import service as listings
from services_directory.listings.models import Service
from tests.helpers.browser import PHONE, serious_violations, tab
from tests.helpers.portal import People, accept, draft_service, sign_in

pytestmark = pytest.mark.browser


async def _taken_out(engine: AsyncEngine, organization: str, name: str) -> str:
    """A service of `organization`, published and then taken out of the directory."""
    service_id = await draft_service(engine, organization, name)
    async with AsyncSession(engine) as session, session.begin():
        service = await listings.get_service(session, service_id, for_update=True)
        assert service is not None
        for action in ("publish", "archive"):
            await listings.transition(
                session, service=service, action=action, actor=Actor(None, "test")
            )
    return service_id


async def _state(engine: AsyncEngine, service_id: str) -> str:
    async with AsyncSession(engine) as session:
        service = await session.get(Service, service_id)
        assert service is not None
        return service.review_state


async def _signed_in(page: Page, engine: AsyncEngine, role: Role, organization: str | None) -> None:
    invited = await People(engine).invite(role, organization)
    await accept(page, invited)
    await sign_in(page, invited.login)
    await page.wait_for_load_state()


async def test_an_association_finds_the_service_it_took_out_and_puts_it_back(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    organization = await People(pg_engine).organization()
    await draft_service(pg_engine, organization, "Accueil de jour")
    service_id = await _taken_out(pg_engine, organization, "Abri de nuit")
    async with tab(browser, base_url, locale="fr") as volunteer:
        page = volunteer.page
        await _signed_in(page, pg_engine, Role.ASSOCIATION, organization)
        # The list shows what is in the directory, and says where the others are.
        assert await page.locator(".card h2").all_inner_texts() == ["Accueil de jour"]
        await page.get_by_role("link", name="1 service retiré de l'annuaire").click()
        await page.wait_for_url("**/portal/services?shown=archived")
        assert await page.locator("h1").inner_text() == "Services retirés de l'annuaire"
        assert await page.locator(".card h2").all_inner_texts() == ["Abri de nuit"]
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert await serious_violations(page) == []
        async with page.expect_response(f"**/portal/services/{service_id}/restore") as answer:
            await page.get_by_role("button", name="Remettre dans l'annuaire: Abri de nuit").click()
        assert (await answer.value).status == 303
        await page.wait_for_url("**/portal/services?notice=restored")
        # Back as a draft: the city team publishes it again, as any new service.
        notice = await page.locator("[role=status]").inner_text()
        assert notice.startswith("Remis en brouillon.")
        card = page.locator(".card", has_text="Abri de nuit")
        assert await card.locator(".state").inner_text() == "Brouillon"
        submit = card.get_by_role("button", name="Envoyer en relecture: Abri de nuit")
        assert await submit.count() == 1
        assert await page.get_by_role("link", name="retiré de l'annuaire").count() == 0
        assert volunteer.errors == []
    assert await _state(pg_engine, service_id) == "draft"
    async with AsyncSession(pg_engine) as session:
        last = (await listings.audit_trail(session, service_id))[-1]
        assert last.action == "restore"
        assert last.changes["status"] == {"from": "archived", "to": "draft"}
        assert last.actor_label.startswith("association:")


async def test_the_page_of_a_service_taken_out_says_so_and_puts_it_back(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    organization = await People(pg_engine).organization()
    service_id = await _taken_out(pg_engine, organization, "Abri de nuit")
    async with tab(browser, base_url, locale="ar") as volunteer:
        page = volunteer.page
        await _signed_in(page, pg_engine, Role.ASSOCIATION, organization)
        await page.goto(f"/portal/services/{service_id}/edit")
        section = page.locator("#put-back")
        # At the top of a long form, where a person on a phone sees it.
        assert await section.evaluate("s => s.getBoundingClientRect().top") < PHONE["height"]
        await section.get_by_role("button").click()
        await page.wait_for_url("**/portal/services?notice=restored")
        assert volunteer.errors == []
    assert await _state(pg_engine, service_id) == "draft"


async def test_putting_back_needs_the_form_s_token_the_service_s_owner_and_happens_once(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    ours, theirs = await people.organization(), await people.organization()
    mine = await _taken_out(pg_engine, ours, "Abri de nuit")
    other = await _taken_out(pg_engine, theirs, "Vestiaire")
    async with tab(browser, base_url) as volunteer, tab(browser, base_url) as reader:
        page = volunteer.page
        await _signed_in(page, pg_engine, Role.ASSOCIATION, ours)
        await page.goto("/portal/services?shown=archived")
        csrf = await page.locator("form[action$='/restore'] input[name=csrf]").input_value()
        restore = f"/portal/services/{mine}/restore"
        # Without the session's token (another site's form, or an ended session): refused.
        forms: list[dict[str, str | float | bool]] = [{}, {"csrf": "forged"}]
        for form in forms:
            answer = await page.request.post(restore, form=form, max_redirects=0)
            assert answer.status == 403
        # Another association's service does not exist for it.
        answer = await page.request.post(
            f"/portal/services/{other}/restore", form={"csrf": csrf}, max_redirects=0
        )
        assert answer.status == 404
        # An authority reads statistics; it changes no listing.
        await _signed_in(reader.page, pg_engine, Role.AUTHORITY, None)
        await reader.page.goto("/portal/statistics")
        reader_csrf = await reader.page.locator(
            "form[method=post] input[name=csrf]"
        ).first.input_value()
        answer = await reader.page.request.post(
            restore, form={"csrf": reader_csrf}, max_redirects=0
        )
        assert answer.status == 403
        assert (await _state(pg_engine, mine), await _state(pg_engine, other)) == (
            "archived",
            "archived",
        )
        # A double tap: both answers lead on as put back, and it is put back once.
        answers = await asyncio.gather(
            *(page.request.post(restore, form={"csrf": csrf}, max_redirects=0) for _ in range(2))
        )
        assert [a.status for a in answers] == [303, 303]
        assert {a.headers["location"] for a in answers} == {"/portal/services?notice=restored"}
        # Committed before the answer: another session reads it at once.
        assert await _state(pg_engine, mine) == "draft"
        # Taking it out again with a double tap: once too.
        archive = f"/portal/services/{mine}/archive"
        answers = await asyncio.gather(
            *(page.request.post(archive, form={"csrf": csrf, "confirmed": "yes"}, max_redirects=0)
              for _ in range(2))
        )  # fmt: skip
        assert [a.status for a in answers] == [303, 303]
        assert {a.headers["location"] for a in answers} == {"/portal/services?notice=archived"}
    async with AsyncSession(pg_engine) as session:
        trail = [e.action for e in await listings.audit_trail(session, mine)]
        assert (trail.count("restore"), trail.count("archive")) == (1, 2)
