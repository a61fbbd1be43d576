"""A refused service form says, under each field, what to write there instead."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.helpers.portal import editing_a_service

pytestmark = pytest.mark.browser

# What a volunteer may type by mistake, and what the message must show them to fix it.
TYPED = {
    "#latitude": ("135.78", ["-90", "90"]),  # a digit too many
    "#longitude": ("-580.8", ["-180", "180"]),
    "#phone-1-number": ("appeler le matin", ["+212"]),  # the hours went into the number
}


@pytest.mark.parametrize("lang", ["fr", "ar"])
async def test_an_out_of_range_coordinate_or_a_wordy_number_is_explained_and_kept(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, lang: str
) -> None:
    async with editing_a_service(browser, base_url, pg_engine, lang) as page:
        for field, (text, _) in TYPED.items():
            await page.locator(field).fill(text)
        await page.locator("button[name=then][value=save]").click()
        await page.wait_for_load_state()
        for field, (text, shown) in TYPED.items():
            assert await page.locator(field).input_value() == text
            message = await page.locator(f"{field}-error").inner_text()
            assert all(part in message for part in shown), f"{field}: {message}"


async def test_a_screen_reader_hears_each_refused_fields_message_on_the_field(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    typed = {
        "#h-TU-1-opens": "19:00", "#h-TU-1-closes": "19:00",  # closing as it opens
        "#phone-1-number": "le matin", "#latitude": "nord", "#longitude": "999",
    }  # fmt: skip
    async with editing_a_service(browser, base_url, pg_engine, "ar") as page:
        for field, text in typed.items():
            await page.locator(field).fill(text)
        await page.locator("button[name=then][value=save]").click()
        await page.wait_for_load_state()
        for field in ("#h-TU-1-opens", "#phone-1-number", "#latitude", "#longitude"):
            message = await page.locator(f"{field}-error").inner_text()
            assert await page.locator(field).get_attribute("aria-invalid") == "true"
            # Tabbing to the field reads its name, then what to fix: no hunting for the text.
            await expect(page.locator(field)).to_have_accessible_description(message)


async def test_a_long_note_on_a_phone_is_refused_on_the_note_not_on_the_number(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    note = "Appeler le matin, demander Fatima; sinon laisser un message. " * 4  # 248 characters
    async with editing_a_service(browser, base_url, pg_engine, "fr") as page:
        # Typed or pasted in the page, it stops at what a note can hold, and is saved.
        await page.locator("#phone-1-description").fill(note)
        kept = await page.locator("#phone-1-description").input_value()
        assert kept == note[:200]
        await page.locator("button[name=then][value=save]").click()
        await page.wait_for_url("**/edit?notice=saved")
        # Sent whole (an old browser, a script): the note is named, the number is not.
        fields = await page.locator("form[action$='/edit']").evaluate(
            "f => Object.fromEntries(new FormData(f).entries())"
        )
        action = await page.locator("form[action$='/edit']").get_attribute("action")
        assert action is not None
        answer = await page.request.post(action, form={**fields, "phone-1-description": note})
        assert answer.status == 422
        await page.set_content(await answer.text())
        assert await page.locator("#phone-1-number-error").count() == 0
        message = await page.locator("#phone-1-description-error").inner_text()
        assert "200" in message
        assert await page.locator("#phone-1-description").input_value() == note


async def test_an_opening_without_its_closing_asks_for_both_not_for_closing_after(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    async with editing_a_service(browser, base_url, pg_engine, "fr") as page:
        # A night shelter's evening opening, its morning closing not typed yet.
        await page.locator("#h-TH-1-opens").fill("20:00")
        await page.locator("button[name=then][value=save]").click()
        await page.wait_for_load_state()
        message = await page.locator("#h-TH-1-opens-error").inner_text()
        # Closing before opening is a night, which the form takes: it must not say otherwise.
        assert message == "Indiquez les deux heures, ouverture et fermeture, pas la même."
