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
