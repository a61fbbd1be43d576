"""A local stand-in for the Telegram Bot API: records calls, can fail on demand.

Requests arrive as python-telegram-bot sends them: form fields, with non-string values
JSON-encoded. Answers follow the Bot API's envelope: {"ok": true, "result": ...} or
{"ok": false, "error_code": ..., "description": ..., "parameters": {...}}.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.standins.answering import Answering

BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Dalil", "username": "dalil_test_bot"}
_JSON_FIELDS = {"reply_markup", "allowed_updates", "chat_id", "timeout", "offset"}


@dataclass
class Call:
    """One Bot API call as received."""

    method: str
    params: dict[str, Any]
    at: float


@dataclass
class TelegramStandIn(Answering):
    """State of the stand-in: what it received and what it should answer next."""

    calls: list[Call] = field(default_factory=list)
    # Planned answers for the next sendMessage calls: (status, body) or ("hang", seconds).
    planned: list[tuple[Any, Any]] = field(default_factory=list)
    # While set, every sendMessage is refused with one of these (status, body), in turn: the
    # platform having trouble for a while (`trouble_for`).
    trouble: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    _troubles: itertools.count[int] = field(default_factory=itertools.count)
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    # Updates waiting for getUpdates (long polling), and a signal when one arrives.
    updates: list[dict[str, Any]] = field(default_factory=list)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def push_update(self, update: dict[str, Any]) -> None:
        """Make an update available to getUpdates, as Telegram keeps it for a bot without a
        webhook."""
        self.updates.append(update)
        self._arrived.set()

    def sent(self, method: str = "sendMessage") -> list[Call]:
        """Return the accepted calls of one method."""
        return [c for c in self.calls if c.method == method and c.params.get("_accepted")]

    def fail_next(self, status: int, body: dict[str, Any]) -> None:
        """Answer the next sendMessage with an error."""
        self.planned.append((status, body))

    def accept_next(self) -> None:
        """Accept the next sendMessage as usual (to plan a failure for the one after)."""
        self.planned.append(("ok", None))

    def trouble_for(self, answers: list[tuple[int, dict[str, Any]]]) -> None:
        """Refuse every sendMessage with `answers` in turn until `trouble_over`."""
        self.trouble = list(answers)

    def trouble_over(self) -> None:
        self.trouble = []

    def hang_next(self, seconds: float) -> None:
        """Make the next sendMessage hang before answering."""
        self.planned.append(("hang", seconds))

    async def handle(self, request: Request) -> JSONResponse:
        return await self.counted(self._answer, request)

    async def _answer(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        body = (await request.body()).decode()
        params: dict[str, Any] = {}
        for key, value in parse_qsl(body, keep_blank_values=True):
            params[key] = json.loads(value) if key in _JSON_FIELDS else value
        call = Call(method, params, time.monotonic())
        self.calls.append(call)
        if method == "sendMessage" and self.trouble:
            status, refusal = self.trouble[next(self._troubles) % len(self.trouble)]
            return JSONResponse(refusal, status_code=status)
        if method == "sendMessage" and self.planned:
            status, body = self.planned.pop(0)
            if status == "hang":
                await asyncio.sleep(body)
            elif status != "ok":
                return JSONResponse(body, status_code=status)
        params["_accepted"] = True
        if method == "getUpdates":
            return JSONResponse({"ok": True, "result": await self._long_poll(params)})
        return JSONResponse({"ok": True, "result": self._result(method, params)})

    async def _long_poll(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        # An offset confirms every update before it: Telegram forgets them. With none left,
        # the call waits for one to arrive, up to `timeout` seconds; here at most one, so that
        # a test's app stops at once (an empty answer before the timeout is allowed).
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates:
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                wait_s = min(1.0, float(params.get("timeout") or 0))
                await asyncio.wait_for(self._arrived.wait(), wait_s)
        return [u for u in self.updates if u["update_id"] >= offset]

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "sendMessage":
            return {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": params["chat_id"], "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
        return True

    def app(self) -> Starlette:
        """Return the ASGI app serving `/bot<token>/<method>`."""
        return Starlette(routes=[Route("/bot{token}/{method}", self.handle, methods=["POST"])])
