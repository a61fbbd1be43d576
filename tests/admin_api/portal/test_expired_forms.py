"""A form sent after the session ended: signing in again brings back what was typed, unsaved.

The session ends as it does for a volunteer who typed too long: `PORTAL_SESSION_S` runs out
(short here). Real app, real PostgreSQL and Redis, Debian's Chromium.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine

import pytest
from playwright.async_api import Browser, FilePayload, Page, expect
from playwright.async_api import Route as Intercepted
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from admin_api.accounts.models import Role
from core.campaigns import Campaign
from services_directory.listings import service as listings
from services_directory.listings.models import Service
from tests.admin_api.portal.conftest import SHORT_SESSION_S
from tests.helpers.browser import serious_violations, tab
from tests.helpers.portal import PASSWORD, People, accept, draft_service, sign_in
from tests.standins.server import serve

pytestmark = pytest.mark.browser

NAME = "Bains-douches du Port"
# Several lines, quotes, markup and an ampersand: all of it must come back as typed.
DESCRIPTION = (
    "Douches chaudes, laverie et consigne, sans rendez-vous.\n"
    'Avec ou sans papiers : « bienvenue » & <merci> à "tous".'
)


async def _services_of(engine: AsyncEngine, organization_id: str) -> list[str]:
    async with AsyncSession(engine) as session:
        found = await session.scalars(
            select(Service.id).where(Service.organization_id == organization_id)
        )
        return list(found)


async def _until_the_session_ends(opened: float) -> None:
    await asyncio.sleep(max(0.0, opened + SHORT_SESSION_S + 0.5 - time.monotonic()))


async def _signed_in(page: Page, login: str) -> float:
    """Sign in; return when, by the clock the session's lifetime runs on."""
    await sign_in(page, login)
    await page.wait_for_url("**/portal/services")
    return time.monotonic()


