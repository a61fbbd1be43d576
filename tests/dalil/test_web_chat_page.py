"""The web chat page in Debian's Chromium, on a 360 px phone.

The whole app runs (worker, sender, outbox) with Rasa unreachable: buttons, the language of
a text and the danger words need no Rasa, and the page is what is tested here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page

from tests.helpers.app import Running, running_app
from tests.helpers.browser import PHONE, chromium, tab, tab_to
from tests.standins.server import free_port

pytestmark = pytest.mark.browser

# WCAG's contrast ratio between an element's focus outline and what is behind it.
_RING = """() => {
  const luminance = (color) => {
    const [r, g, b] = color.match(/[\\d.]+/g).slice(0, 3).map(Number).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const clear = (e) => /rgba\\(0, 0, 0, 0\\)|transparent/.test(getComputedStyle(e).backgroundColor);
  let behind = element.parentElement;
  while (behind && clear(behind)) {
    behind = behind.parentElement;
  }
  const back = behind ? getComputedStyle(behind).backgroundColor : "rgb(255, 255, 255)";
  const [light, dark] = [luminance(style.outlineColor), luminance(back)].sort((a, b) => b - a);
  return {
    style: style.outlineStyle, width: parseFloat(style.outlineWidth),
    ratio: (light + 0.05) / (dark + 0.05), element: element.outerHTML.slice(0, 60),
  };
}"""

# Every control on screen that a finger has to hit, and its size.
_TARGETS = """() => [...document.querySelectorAll("a, button, input, summary")]
  .filter((e) => e.getClientRects().length > 0)
  .map((e) => {
    const box = e.getBoundingClientRect();
    return [e.outerHTML.slice(0, 50), Math.round(box.width), Math.round(box.height)];
  })"""


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, shared by this module's tests."""
    async with chromium() as launched:
        yield launched


@pytest.fixture
async def app(app_url_prereqs: None) -> AsyncIterator[Running]:
    """The app with every role, Rasa unreachable, and short long polls."""
    async with running_app(
        f"http://127.0.0.1:{free_port()}", RASA_TIMEOUT_S=1, CHAT_LONG_POLL_MS="500"
    ) as running:
        yield running


async def _open(page: Page, lang: str) -> None:
    """Open the chat in `lang`; wait for the welcome (the field is enabled by then)."""
    await page.goto(f"/chat?lang={lang}")
    await page.locator("#log li.bot").first.wait_for()


async def test_targets_are_large_and_focus_visible_even_with_double_text(
    browser: Browser, app: Running
) -> None:
    async with tab(browser, app.url) as person:
        page = person.page
        await _open(page, "uk")
        await page.click("#languages summary")  # the languages' links are targets too
        small = [t for t in await page.evaluate(_TARGETS) if t[1] < 44 or t[2] < 44]
        assert small == []

        # A ring that shows against what is behind it (3:1), on the header and the page.
        await page.click("#languages summary")
        rings = []
        for selector in (
            "#languages summary", "#log li.bot button", "#text", "#send", "#forget",
        ):  # fmt: skip
            await tab_to(page, selector)
            rings.append(await page.evaluate(_RING))
        weak = [r for r in rings if r["style"] == "none" or r["width"] < 2 or r["ratio"] < 3]
        assert weak == []

        # Text twice as large, as a phone's font setting makes it: nothing goes off screen.
        await page.evaluate("document.documentElement.style.fontSize = '200%'")
        width = PHONE["width"]
        assert await page.evaluate("document.documentElement.scrollWidth") <= width
        for selector in ("#text", "#send", "#locate", "#languages summary"):
            box = await page.locator(selector).bounding_box()
            assert box is not None
            assert 0 <= box["x"] <= box["x"] + box["width"] <= width, selector
        text = await page.locator("#text").bounding_box()
        assert text is not None
        assert text["width"] >= 80
        assert person.errors == []
