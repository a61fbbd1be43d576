"""The browser tests' own machinery: Debian's Chromium loads a page of the app, CSP and all."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser

from tests.helpers.browser import serious_violations, tab

pytestmark = pytest.mark.browser


async def test_chromium_renders_the_statistics_page_within_its_csp(
    browser: Browser, base_url: str
) -> None:
    async with tab(browser, base_url) as opened:
        response = await opened.page.goto("/stats")
        assert response is not None
        assert response.status == 200
        assert "script-src 'self'" in (await response.all_headers())["content-security-policy"]
        # The page's own script ran (it fills the form's defaults), and nothing was blocked.
        assert await opened.page.title() == "Dalil statistics"
        width = await opened.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360
        assert opened.errors == []


async def test_axe_core_reports_what_a_person_with_a_screen_reader_would_miss(
    browser: Browser, base_url: str
) -> None:
    async with tab(browser, base_url) as opened:
        await opened.page.set_content(
            '<html lang="fr"><body><main><img src="data:,"><button></button></main></body></html>'
        )
        found = " ".join(await serious_violations(opened.page))
        assert "image-alt (critical)" in found
        assert "button-name (critical)" in found
