"""A burst of Telegram updates from many chats, written as Telegram writes them, and the check
of what the Telegram stand-in received: every message answered, in order, duplicates counted.

Each chat alternates two commands whose answers differ, so the order of its answers shows the
order its messages were handled in, and a message answered twice shows as two equal answers
in a row.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from redis.asyncio import Redis

from bot.outbound import Outbound
from bot.queue import OUTBOUND, SENDERS
from bot.telegram.webhook import SECRET_HEADER
from tests.helpers.settings import TELEGRAM_SECRET
from tests.standins import telegram_updates as updates
from tests.standins.telegram_api import Call

SEQUENCE = ["/help", "/language"] * 6


def kind(text: str) -> str:
    """Which command a reply answers (any other reply shows as itself)."""
    if "/language, /city" in text:
        return "help"
    return "language" if text == "Choose your language:" else text


def expected_kinds(sequence: list[str]) -> list[str]:
    return ["help" if command == "/help" else "language" for command in sequence]


def help_or_answer(text: str) -> str:
    """For a chat alternating /help and free text: `help`, or `answer` for anything else."""
    return "help" if "/language, /city" in text else "answer"


@dataclass
class Writer:
    """Posts each chat's updates in order to the webhook at `url`, as Telegram does: an update
    is posted again until it is answered 200 (Telegram redelivers what it could not deliver),
    and the next one waits for it. Counts the refusals it met, and keeps when each chat's
    updates were accepted (monotonic). `first` numbers a later burst's updates after an
    earlier one's."""

    url: str
    # The free text a chat sends for "ask" in a sequence, by chat and number.
    texts: Callable[[int, int], str] = lambda chat, n: f"text {chat} {n}"
    refused: int = 0
    accepted: dict[int, list[float]] = field(default_factory=dict)

    async def chat(
        self, http: httpx.AsyncClient, chat: int, sequence: list[str] = SEQUENCE, first: int = 0
    ) -> None:
        for n, command in enumerate(sequence, start=first):
            text = self.texts(chat, n) if command == "ask" else command
            update = updates.text(chat * 100 + n, chat, text, language_code="en")
            while True:
                try:
                    response = await http.post(
                        f"{self.url}/webhooks/telegram", json=update,
                        headers={SECRET_HEADER: TELEGRAM_SECRET},
                    )  # fmt: skip
                    if response.status_code == 200:
                        self.accepted.setdefault(chat, []).append(time.monotonic())
                        break
                    assert response.status_code != 500, "a webhook answered 500"
                except httpx.HTTPError:
                    pass
                self.refused += 1
                await asyncio.sleep(0.2)

    async def burst(self, chats: list[int], sequence: list[str] = SEQUENCE, first: int = 0) -> None:
        async with httpx.AsyncClient(timeout=10) as http:
            await asyncio.gather(*(self.chat(http, chat, sequence, first) for chat in chats))


async def _holders(redis: Redis, stream: str, group: str, role: str, pid: int) -> list[Any]:
    """The consumers of process `pid` in `group` that read entries and did not ack them."""
    consumers: Any = await redis.xinfo_consumers(stream, group)
    ours = f"{role}-{socket.gethostname()}-{pid}-"
    return [c for c in consumers if c["name"].startswith(ours) and int(c["pending"])]


async def holding(redis: Redis, stream: str, group: str, role: str, pid: int) -> int:
    """How many entries of `stream` the consumers of process `pid` read and did not ack."""
    return sum(int(c["pending"]) for c in await _holders(redis, stream, group, role, pid))


async def held_replies(
    redis: Redis, role: str, pid: int, kind_of: Callable[[str], str] = kind
) -> set[tuple[int, str]]:
    """Which replies (chat, kind) the senders of process `pid` read and did not ack: the only
    ones a kill can make it send twice (window 1 of docs/reliability.md)."""
    replies: set[tuple[int, str]] = set()
    for consumer in await _holders(redis, OUTBOUND, SENDERS, role, pid):
        pending: Any = await redis.xpending_range(
            OUTBOUND, SENDERS, "-", "+", 10_000, consumername=consumer["name"]
        )
        for item in pending:
            entries: Any = await redis.xrange(OUTBOUND, item["message_id"], item["message_id"])
            for _id, fields in entries:
                outbound = Outbound.from_fields(fields)
                if outbound.reply is not None:
                    replies.add((int(outbound.chat_id), kind_of(outbound.reply.text)))
    return replies


async def wait_sent(sent: Callable[[], list[Call]], total: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while len(sent()) < total:
        assert time.monotonic() < deadline, f"{len(sent())} of {total} answered"
        await asyncio.sleep(0.1)


def duplicates(
    sent: list[Call],
    chats: list[int],
    sequence: list[str] = SEQUENCE,
    *,
    window: tuple[float, float] | None = None,
    held: tuple[set[tuple[int, str]], float] | None = None,
    kind_of: Callable[[str], str] = kind,
) -> int:
    """Check every chat got every answer once, in order, apart from answers repeated at once;
    return how many such repeats there were. Without `window` or `held`, none is allowed.

    With `window` (monotonic start, end), a repeat's first copy was accepted inside it and the
    repeat after it. With `held` (the replies a killed process held, and when it stopped), the
    repeat is one of those replies and came after it stopped. The first copy's time says
    nothing there: the stand-in shares the test's event loop, so a request the process had
    written whole before it stopped can be read a while later (a busy loop, a collection)."""
    by_chat: dict[int, list[Call]] = {chat: [] for chat in chats}
    for call in sent:
        by_chat[int(call.params["chat_id"])].append(call)
    repeats = 0
    expected = expected_kinds(sequence) if kind_of is kind else [
        "help" if command == "/help" else "answer" for command in sequence]  # fmt: skip
    for chat, calls in by_chat.items():
        kinds: list[str] = []
        previous: Call | None = None
        for call in calls:
            this = kind_of(call.params["text"])
            if previous is not None and kinds[-1] == this:
                texts = [c.params["text"][:60] for c in calls]
                if held is not None:
                    replies, stopped_at = held
                    assert (chat, this) in replies, (
                        f"chat {chat}: {this} answered twice, not a reply the killed process held"
                    )
                    assert stopped_at < call.at, f"chat {chat}: {this} repeated before the kill"
                else:
                    assert window is not None, f"chat {chat}: {this} answered twice: {texts}"
                    assert window[0] <= previous.at <= window[1] < call.at, (
                        f"chat {chat}: {this} answered twice outside the window"
                    )
                repeats += 1
                continue
            kinds.append(this)
            previous = call
        assert kinds == expected, f"chat {chat}: answers {kinds}"
    return repeats
