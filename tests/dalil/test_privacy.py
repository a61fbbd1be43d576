"""What a whole conversation leaves behind: no chat id, phone number, pseudonym or text.

The conversation goes through the real app (webhook or web chat endpoint, queue, worker,
dialogue, real Rasa, sender, Telegram stand-in or web chat outbox); then the database, Redis
and every log record are scanned.
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial

import pytest
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db import Base
from core.pseudonym import pseudonym
from dalil import migrate
from dalil.cli import quiet_libraries
from tests.helpers.app import Running, running_app
from tests.helpers.channels import Person, TelegramPerson, WebPerson
from tests.helpers.chat_keys import keys_of_chat
from tests.helpers.settings import PSEUDONYM_KEY
from tests.standins import telegram_updates as updates
from tests.standins.server import free_port
from tests.standins.telegram_api import Call
from tests.standins.web_browser import Browser

CHAT = 70_099_123
PHONE = "+33 6 12 34 56 78"
SAID = [
    "/start",
    f"ma fille Zineb a besoin d'un médecin à Lyon, appelez-moi au {PHONE}",
    "est-ce vrai que les migrants prennent le travail des gens d'ici",
    "quelle heure est-il sur la lune",
]
SECRETS = [
    "70099123",
    "Zineb",
    "12 34 56 78",
    "médecin à Lyon",
    "sur la lune",
    "prennent le travail",
]


def _person(channel: str, app: Running) -> tuple[Person, str]:
    """Return a person writing on `channel`, and the chat id that names them there."""
    if channel == "telegram":
        return TelegramPerson(app.http, app.telegram, CHAT), str(CHAT)
    browser = Browser(app.http)
    return WebPerson(browser), browser.conversation


@pytest.mark.parametrize("channel", ["telegram", "web"])
async def test_a_conversation_leaves_no_trace_of_the_person(
    rasa_url: str,
    pg_engine: AsyncEngine,
    redis: Redis,
    caplog: pytest.LogCaptureFixture,
    channel: str,
) -> None:
    # As `dalil run` logs: the application at INFO, the HTTP libraries only when they fail.
    caplog.set_level(logging.INFO)
    quiet_libraries()
    async with running_app(rasa_url) as app:
        person, chat_id = _person(channel, app)
        # The language and the city chosen with buttons, so that the last steps do not hang
        # on how the model reads the free texts (one of them may well be taken for danger).
        await person.say(SAID[0])
        await person.answers(1, timeout_s=60)
        await person.press("lang:fr")
        await person.answers(2, timeout_s=60)
        await person.press("city:lyon")
        await person.answers(3, timeout_s=60)
        for number, text in enumerate(SAID[1:], start=4):
            await person.say(text)
            await person.answers(number, timeout_s=60)
        await person.press("cat:health")
        await person.answers(len(SAID) + 3, timeout_s=60)
        await person.press("fb:up")
        await person.answers(len(SAID) + 4, timeout_s=60)
    key = pseudonym(PSEUDONYM_KEY.encode(), channel, chat_id)
    forbidden = [*SECRETS, chat_id, key]

    # The database: every row of every table, as text.
    found = []
    async with pg_engine.connect() as connection:
        for table in migrate.metadata().sorted_tables:
            for row in await connection.execute(select(table)):
                cells = " ".join(str(value) for value in row)
                found += [(table.name, s) for s in forbidden if s in cells]
    assert found == []
    assert Base.metadata.tables  # the scan saw the application's tables

    # Redis: keys and values. The conversation state is keyed by the pseudonym by design;
    # nothing else may name it, and no key or value may hold what was said or who said it.
    leaks = []
    for name in await redis.keys("*"):
        kind = await redis.type(name)
        if kind == "string":
            content = str(await redis.get(name))
        elif kind == "hash":
            content = str(await redis.hgetall(name))
        elif kind == "stream":
            content = str(await redis.xrange(name))
        else:
            content = ""
        secrets_here = SECRETS if name == f"conv:{key}" else forbidden
        leaks += [(name, s) for s in secrets_here if s in f"{name!s} {content}"]
    assert leaks == []

    # Logs: every record the app, the worker and the sender wrote.
    assert caplog.records
    logged = [
        (record.name, s) for record in caplog.records for s in forbidden if s in record.getMessage()
    ]
    assert logged == []


async def _until_gone(redis: Redis, channel: str, chat_id: str) -> list[str]:
    # The pacing mark goes once the answer to /forget was delivered: wait for it, briefly.
    for _ in range(50):
        left = await keys_of_chat(redis, channel, chat_id)
        if not left:
            break
        await asyncio.sleep(0.1)
    return left


def _more_than(count: int, sent: list[Call]) -> bool:
    return len(sent) > count


async def test_forget_leaves_no_key_of_the_chat_on_telegram(
    app_url_prereqs: None, redis: Redis
) -> None:
    chat = 70_099_555
    async with running_app(f"http://127.0.0.1:{free_port()}") as app:
        await app.post_update(updates.text(97_001, chat, "/start", "en"))
        for number, payload in enumerate(["lang:en", "city:lyon", "cat:health"], start=1):
            await app.wait_for(partial(_more_than, number - 1))
            await app.post_update(updates.button(97_001 + number, chat, payload, "en"))
        await app.wait_for(lambda sent: len(sent) >= 4)
        before = await keys_of_chat(redis, "telegram", str(chat))
        assert len(before) >= 2  # the conversation's state and its pacing mark
        await app.post_update(updates.text(97_010, chat, "/forget", "en"))
        sent = await app.wait_for(lambda sent: "Done: I erased" in sent[-1].params["text"])
        assert len(sent) == 5
        assert await _until_gone(redis, "telegram", str(chat)) == []
