"""One person on each channel of a running app, so that one transcript runs on all three.

Each channel sends what its platform would deliver (a Telegram update with the secret
header, a signed WhatsApp notification, the web chat's POST) and reads back what the sender
delivered, as one `Answer` per reply: Telegram's sendMessage calls; WhatsApp's messages, a
reply's leading text parts joined to the list or buttons that end it; the web chat's outbox.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from bot.telegram.webhook import SECRET_HEADER
from tests.helpers.settings import TELEGRAM_SECRET
from tests.standins import telegram_updates as tg
from tests.standins import whatsapp_payloads as wa
from tests.standins.telegram_api import TelegramStandIn
from tests.standins.web_browser import Browser
from tests.standins.whatsapp_api import Call, WhatsAppStandIn

# What stands for a "send my location" button among an answer's payloads.
LOCATION = "📍"
WHATSAPP_APP_SECRET = "c0ffee51d2b74e0f9a8b7c6d5e4f3a21"
# A WhatsApp reply that ends with plain text is complete when nothing follows for this long.
SETTLE_S = 1.0


@dataclass(frozen=True, slots=True)
class Answer:
    """One reply as the person sees it: its text and the payloads of its buttons."""

    text: str
    payloads: tuple[str, ...]


class Person(Protocol):
    """Someone writing to Dalil on one channel."""

    async def say(self, text: str) -> None:
        """Write a text, or a command when it starts with /."""

    async def press(self, payload: str) -> None:
        """Press a button the last answer offered."""

    async def share_location(self, latitude: float, longitude: float) -> None:
        """Share a position."""

    async def answers(self, count: int, timeout_s: float = 30) -> list[Answer]:
        """Wait until `count` answers in all were delivered; return them."""


class TelegramPerson:
    """A private chat with the bot on Telegram."""

    def __init__(
        self, http: httpx.AsyncClient, api: TelegramStandIn, chat: int, first_id: int = 98_000
    ) -> None:
        self.http, self.api, self.chat = http, api, chat
        self.language = "fr"
        # Update ids apart from the chat id: keys named by an update must not quote the chat.
        self._ids = itertools.count(first_id)

    async def _post(self, update: dict[str, Any]) -> None:
        headers = {SECRET_HEADER: TELEGRAM_SECRET}
        response = await self.http.post("/webhooks/telegram", json=update, headers=headers)
        assert response.status_code == 200, response.text

    async def say(self, text: str) -> None:
        await self._post(tg.text(next(self._ids), self.chat, text, self.language))

    async def press(self, payload: str) -> None:
        await self._post(tg.button(next(self._ids), self.chat, payload, self.language))

    async def share_location(self, latitude: float, longitude: float) -> None:
        await self._post(tg.location(next(self._ids), self.chat, latitude, longitude))

    def _answers(self) -> list[Answer]:
        sent = [c for c in self.api.sent() if c.params["chat_id"] == self.chat]
        return [Answer(c.params["text"], _telegram_payloads(c.params)) for c in sent]

    async def answers(self, count: int, timeout_s: float = 30) -> list[Answer]:
        async with asyncio.timeout(timeout_s):
            while len(found := self._answers()) < count:
                await asyncio.sleep(0.1)
        return found


def _telegram_payloads(params: dict[str, Any]) -> tuple[str, ...]:
    markup = params.get("reply_markup") or {}
    inline = [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]
    keys = [LOCATION for row in markup.get("keyboard", []) for b in row if b["request_location"]]
    return (*inline, *keys)


class WhatsAppPerson:
    """A chat with the business number on WhatsApp."""

    def __init__(self, http: httpx.AsyncClient, api: WhatsAppStandIn, first_id: int) -> None:
        self.http, self.api = http, api
        self._ids = itertools.count(first_id)

    async def _post(self, payload: dict[str, Any]) -> None:
        body, headers = wa.signed(payload, WHATSAPP_APP_SECRET)
        response = await self.http.post("/webhooks/whatsapp", content=body, headers=headers)
        assert response.status_code == 200, response.text

    async def say(self, text: str) -> None:
        await self._post(wa.text(next(self._ids), text))

    async def press(self, payload: str) -> None:
        await self._post(wa.list_reply(next(self._ids), payload))

    async def share_location(self, latitude: float, longitude: float) -> None:
        await self._post(wa.location(next(self._ids), latitude, longitude))

    def _answers(self) -> tuple[list[Answer], list[Call]]:
        """The answers an interactive message closed, and the text parts after the last."""
        answers: list[Answer] = []
        parts: list[Call] = []
        for call in self.api.sent():
            parts.append(call)
            if call.type == "interactive":
                answers.append(_whatsapp_answer(parts))
                parts = []
        return answers, parts

    async def answers(self, count: int, timeout_s: float = 30) -> list[Answer]:
        async with asyncio.timeout(timeout_s):
            while True:
                answers, parts = self._answers()
                if len(answers) >= count:
                    return answers
                if parts and len(answers) == count - 1:
                    await asyncio.sleep(SETTLE_S)
                    if self._answers() == (answers, parts):
                        return [*answers, _whatsapp_answer(parts)]
                await asyncio.sleep(0.1)


def _whatsapp_answer(parts: list[Call]) -> Answer:
    last = parts[-1]
    if last.interactive_type == "location_request_message":
        payloads = [LOCATION]
    else:
        payloads = [choice_id for choice_id, _title in last.choices]
    return Answer("".join(part.text for part in parts), tuple(payloads))


class WebPerson:
    """A browser on the web chat."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        browser.language = "fr"

    async def say(self, text: str) -> None:
        assert (await self.browser.say(text)).status_code == 202

    async def press(self, payload: str) -> None:
        assert (await self.browser.press(payload)).status_code == 202

    async def share_location(self, latitude: float, longitude: float) -> None:
        assert (await self.browser.share_location(latitude, longitude)).status_code == 202

    async def answers(self, count: int, timeout_s: float = 30) -> list[Answer]:
        shown = await self.browser.wait_for(count, timeout_s)
        return [_web_answer(reply) for reply in shown]


def _web_answer(reply: dict[str, Any]) -> Answer:
    payloads = [button["payload"] for row in reply["buttons"] for button in row]
    if reply["location_request"]:
        payloads.append(LOCATION)
    return Answer(reply["text"], tuple(payloads))
