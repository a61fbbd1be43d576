"""The whole app served for real, with the Telegram stand-in behind python-telegram-bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Collection
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from bot.telegram.webhook import SECRET_HEADER
from dalil.app import ALL_ROLES, create_app
from tests.helpers.settings import TELEGRAM_SECRET, TELEGRAM_TOKEN, make_settings
from tests.standins.server import serve
from tests.standins.telegram_api import Call, TelegramStandIn


class Running:
    """A running app and what the Telegram stand-in received from it."""

    def __init__(self, url: str, telegram: TelegramStandIn) -> None:
        self.url = url
        self.telegram = telegram
        self.http = httpx.AsyncClient(base_url=url, timeout=10)

    async def post_update(
        self, update: dict[str, Any], secret: str | None = TELEGRAM_SECRET
    ) -> httpx.Response:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        return await self.http.post("/webhooks/telegram", json=update, headers=headers)

    async def wait_for(
        self, predicate: Callable[[list[Call]], bool], timeout_s: float = 30
    ) -> list[Call]:
        """Wait until the accepted sendMessage calls satisfy `predicate`; return them."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while asyncio.get_running_loop().time() < deadline:
            sent = self.telegram.sent()
            if predicate(sent):
                return sent
            await asyncio.sleep(0.1)
        raise AssertionError(f"stand-in received {[c.params for c in self.telegram.sent()]}")


@asynccontextmanager
async def running_app(
    rasa_url: str, *, roles: Collection[str] = ALL_ROLES, **overrides: object
) -> AsyncIterator[Running]:
    """Start the Telegram stand-in and the app with `roles` (all by default); yield both."""
    telegram = TelegramStandIn()
    async with serve(telegram.app()) as telegram_url:
        settings = make_settings(
            RASA_URL=rasa_url,
            TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
            TELEGRAM_API_BASE_URL=f"{telegram_url}/bot",
            **({"PUBLIC_BASE_URL": "https://dalil.example.org"} | overrides),
        )
        app: FastAPI = create_app(settings, roles=roles)
        async with serve(app, lifespan="on") as url:
            running = Running(url, telegram)
            try:
                yield running
            finally:
                # Closed when the test fails too: a client left open warns in a later test.
                await running.http.aclose()