async def test_a_service_typed_while_the_session_ended_comes_back_after_signing_in(
    browser: Browser, short_sessions: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    organization = await people.organization()
    volunteer = await people.invite(Role.ASSOCIATION, organization)
    async with tab(browser, short_sessions) as phone:
        page = phone.page
        await accept(page, volunteer)
        opened = await _signed_in(page, volunteer.login)
        await page.goto("/portal/services/new")
        old_token = await page.locator("main form input[name=csrf]").input_value()
        await page.locator("#category").select_option("social_support")
        await page.locator("#t-fr-name").fill(NAME)
        await page.locator("#t-fr-description").fill(DESCRIPTION)
        await page.locator("#h-TU-1-opens").fill("08:30")
        await page.locator("#h-TU-1-closes").fill("12:00")
        await page.locator("#is_free").uncheck()
        await page.locator("#by_appointment").check()
        await page.locator("#city_id").select_option("lyon")
        await page.locator("#address_1").fill("3 quai Rambaud")
        await _until_the_session_ends(opened)

        async with page.expect_response("**/portal/services/new") as answer:
            await page.locator("button[name=then][value=save]").click()
        assert (await answer.value).status == 401
        await expect(page.locator("main [role=status]")).to_contain_text("pas encore enregistré")
        assert await page.locator("#password").input_value() == ""
        # A mistyped password: what was typed is carried again.
        await page.locator("#login").fill(volunteer.login)
        await page.locator("#password").fill("not the password")
        await page.locator("main form button[type=submit]").click()
        await expect(page.locator("[role=alert]")).to_contain_text("incorrect")
        kept = page.locator("input[type=hidden][name='kept-t-fr-description']")
        assert await kept.input_value() == DESCRIPTION
        await page.locator("#login").fill(volunteer.login)
        await page.locator("#password").fill(PASSWORD)
        await page.locator("main form button[type=submit]").click()

        # The form again, as it was filled in, with a notice; nothing saved yet.
        await expect(page.locator("main > .notice[role=status]")).to_have_text(
            "Connexion rétablie. Ce que vous aviez saisi est revenu dans le formulaire, "
            "mais n'est pas encore enregistré : vérifiez-le, puis envoyez-le."
        )
        assert await page.locator("#t-fr-name").input_value() == NAME
        assert await page.locator("#t-fr-description").input_value() == DESCRIPTION
        assert await page.locator("#category").input_value() == "social_support"
        assert await page.locator("#city_id").input_value() == "lyon"
        assert await page.locator("#h-TU-1-opens").input_value() == "08:30"
        assert not await page.locator("#is_free").is_checked()
        assert await page.locator("#by_appointment").is_checked()
        new_token = await page.locator("main form input[name=csrf]").input_value()
        assert new_token not in {"", old_token}
        assert await _services_of(pg_engine, organization) == []
        assert await serious_violations(page) == []

        # Sent by the person, it is saved as typed.
        await page.locator("button[name=then][value=save]").click()
        await page.wait_for_url("**/portal/services/*/edit?notice=saved")
    [service_id] = await _services_of(pg_engine, organization)
    async with AsyncSession(pg_engine) as session:
        service = await listings.get_service(session, service_id)
        assert service is not None
        fields = listings.to_fields(service)
    assert fields["translations"]["fr"]["name"] == NAME
    assert fields["translations"]["fr"]["description"].replace("\r\n", "\n") == DESCRIPTION
    assert (fields["is_free"], fields["by_appointment"]) == (False, True)


async def test_an_edit_sent_late_keeps_its_version_so_a_newer_save_is_not_overwritten(
    browser: Browser, short_sessions: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    organization = await people.organization()
    volunteer = await people.invite(Role.ASSOCIATION, organization)
    colleague = await people.invite(Role.ASSOCIATION, organization)
    async with tab(browser, short_sessions) as phone, tab(browser, short_sessions) as office:
        await accept(phone.page, volunteer)
        await accept(office.page, colleague)
        await _signed_in(office.page, colleague.login)
        await office.page.goto("/portal/services/new")
        await office.page.locator("#category").select_option("health")
        await office.page.locator("#t-fr-name").fill("Permanence santé")
        await office.page.locator("#city_id").select_option("lyon")
        await office.page.locator("#address_1").fill("1 place Bellecour")
        await office.page.locator("button[name=then][value=save]").click()
        await office.page.wait_for_url("**/portal/services/*/edit?notice=saved")
        edit = office.page.url.split("?")[0].removeprefix(short_sessions)

        opened = await _signed_in(phone.page, volunteer.login)
        await phone.page.goto(edit)
        await phone.page.locator("#t-fr-description").fill("Le mardi matin seulement.")
        # Meanwhile the colleague saves the service again.
        await _signed_in(office.page, colleague.login)
        await office.page.goto(edit)
        await office.page.locator("#t-fr-name").fill("Permanence santé de Lyon")
        await office.page.locator("button[name=then][value=save]").click()
        await office.page.wait_for_url("**/portal/services/*/edit?notice=saved")
        await _until_the_session_ends(opened)

        page = phone.page
        await page.locator("button[name=then][value=save]").click()
        await page.locator("#login").fill(volunteer.login)
        await page.locator("#password").fill(PASSWORD)
        await page.locator("main form button[type=submit]").click()
        await expect(page.locator("#t-fr-description")).to_have_value("Le mardi matin seulement.")
        # Sent again, it is the version it was read in that is checked: the colleague's save
        # is shown beside it, not silently replaced.
        async with page.expect_response(f"**{edit}") as answer:
            await page.locator("button[name=then][value=save]").click()
        assert (await answer.value).status == 409
        await expect(page.locator("#theirs-title")).to_be_visible()
        assert await page.locator("#t-fr-description").input_value() == "Le mardi matin seulement."
    async with AsyncSession(pg_engine) as session:
        [service_id] = await _services_of(pg_engine, organization)
        service = await listings.get_service(session, service_id)
        assert service is not None
        assert listings.to_fields(service)["translations"]["fr"]["name"] == (
            "Permanence santé de Lyon"
        )


def _without_fetch_metadata(
    origins: list[str | None],
) -> Callable[[Intercepted], Coroutine[None, None, None]]:
    """Send a tab's forms as Safari before 16.4 does: the browser's own request (its Origin,
    cookies and body) with no Sec-Fetch-* header; note each form's Origin in `origins`."""

    async def send(route: Intercepted) -> None:
        if route.request.method != "POST":
            await route.continue_()
            return
        sent = await route.request.all_headers()
        origins.append(sent.get("origin"))
        headers = {k: v for k, v in sent.items() if not k.startswith("sec-fetch-")}
        # Its answer goes back to the browser as it came, a redirect included.
        await route.fulfill(response=await route.fetch(headers=headers, max_redirects=0))

    return send


# With the referrer withheld, the browser sends "Origin: null"; without fetch metadata, the
# browser says nothing else of where the form came from.
@pytest.mark.parametrize("referrer", ["", '<meta name="referrer" content="no-referrer">'])
@pytest.mark.parametrize("fetch_metadata", [True, False])
async def test_another_sites_form_is_not_carried_into_the_sign_in_page(
    browser: Browser, short_sessions: str, pg_engine: AsyncEngine, referrer: str,
    fetch_metadata: bool,
) -> None:  # fmt: skip
    people = People(pg_engine)
    organization = await people.organization()
    volunteer = await people.invite(Role.ASSOCIATION, organization)
    planted = "Appelez le 06 00 00 00 00 pour vos papiers"
    forged = f"""<!doctype html><html lang="en">{referrer}<title>prize</title><body>
      <form id="f" method="post" action="{short_sessions}/portal/services/new">
      <input name="category" value="legal"><input name="t-fr-name" value="Aide">
      <input name="t-fr-description" value="{planted}"></form></body></html>"""

    async def attacker(_request: object) -> HTMLResponse:
        return HTMLResponse(forged)

    async with (
        serve(Starlette(routes=[Route("/", attacker)])) as evil_url,
        tab(browser, short_sessions) as signed,
    ):
        page = signed.page
        await accept(page, volunteer)
        opened = await _signed_in(page, volunteer.login)
        await _until_the_session_ends(opened)
        # The expired session's cookie goes along (another port is the same site), but the
        # form comes from another origin: the browser is only sent to sign in.
        origins: list[str | None] = []
        if not fetch_metadata:
            await page.route("**/portal/services/new", _without_fetch_metadata(origins))
        await page.goto(evil_url)
        async with page.expect_response(f"{short_sessions}/portal/services/new") as answer:
            await page.evaluate("document.getElementById('f').submit()")
        assert (await answer.value).status == 303
        assert origins in ([], [evil_url], ["null"])
        await page.wait_for_url("**/portal/sign-in?**")
        assert planted not in await page.content()
        await sign_in(page, volunteer.login)
        await page.wait_for_url("**/portal/services**")
        assert planted not in await page.content()
    assert await _services_of(pg_engine, organization) == []


async def test_a_password_form_is_never_carried(
    browser: Browser, short_sessions: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    volunteer = await people.invite(Role.ASSOCIATION, await people.organization())
    async with tab(browser, short_sessions) as signed:
        page = signed.page
        await accept(page, volunteer)
        opened = await _signed_in(page, volunteer.login)
        await page.goto("/portal/password")
        await page.locator("#current").fill(PASSWORD)
        await page.locator("#new").fill("a new and long passphrase")
        await page.locator("#confirm").fill("a new and long passphrase")
        await _until_the_session_ends(opened)
        await page.locator("main form button[type=submit]").click()
        await page.wait_for_url("**/portal/sign-in?next=/portal/password&expired=1")
        assert await page.locator("input[name^=kept]").count() == 0
        assert "a new and long passphrase" not in await page.content()
        assert PASSWORD not in await page.content()
        # Nothing was changed: the old password still signs in, and the page comes back empty.
        await page.locator("#login").fill(volunteer.login)
        await page.locator("#password").fill(PASSWORD)
        await page.locator("main form button[type=submit]").click()
        await page.wait_for_url("**/portal/password")
        assert await page.locator("#new").input_value() == ""


async def _campaigns_of(engine: AsyncEngine, rumour_key: str) -> int:
    async with AsyncSession(engine) as session:
        found = await session.scalar(
            select(func.count()).select_from(Campaign).where(Campaign.rumour_key == rumour_key)
        )
        return found or 0


async def test_a_campaign_confirmed_after_the_session_ended_is_asked_again_not_sent(
    browser: Browser, short_sessions: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    admin = await people.invite(Role.CITY_ADMIN)
    started_before = await _campaigns_of(pg_engine, "take_jobs")
    async with tab(browser, short_sessions) as phone:
        page = phone.page
        await accept(page, admin)
        await sign_in(page, admin.login)
        await page.wait_for_url("**/portal/review")
        opened = time.monotonic()
        await page.goto("/portal/campaigns")
        await page.locator("#rumour_key").select_option("take_jobs")
        await page.locator("#city").select_option("vienna")
        await page.locator("main form button[type=submit]").click()
        confirm = page.locator("main form:has(input[name=confirmed]) button[type=submit]")
        await confirm.wait_for()
        await _until_the_session_ends(opened)

        async with page.expect_response("**/portal/campaigns") as answer:
            await confirm.click()
        assert (await answer.value).status == 401
        await page.locator("#login").fill(admin.login)
        await page.locator("#password").fill(PASSWORD)
        await page.locator("main form button[type=submit]").click()

        # The choice is back in the form; the confirmation is asked again, nothing was queued.
        await expect(page.locator("main > .notice[role=status]")).to_contain_text(
            "pas encore enregistré"
        )
        assert await page.locator("#rumour_key").input_value() == "take_jobs"
        assert await page.locator("#city").input_value() == "vienna"
        assert await _campaigns_of(pg_engine, "take_jobs") == started_before
        await page.locator("main form button[type=submit]").click()
        await expect(page.locator("h1")).to_have_text("Lancer la campagne ?")
        assert "à Vienne qui ont demandé des faits" in await page.locator("main").inner_text()
        assert await serious_violations(page) == []
    assert await _campaigns_of(pg_engine, "take_jobs") == started_before


async def test_a_spreadsheet_sent_after_the_session_ended_is_named_to_choose_again(
    browser: Browser, short_sessions: str, pg_engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    people = People(pg_engine)
    organization = await people.organization()
    service_id = await draft_service(pg_engine, organization, "Abri de nuit")
    volunteer = await people.invite(Role.ASSOCIATION, organization)
    async with tab(browser, short_sessions) as phone:
        page = phone.page
        await accept(page, volunteer)
        opened = await _signed_in(page, volunteer.login)
        await page.goto("/portal/spreadsheet")
        async with page.expect_download() as downloading:
            await page.get_by_role("link", name="Télécharger (CSV)").click()
        sheet = (await (await downloading.value).path()).read_bytes()
        renamed = sheet.replace(b"Abri de nuit", b"Abri de nuit du quai")
        upload: FilePayload = {"name": "services.csv", "mimeType": "text/csv", "buffer": renamed}
        await page.locator("#file").set_input_files(files=[upload])
        await page.locator("#valid_only").check()
        await _until_the_session_ends(opened)

        async with page.expect_response("**/portal/spreadsheet") as answer:
            await page.get_by_role("button", name="Importer").click()
        assert (await answer.value).status == 401
        # Said at once, with the file's name; only the name goes back, never its content.
        await expect(page.locator("main [role=status]")).to_have_text(
            "Votre session est terminée, et votre fichier \u2068services.csv\u2069 n'a pas "
            "été importé. Connectez-vous de nouveau, puis choisissez le fichier une nouvelle fois."
        )
        assert "Abri de nuit du quai" not in await page.content()
        await page.locator("#login").fill(volunteer.login)
        await page.locator("#password").fill(PASSWORD)
        await page.locator("main form button[type=submit]").click()

        # Back on the upload form, the box as it was, the file to be chosen again.
        await expect(page.locator("main > .notice[role=status]")).to_have_text(
            "Connexion rétablie. Votre fichier \u2068services.csv\u2069 n'a pas été importé. "
            "Choisissez-le de nouveau, puis envoyez-le."
        )
        assert await page.locator("#valid_only").is_checked()
        assert await page.locator("#file").input_value() == ""
        assert await serious_violations(page) == []
        async with AsyncSession(pg_engine) as session:
            service = await session.get(Service, service_id)
            assert service is not None
            assert service.name == "Abri de nuit"

        # Chosen again and sent, it is imported.
        await page.locator("#file").set_input_files(files=[upload])
        async with page.expect_response("**/portal/spreadsheet") as answer:
            await page.get_by_role("button", name="Importer").click()
        assert (await answer.value).status == 200
    async with AsyncSession(pg_engine) as session:
        service = await session.get(Service, service_id)
        assert service is not None
        assert service.name == "Abri de nuit du quai"
    assert "Abri de nuit du quai" not in caplog.text
    assert "services.csv" not in caplog.text


async def test_a_browser_without_fetch_metadata_keeps_a_form_its_origin_sent(
    browser: Browser, short_sessions: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    organization = await people.organization()
    volunteer = await people.invite(Role.ASSOCIATION, organization)
    origins: list[str | None] = []
    async with tab(browser, short_sessions) as phone:
        page = phone.page
        # The invitation's address is a secret: not even this site gets it as a referrer.
        invitation = await page.goto(volunteer.link)
        assert invitation is not None
        assert invitation.headers["referrer-policy"] == "no-referrer"
        referrer = page.locator("meta[name=referrer]")
        assert await referrer.get_attribute("content") == "no-referrer"
        await accept(page, volunteer)
        opened = await _signed_in(page, volunteer.login)
        await page.goto("/portal/services/new")
        await page.locator("#category").select_option("social_support")
        await page.locator("#t-fr-name").fill(NAME)
        await page.locator("#t-fr-description").fill(DESCRIPTION)
        await page.locator("#city_id").select_option("lyon")
        await page.locator("#address_1").fill("3 quai Rambaud")
        await page.route("**/portal/services/new", _without_fetch_metadata(origins))
        await _until_the_session_ends(opened)

        async with page.expect_response("**/portal/services/new") as answer:
            await page.locator("button[name=then][value=save]").click()
        # The portal's referrer policy lets its form name its origin, exactly.
        assert origins == [short_sessions]
        assert (await answer.value).status == 401
        await page.locator("#login").fill(volunteer.login)
        await page.locator("#password").fill(PASSWORD)
        await page.locator("main form button[type=submit]").click()
        await expect(page.locator("main > .notice[role=status]")).to_contain_text(
            "pas encore enregistré"
        )
        assert await page.locator("#t-fr-name").input_value() == NAME
        assert await page.locator("#t-fr-description").input_value() == DESCRIPTION
    assert await _services_of(pg_engine, organization) == []


async def test_without_fetch_metadata_only_this_exact_origin_is_carried(
    browser: Browser, short_sessions: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    volunteer = await people.invite(Role.ASSOCIATION, await people.organization())
    port = short_sessions.rsplit(":", 1)[1]
    async with tab(browser, short_sessions) as phone:
        page = phone.page
        await accept(page, volunteer)
        opened = await _signed_in(page, volunteer.login)
        await page.goto("/portal/services/new")
        token = await page.locator("main form input[name=csrf]").input_value()
        await _until_the_session_ends(opened)
        form: dict[str, str | float | bool] = {
            "csrf": token,
            "category": "legal",
            "t-fr-name": "Aide",
        }

        async def sent_from(origin: str | None) -> int:
            # Playwright's own requests carry the tab's cookies and no fetch metadata.
            headers = {"origin": origin} if origin else {}
            answer = await page.request.post(
                "/portal/services/new", form=form, headers=headers, max_redirects=0
            )
            return answer.status

        # No Origin, "null", this host over https, on another port or by another name: each
        # could be another page's form. Only asked to sign in; this very origin's is carried.
        others = ("https://127.0.0.1:" + port, "http://127.0.0.1:1", "http://localhost:" + port)
        for origin in (None, "null", *others):
            assert await sent_from(origin) == 303, origin
        assert await sent_from(short_sessions) == 401
