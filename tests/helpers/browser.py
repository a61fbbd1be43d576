"""Playwright on Debian's Chromium: the browser, phone-sized pages, and what they complain of."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from playwright.async_api import Browser, ConsoleMessage, Page, async_playwright

# The distribution's browser, installed by `make chromium`: nothing downloads one of its own.
CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """Launch Debian's Chromium, headless."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: `make chromium` installs it")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield browser
        finally:
            await browser.close()


class Tab:
    """A page in its own browser context (own cookies), with the console errors it logged."""

    def __init__(self, page: Page) -> None:
        self.page = page
        # A blocked script or style (CSP) and a failed request both show up here.
        self.errors: list[str] = []
        page.on("console", self._on_console)

    def _on_console(self, message: ConsoleMessage) -> None:
        # Browsers ask for /favicon.ico by themselves; the app has none to give.
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            self.errors.append(message.text)


@asynccontextmanager
async def tab(
    browser: Browser, base_url: str, *, viewport: dict[str, int] = PHONE, locale: str = "fr-FR"
) -> AsyncIterator[Tab]:
    """Open a page on `base_url` in a fresh context, phone-sized unless told otherwise."""
    context = await browser.new_context(
        base_url=base_url,
        viewport=viewport,  # type: ignore[arg-type]
        locale=locale,
    )
    try:
        yield Tab(await context.new_page())
    finally:
        await context.close()


_AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "build" / "screenshots"


async def serious_violations(page: Page) -> list[str]:
    """Run axe-core on the page; return its serious and critical violations, one line each."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's CSP does not govern: the
        # page is checked as served, with nothing loosened for the test.
        await page.evaluate(_AXE.read_text(encoding="utf-8"))
    results = await page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
        "v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}"
        for v in results
        if v["impact"] in {"serious", "critical"}
    ]


async def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under build/screenshots/; return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


async def tab_to(page: Page, selector: str, *, limit: int = 250) -> None:
    """Press Tab until the element matching `selector` has the focus, as a keyboard user does."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate(
            "s => document.activeElement !== null && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"{selector} never got the focus in {limit} presses of Tab")


async def type_into(page: Page, selector: str, text: str) -> None:
    """Tab to a field and type into it."""
    await tab_to(page, selector)
    await page.keyboard.type(text)


async def choose(page: Page, selector: str, value: str) -> None:
    """Tab to a select and move through its options with the arrow keys until `value`."""
    await tab_to(page, selector)
    for _ in range(50):
        if await page.locator(selector).input_value() == value:
            return
        await page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value} is not reachable in {selector} with the keyboard")


async def check_page(page: Page, name: str, lang: str, problems: list[str]) -> None:
    """Screenshot the page, check its language and direction and that nothing is wider than
    the screen; add axe-core's serious and critical violations to `problems`."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    await screenshot(page, f"{name}-{lang}-{width}")
    html = page.locator("html")
    assert await html.get_attribute("lang") == lang
    assert await html.get_attribute("dir") == ("rtl" if lang in {"ar", "fa"} else "ltr")
    # Mobile first: nothing wider than the screen, so nothing needs sideways scrolling.
    assert await page.evaluate("document.documentElement.scrollWidth") <= width, name
    problems += [f"{name} {lang} {width}: {v}" for v in await serious_violations(page)]
