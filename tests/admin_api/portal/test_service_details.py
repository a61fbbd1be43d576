"""Closures and seasonal dates in the form, and the card migrants see, in a real browser."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_time
from playwright.async_api import Browser, Page
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from admin_api.accounts.models import Role
from admin_api.portal.i18n import translations as portal_translations
from bot.i18n import translations
from services_directory.listings import service as listings
from services_directory.listings.models import Service
from tests.helpers.browser import tab
from tests.helpers.portal import People, accept, draft_service, sign_in

pytestmark = pytest.mark.browser
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"


async def _schedules(engine: AsyncEngine, service_id: str) -> list[dict[str, Any]]:
    async with AsyncSession(engine) as session:
        service = await listings.get_service(session, service_id)
        assert service is not None
        return list(listings.to_fields(service)["schedules"])


async def _save(page: Page, status: int = 200) -> None:
    async with page.expect_response(lambda r: r.request.method == "POST") as answer:
        await page.locator("button[name=then][value=save]").click()
    # A saved form redirects (303) to the form again; a refused one answers itself.
    response = await answer.value
    assert response.status == (303 if status == 200 else status), await page.content()
    await page.wait_for_load_state()


async def _signed_in_editor(page: Page, engine: AsyncEngine, organization: str) -> None:
    volunteer = await People(engine).invite(Role.ASSOCIATION, organization)
    await accept(page, volunteer)
    await sign_in(page, volunteer.login)
    await page.wait_for_url("**/portal/services")


async def test_closures_and_seasonal_dates_are_added_checked_edited_and_removed(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    organization = await People(pg_engine).organization()
    service_id = await draft_service(pg_engine, organization, "Abri d'hiver")
    async with tab(browser, base_url) as editor:
        page = editor.page
        await _signed_in_editor(page, pg_engine, organization)
        await page.goto(f"/portal/services/{service_id}/edit")
        # A closure whose last day comes first: refused, the error next to the field.
        await page.locator("#x-1-from").fill("2026-12-26")
        await page.locator("#x-1-to").fill("2026-12-24")
        await page.locator("#x-1-description").fill("Fêtes")
        await _save(page, 422)
        assert await page.locator("#x-1-to").get_attribute("aria-invalid") == "true"
        error = await page.locator("#x-1-to-error").inner_text()
        assert error == "Le dernier jour vient avant le premier."
        # Nothing was lost: what was typed is still there.
        assert await page.locator("#x-1-description").input_value() == "Fêtes"
        assert await _schedules(pg_engine, service_id) == [
            {"byday": "MO,TU", "opens_at": "18:00", "closes_at": "22:00", "valid_from": None,
             "valid_to": None, "closed": False, "description": None},
        ]  # fmt: skip

        await page.locator("#x-1-from").fill("2026-12-24")
        await page.locator("#x-1-to").fill("2026-12-26")
        await _save(page)
        # A seasonal opening in the next empty row: Saturdays in winter.
        await page.locator("#x-2-kind").select_option("open")
        await page.locator("#x-2-from").fill("2026-12-01")
        await page.locator("#x-2-to").fill("2027-03-31")
        await page.locator("#x-2-day-SA").check()
        await page.locator("#x-2-opens").fill("10:00")
        await page.locator("#x-2-closes").fill("14:00")
        await _save(page)
        saved = await _schedules(pg_engine, service_id)
        assert saved[1:] == [
            {"byday": EVERY_DAY, "opens_at": "00:00", "closes_at": "23:59",
             "valid_from": "2026-12-24", "valid_to": "2026-12-26",
             "closed": True, "description": "Fêtes"},
            {"byday": "SA", "opens_at": "10:00", "closes_at": "14:00",
             "valid_from": "2026-12-01", "valid_to": "2027-03-31",
             "closed": False, "description": None},
        ]  # fmt: skip

        # A seasonal row without a day is refused; then edited, and the closure removed.
        await page.locator("#x-2-day-SA").uncheck()
        await _save(page, 422)
        assert await page.locator("#x-2-days-error").inner_text() == "Cochez au moins un jour."
        await page.locator("#x-2-day-SU").check()
        await page.locator("#x-1-remove").check()
        # Closed on Saturdays in August: a day ticked and no times, so the whole of each.
        await page.locator("#x-3-from").fill("2026-08-01")
        await page.locator("#x-3-to").fill("2026-08-31")
        await page.locator("#x-3-day-SA").check()
        await _save(page)
        saved = await _schedules(pg_engine, service_id)
        assert [(p["byday"], p["closed"]) for p in saved] == [
            ("MO,TU", False), ("SU", False), ("SA", True),
        ]  # fmt: skip
        assert saved[1]["valid_to"] == "2027-03-31"
        assert (saved[2]["opens_at"], saved[2]["closes_at"]) == ("00:00", "23:59")
        # Shown back as it was entered: the day ticked, no times.
        assert await page.locator("#x-2-day-SA").is_checked()
        assert await page.locator("#x-2-opens").input_value() == ""
        # The two refusals are the only errors the page logged (their 422 answers).
        assert [e for e in editor.errors if "status of 422" not in e] == []
        assert len(editor.errors) == 2


async def test_the_service_page_shows_the_card_migrants_see_in_each_language(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    organization = await People(pg_engine).organization()
    service_id = await draft_service(pg_engine, organization, "Abri de nuit")
    today = dt.datetime.now(ZoneInfo("Africa/Casablanca")).date()  # Tangier's date
    async with tab(browser, base_url) as editor:
        page = editor.page
        await _signed_in_editor(page, pg_engine, organization)
        await page.goto(f"/portal/services/{service_id}/edit")
        for day in ("MO", "TU", "WE", "TH", "FR", "SA", "SU"):
            for slot in (1, 2):
                await page.locator(f"#h-{day}-{slot}-opens").fill("")
                await page.locator(f"#h-{day}-{slot}-closes").fill("")
            await page.locator(f"#h-{day}-1-opens").fill("08:00")
            await page.locator(f"#h-{day}-1-closes").fill("20:00")
        # Closed all of today: the card says when it opens again.
        await page.locator("#x-1-from").fill(today.isoformat())
        await page.locator("#x-1-to").fill(today.isoformat())
        await _save(page)
        await page.get_by_role("link", name="Ce que voient les personnes").click()
        cards = {
            locale: await page.locator(f"#preview .preview[data-locale={locale}]").inner_text()
            for locale in ("fr", "ar")
        }
        assert await page.locator("#preview .preview").count() == 2
        for locale, name in (("fr", "Abri de nuit"), ("ar", "Abri de nuit (ar)")):
            t = translations(locale)
            lines = cards[locale].split("\n")
            assert lines[0] == f"1. {name}", cards[locale]
            assert lines[1].startswith("📍 ")
            assert "3 rue de la Plage" in lines[1]
            time = format_time(dt.time(8, 0), "HH:mm", locale=locale)
            opens = t.gettext("🔴 Closed now, opens tomorrow at {time}").format(time=time)
            assert opens in lines, cards[locale]
            assert f"💶 {t.gettext('Free')}" == lines[-1]
        assert await page.locator("#preview .preview[data-locale=ar]").get_attribute("dir") == (
            "rtl"
        )
        assert editor.errors == []


async def test_a_forged_form_with_huge_row_numbers_is_answered_at_once_and_saves_nothing(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    organization = await People(pg_engine).organization()
    service_id = await draft_service(pg_engine, organization, "Abri de nuit")
    async with tab(browser, base_url) as editor:
        page = editor.page
        await _signed_in_editor(page, pg_engine, organization)
        await page.goto(f"/portal/services/{service_id}/edit")
        form = page.locator("form[action$='/edit']")
        for name in ("x-999999999-from", "h-MO-999999999-opens", "phone-x-number"):
            await form.evaluate(
                "(f, name) => { const i = document.createElement('input');"
                " i.name = name; i.value = '2026-01-01'; f.appendChild(i); }", name,
            )  # fmt: skip
        # And a real mistake, so that the form comes back: the page answers, quickly.
        await page.locator("#x-1-from").fill("2026-12-26")
        await page.locator("#x-1-to").fill("2026-12-24")
        await _save(page, 422)
        assert await page.locator("#x-1-to-error").is_visible()
        assert await page.locator("fieldset.dated").count() == 2
    assert len(await _schedules(pg_engine, service_id)) == 1


@pytest.mark.usefixtures("redis")
async def test_a_new_service_sent_twice_is_created_once(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    people = People(pg_engine)
    organization = await people.organization()
    volunteer = await people.invite(Role.ASSOCIATION, organization)
    async with tab(browser, base_url, locale="es") as association:
        page = association.page
        await accept(page, volunteer)
        await sign_in(page, volunteer.login)
        await page.goto("/portal/services/new")
        await page.locator("#t-es-name").fill("Comedor social")
        await page.locator("#address_1").fill("Calle Mayor 1")
        form = page.locator("main form")
        fields = await form.evaluate("f => Object.fromEntries(new FormData(f).entries())")
        fields["then"] = "submit"
        # A double tap on a slow network: both requests leave before either is answered.
        first, second = await asyncio.gather(
            *(page.request.post("/portal/services/new", form=fields, max_redirects=0)
              for _ in range(2))
        )  # fmt: skip
        assert [first.status, second.status] == [303, 303]
        # Sent again later (back, then the button again): still the one service.
        again = await page.request.post("/portal/services/new", form=fields, max_redirects=0)
        assert again.status == 303
        assert {a.headers["location"] for a in (first, second, again)} == {
            "/portal/services?notice=submitted"
        }
        await page.goto("/portal/services")
        assert await page.locator(".card").count() == 1
        # A form refused for a mistake comes back with a token of its own, so the corrected
        # form is saved, not taken for the one already sent.
        await page.goto("/portal/services/new")
        await page.locator("#t-es-name").fill("Ropero")
        await page.locator("#address_1").fill("Calle Mayor 1")
        await page.locator("#latitude").fill("400")
        await page.locator("button[name=then][value=save]").click()
        await page.locator("#latitude-error").wait_for()
        await page.locator("#latitude").fill("40.4")
        await page.locator("button[name=then][value=save]").click()
        await page.wait_for_url("**/edit?notice=saved")
        await page.goto("/portal/services")
        assert await page.locator(".card").count() == 2
    async with AsyncSession(pg_engine) as session:
        names = await session.scalars(
            select(Service.name).where(Service.organization_id == organization)
        )
        assert sorted(names) == ["Comedor social", "Ropero"]


async def test_a_night_shelter_s_hours_past_midnight_are_saved_and_kept_on_each_edit(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    organization = await People(pg_engine).organization()
    service_id = await draft_service(pg_engine, organization, "Abri de nuit")
    async with tab(browser, base_url, locale="ar") as editor:
        page = editor.page
        await _signed_in_editor(page, pg_engine, organization)
        await page.goto(f"/portal/services/{service_id}/edit")
        # Open from 8 in the evening to 8 the next morning, as the API and the spreadsheet
        # take it; and in Ramadan from the evening meal to 1 at night.
        await page.locator("#h-MO-1-opens").fill("20:00")
        await page.locator("#h-MO-1-closes").fill("08:00")
        await page.locator("#h-TU-1-opens").fill("20:00")
        await page.locator("#h-TU-1-closes").fill("08:00")
        await page.locator("#x-1-kind").select_option("open")
        await page.locator("#x-1-from").fill("2027-02-08")
        await page.locator("#x-1-to").fill("2027-03-09")
        await page.locator("#x-1-day-FR").check()
        await page.locator("#x-1-opens").fill("19:00")
        await page.locator("#x-1-closes").fill("01:00")
        # Asked once: each such row says when it closes, and a box confirms them all.
        await _save(page, 422)
        assert await _schedules(pg_engine, service_id) == [
            {"byday": "MO,TU", "opens_at": "18:00", "closes_at": "22:00", "valid_from": None,
             "valid_to": None, "closed": False, "description": None},
        ]  # fmt: skip
        t = portal_translations("ar")
        for row in ("h-MO-1", "h-TU-1", "x-1"):
            time = "01:00" if row == "x-1" else "08:00"
            note = page.locator(f"#{row}-closes-next-day")
            assert await note.inner_text() == t.gettext("Closes the next day at %(time)s.") % {
                "time": time
            }
        assert await page.locator("#h-WE-1-closes-next-day").count() == 0
        await page.locator("#overnight").check()
        await _save(page)
        assert await page.locator("[role=alert]").count() == 0
        # Then only a phone number changes: the hours saved so are not asked about again.
        await page.locator("#phone-1-number").fill("+212 539 00 00 02")
        await _save(page)
        assert await page.locator("#h-MO-1-closes").input_value() == "08:00"
        assert await page.locator("#h-MO-1-closes-next-day").is_visible()
    assert await _schedules(pg_engine, service_id) == [
        {"byday": "MO,TU", "opens_at": "20:00", "closes_at": "08:00", "valid_from": None,
         "valid_to": None, "closed": False, "description": None},
        {"byday": "FR", "opens_at": "19:00", "closes_at": "01:00", "valid_from": "2027-02-08",
         "valid_to": "2027-03-09", "closed": False, "description": None},
    ]  # fmt: skip


async def test_a_service_closed_for_good_is_taken_out_by_its_association(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    organization = await People(pg_engine).organization()
    service_id = await draft_service(pg_engine, organization, "Abri de nuit", submit=True)
    async with tab(browser, base_url, locale="fr") as editor:
        page = editor.page
        await _signed_in_editor(page, pg_engine, organization)
        await page.goto(f"/portal/services/{service_id}/edit")
        button = page.get_by_role("button", name="Retirer ce service de l'annuaire")
        # Not by a slip of the thumb: the box must be ticked first.
        await button.click()
        assert page.url.endswith(f"/portal/services/{service_id}/edit")
        await page.get_by_label("Oui, ce service a fermé définitivement.").check()
        await button.click()
        await page.wait_for_url("**/portal/services?notice=archived")
        notice = await page.locator("[role=status]").inner_text()
        assert notice == "Retiré de l'annuaire : plus personne ne le trouve."
        # Out of the list of services in the directory, and found one link away.
        assert await page.locator(".card").count() == 0
        await page.get_by_role("link", name="1 service retiré de l'annuaire").click()
        assert "Archivé" in await page.locator(".card").inner_text()
        # Taken out, it offers no second time.
        await page.goto(f"/portal/services/{service_id}/edit")
        assert await button.count() == 0
        assert editor.errors == []
    async with AsyncSession(pg_engine) as session:
        service = await session.get(Service, service_id)
        assert service is not None
        assert service.review_state == "archived"


async def test_an_office_s_times_typed_the_wrong_way_round_are_shown_as_a_night_and_asked(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    organization = await People(pg_engine).organization()
    service_id = await draft_service(pg_engine, organization, "Permanence juridique")
    async with tab(browser, base_url, locale="fr") as editor:
        page = editor.page
        await _signed_in_editor(page, pg_engine, organization)
        await page.goto(f"/portal/services/{service_id}/edit")
        await page.locator("#h-WE-1-opens").fill("17:00")
        await page.locator("#h-WE-1-closes").fill("09:00")
        await _save(page, 422)
        # Said plainly: what would be saved, and what to do.
        assert await page.locator("#h-WE-1-closes-next-day").inner_text() == (
            "Ferme le lendemain à 09:00."
        )
        alert = await page.locator("[role=alert]").inner_text()
        assert "enregistrés comme fermant le lendemain" in alert
        assert await page.locator("#overnight").get_attribute("aria-invalid") == "true"
        # The volunteer sees the mistake and puts the times the right way round: saved as
        # such, with nothing to confirm.
        await page.locator("#h-WE-1-opens").fill("09:00")
        await page.locator("#h-WE-1-closes").fill("17:00")
        await _save(page)
        assert await page.locator("#h-WE-1-closes-next-day").count() == 0
        assert await page.locator("#overnight").count() == 0
    assert [(p["byday"], p["opens_at"], p["closes_at"]) for p in await _schedules(
        pg_engine, service_id
    )] == [("MO,TU", "18:00", "22:00"), ("WE", "09:00", "17:00")]  # fmt: skip


async def test_hours_closing_the_next_day_are_saved_when_the_box_is_ticked_on_a_new_service(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    organization = await People(pg_engine).organization()
    async with tab(browser, base_url, locale="fr") as editor:
        page = editor.page
        await _signed_in_editor(page, pg_engine, organization)
        await page.goto("/portal/services/new")
        await page.locator("#t-fr-name").fill("Abri de nuit")
        await page.locator("#address_1").fill("3 rue de la Plage")
        await page.locator("#h-FR-1-opens").fill("20:00")
        await page.locator("#h-FR-1-closes").fill("08:00")
        await _save(page, 422)
        await page.get_by_label("Oui, ces horaires passent minuit et ferment le lendemain.").check()
        await _save(page)
        await page.wait_for_url("**/edit?notice=saved")
        assert await page.locator("#h-FR-1-closes").input_value() == "08:00"
        assert editor.errors == [e for e in editor.errors if "status of 422" in e]
    async with AsyncSession(pg_engine) as session:
        service_id = await session.scalar(
            select(Service.id).where(Service.organization_id == organization)
        )
    assert service_id is not None
    assert [
        (p["byday"], p["opens_at"], p["closes_at"]) for p in await _schedules(pg_engine, service_id)
    ] == [("FR", "20:00", "08:00")]
