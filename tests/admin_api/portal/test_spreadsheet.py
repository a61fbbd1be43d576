"""A spreadsheet downloaded from the portal, broken, sent back: the problem shows on its row."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, FilePayload, Page
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from admin_api.accounts.models import Role
from services_directory.listings.models import Service
from tests.helpers.browser import serious_violations, tab
from tests.helpers.portal import People, accept, draft_service, sign_in

pytestmark = pytest.mark.browser


async def _upload(page: Page, content: bytes) -> int:
    upload: FilePayload = {"name": "services.csv", "mimeType": "text/csv", "buffer": content}
    await page.locator("#file").set_input_files(files=[upload])
    # The answer's page is loaded before anything else is done with the tab: going back while
    # the form's navigation is still committing detaches the page (seen once in CI).
    async with (
        page.expect_navigation(wait_until="load"),
        page.expect_response(
            lambda r: r.request.method == "POST" and r.url.endswith("/portal/spreadsheet")
        ) as answer,
    ):
        await page.get_by_role("button", name="Importer").click()
    return (await answer.value).status


async def test_a_broken_row_is_shown_with_its_problem_and_nothing_is_imported(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    organization = await people.organization()
    service_id = await draft_service(pg_engine, organization, "Abri de nuit")
    volunteer = await people.invite(Role.ASSOCIATION, organization)
    async with tab(browser, base_url) as signed:
        page = signed.page
        await accept(page, volunteer)
        await sign_in(page, volunteer.login)
        await page.get_by_role("link", name="Tableur").click()
        async with page.expect_download() as downloading:
            await page.get_by_role("link", name="Télécharger (CSV)").click()
        sheet = (await (await downloading.value).path()).read_bytes()
        assert sheet.count(b"\n") == 2  # the header and our one service: nobody else's

        token = page.locator("main form input[name=csrf]")
        real = await token.input_value()
        await token.evaluate("e => e.value = 'forged'")
        assert await _upload(page, sheet) == 403  # an upload is a form like any other
        await page.go_back()
        await token.evaluate(f"e => e.value = '{real}'")

        broken = sheet.replace(b",housing,", b",housin,", 1)
        broken = broken.replace(b"18:00-22:00", b"18:00 to 22:00")
        assert broken.count(b"18:00 to 22:00") == 1
        assert await _upload(page, broken) == 422
        rows = page.locator("#problems tbody tr")
        problems = {}
        for index in range(await rows.count()):
            row, column, problem = await rows.nth(index).locator("td").all_inner_texts()
            problems[(row, column)] = problem.split("\n")
        # Explained in the reader's language, the service's own English words beneath.
        assert problems[("2", "category")][0] == "Cette valeur n'est pas acceptée."
        hint, detail = problems[("2", "hours")]
        assert hint == "Écrivez les horaires comme MO-FR 09:00-17:00 ; séparez les périodes par ;"
        assert detail.endswith("18:00 to 22:00' is not like 'MO-FR 09:00-17:00'"), detail
        assert await serious_violations(page) == []

        renamed = sheet.replace(b"Abri de nuit", b"Abri de nuit du port")
        assert await _upload(page, renamed) == 200
        status = await page.locator("[role=status]").inner_text()
        assert "0 nouveaux, 1 modifiés, 0 inchangés" in status

    async with AsyncSession(pg_engine) as session:
        service = await session.get(Service, service_id)
        assert service is not None
        assert service.name == "Abri de nuit du port"
