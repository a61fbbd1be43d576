"""`dalil chat`: a terminal conversation with the same dialogue the channels use."""

from __future__ import annotations

import asyncio
import itertools
import secrets
import sys
from typing import Any

from bot.dialogue.respond import Unavailable
from bot.messages import Button, IncomingMessage, Reply
from core.settings import Settings
from dalil.runtime import build_runtime

CHANNEL = "terminal"


def _print_replies(replies: list[Reply]) -> list[Button]:
    buttons = [button for reply in replies for row in reply.buttons for button in row]
    for reply in replies:
        print(f"\n{reply.text}")
    for number, button in enumerate(buttons, start=1):
        print(f"  [{number}] {button.label}")
    return buttons


def _incoming(line: str, buttons: list[Button], message_id: str) -> IncomingMessage:
    common: dict[str, Any] = {"channel": CHANNEL, "chat_id": "local", "message_id": message_id}
    if line.isdigit() and 1 <= int(line) <= len(buttons):
        return IncomingMessage(kind="button", payload=buttons[int(line) - 1].payload, **common)
    if line.startswith("/"):
        return IncomingMessage(kind="command", text=line, **common)
    return IncomingMessage(kind="text", text=line, **common)


async def chat(settings: Settings) -> None:
    """Read lines from the terminal and print the bot's answers until EOF or `/quit`."""
    runtime = build_runtime(settings)
    print("Dalil chat. Type a message, a number to press a button, /quit to leave.")
    buttons: list[Button] = []
    try:
        # Message ids of this run only: the dialogue answers a message id it has seen before
        # as it did then (bot/dialogue/replay.py), and another run's would be taken for it.
        run = secrets.token_hex(8)
        for number in itertools.count(1):
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line or line.strip() == "/quit":
                break
            if not line.strip():
                continue
            incoming = _incoming(line.strip(), buttons, f"{run}-{number}")
            try:
                replies = await runtime.dialogue.respond(incoming)
            except Unavailable as unavailable:
                replies = unavailable.apology
            buttons = _print_replies(replies)
            print("> ", end="", flush=True)
    finally:
        await runtime.aclose()
