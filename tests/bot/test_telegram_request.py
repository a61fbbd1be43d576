"""PTB's calls made through aiohttp (bot/telegram/request.py): what reaches the Bot API, and
how its failures come back to the sender as PTB's own errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.telegram.request import AiohttpRequest
from bot.telegram.send import _seconds, build_bot, close_bot
from tests.helpers.settings import TELEGRAM_TOKEN
from tests.standins.server import free_port, serve

CHAT = 5550042


def _message(chat_id: int, **fields: Any) -> dict[str, Any]:
    return {"message_id": 7, "date": 1_764_000_000, "chat": {"id": chat_id, "type": "private"},
            **fields}  # fmt: skip


class BotAPI:
    """A Bot API stand-in that keeps what each call carried, and answers slowly or 429 when
    told to."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any], str]] = []
        self.delay_s = 0.0
        self.throttled = False

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/bot{token}/{method}", self.call, methods=["POST"])])

    async def call(self, request: Request) -> JSONResponse:
        fields: dict[str, Any] = {}
        async with request.form() as form:
            for name, value in form.multi_items():
                if isinstance(value, str):
                    fields[name] = value
                else:  # an uploaded file: its name, type and bytes
                    fields[name] = (value.filename, value.content_type, await value.read())
        method = request.path_params["method"]
        if method == "getMe":  # Bot.initialize asks who the bot is
            me = {"id": 123456, "is_bot": True, "first_name": "Dalil", "username": "dalil_bot"}
            return JSONResponse({"ok": True, "result": me})
        self.calls.append((method, fields, request.headers.get("user-agent", "")))
        await asyncio.sleep(self.delay_s)
        if self.throttled:
            return JSONResponse(
                {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
                 "parameters": {"retry_after": 3}},
                status_code=429,
            )  # fmt: skip
        chat = int(str(fields["chat_id"]))
        if method == "sendDocument":
            document = {"file_id": "f1", "file_unique_id": "u1", "file_name": fields["document"][0]}
            return JSONResponse({"ok": True, "result": _message(chat, document=document)})
        return JSONResponse({"ok": True, "result": _message(chat, text=fields.get("text"))})


@pytest.fixture
async def api() -> AsyncIterator[tuple[BotAPI, Bot]]:
    stand_in = BotAPI()
    async with serve(stand_in.app()) as url:
        bot = build_bot(TELEGRAM_TOKEN, f"{url}/bot", timeout_s=0.5)
        try:
            await bot.initialize()
            yield stand_in, bot
        finally:
            await bot.shutdown()


async def test_a_message_reaches_the_bot_api_as_ptb_encodes_it(api: tuple[BotAPI, Bot]) -> None:
    stand_in, bot = api
    sent = await bot.send_message(chat_id=CHAT, text="مرحبا: 🩺 Santé")
    assert sent.text == "مرحبا: 🩺 Santé"
    method, fields, agent = stand_in.calls[-1]
    assert (method, fields["chat_id"], fields["text"]) == ("sendMessage", str(CHAT), sent.text)
    assert agent.startswith("python-telegram-bot")


async def test_a_file_goes_as_a_multipart_form(api: tuple[BotAPI, Bot]) -> None:
    stand_in, bot = api
    content = "nom;adresse\nCASO;Lyon;été\n".encode()
    sent = await bot.send_document(
        chat_id=CHAT, document=content, filename="services.csv", caption="à jour"
    )
    assert sent.document is not None
    assert sent.document.file_name == "services.csv"
    method, fields, _ = stand_in.calls[-1]
    assert method == "sendDocument"
    assert (fields["chat_id"], fields["caption"]) == (str(CHAT), "à jour")
    filename, _type, body = fields["document"]
    assert (filename, body) == ("services.csv", content)


async def test_a_slow_bot_api_is_a_timeout_after_it_received_the_call(
    api: tuple[BotAPI, Bot],
) -> None:
    stand_in, bot = api
    stand_in.delay_s = 2.0
    with pytest.raises(TimedOut):
        await bot.send_message(chat_id=CHAT, text="hello")
    assert [call[0] for call in stand_in.calls] == ["sendMessage"]


async def test_429_is_ptbs_retry_after(api: tuple[BotAPI, Bot]) -> None:
    stand_in, bot = api
    stand_in.throttled = True
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(chat_id=CHAT, text="hello")
    assert _seconds(raised.value.retry_after) == 3.0
    assert [call[0] for call in stand_in.calls] == ["sendMessage"]


async def test_nobody_listening_is_a_network_error() -> None:
    request = AiohttpRequest(read_timeout=0.5)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{free_port()}/bot{TELEGRAM_TOKEN}/getMe")
        assert not isinstance(raised.value, TimedOut)
        assert "aiohttp.ClientConnectorError" in str(raised.value)
    finally:
        await request.shutdown()


async def test_a_bot_nobody_initialised_sends_as_a_sender_only_process_does() -> None:
    """`dalil run --roles sender` sends through a Bot only the api role initialises, as PTB's
    own network layer allows: its first call opens the session."""
    stand_in = BotAPI()
    async with serve(stand_in.app()) as url:
        bot = build_bot(TELEGRAM_TOKEN, f"{url}/bot", timeout_s=0.5)
        try:
            sent = await bot.send_message(chat_id=CHAT, text="hello")
        finally:
            await close_bot(bot)
    assert sent.text == "hello"
    assert [call[0] for call in stand_in.calls] == ["sendMessage"]
