"""The browser's side of the web chat: what bot/web/static/chat.js sends and reads.

The same requests as the page's script, over real HTTP: a conversation id of 128 random
bits in the header, a fresh id per message, long polls that carry the cursor of the last
reply shown (and so acknowledge it).
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
from typing import Any

import httpx

from bot.web.parse import CONVERSATION_HEADER


class Browser:
    """One browser holding one conversation with the web chat."""

    def __init__(self, http: httpx.AsyncClient, conversation: str | None = None) -> None:
        self.http = http
        self.conversation = conversation or secrets.token_hex(16)
        self.language: str | None = None
        self.cursor = "0"
        self.shown: list[dict[str, Any]] = []
        self._ids = (f"m{n}" for n in itertools.count(1))

    @property
    def headers(self) -> dict[str, str]:
        """The header that names the conversation."""
        return {CONVERSATION_HEADER: self.conversation}

    async def post(self, body: dict[str, Any], *, message_id: str | None = None) -> httpx.Response:
        """Post one message (a fresh id unless `message_id` repeats one); return the answer."""
        message = {"id": message_id or next(self._ids), **body}
        if self.language is not None:
            message["language"] = self.language
        return await self.http.post("/chat/api/messages", json=message, headers=self.headers)

    async def say(self, text: str, *, message_id: str | None = None) -> httpx.Response:
        """Write a text (a command when it starts with /)."""
        return await self.post({"text": text}, message_id=message_id)

    async def press(self, payload: str) -> httpx.Response:
        """Press a button that a reply on screen offers."""
        offered = {b["payload"] for r in self.shown for row in r["buttons"] for b in row}
        assert payload in offered, f"{payload!r} was not offered: {sorted(offered)}"
        return await self.post({"button": payload})

    async def share_location(self, latitude: float, longitude: float) -> httpx.Response:
        """Send the position navigator.geolocation gave."""
        return await self.post({"location": {"latitude": latitude, "longitude": longitude}})

    async def poll(self) -> list[dict[str, Any]]:
        """Long-poll once from the cursor; keep and return what arrived."""
        response = await self.http.get(
            "/chat/api/updates", params={"after": self.cursor}, headers=self.headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        self.cursor = body["cursor"]
        self.shown += body["messages"]
        return list(body["messages"])

    async def wait_for(self, count: int, timeout_s: float = 30) -> list[dict[str, Any]]:
        """Poll until `count` replies in all were shown; return them all."""
        async with asyncio.timeout(timeout_s):
            while len(self.shown) < count:
                await self.poll()
        return self.shown


def payloads(reply: dict[str, Any]) -> list[str]:
    """Return the payloads of a shown reply's buttons, in order."""
    return [button["payload"] for row in reply["buttons"] for button in row]
