"""A Telegram update in, through Redis, the worker, Rasa and the directory, a reply out."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from tests.helpers.app import running_app
from tests.helpers.conversation import names_of
from tests.helpers.settings import TELEGRAM_SECRET
from tests.standins import telegram_updates as updates
from tests.standins.server import free_port

CHAT = 70010001


async def test_arabic_question_answered_with_tangier_health_services(
    app_url_prereqs: None, rasa_url: str, session: AsyncSession
) -> None:
    async with running_app(rasa_url) as app:
        (webhook,) = [c for c in app.telegram.calls if c.method == "setWebhook"]
        assert webhook.params["url"] == "https://dalil.example.org/webhooks/telegram"
        assert webhook.params["secret_token"] == TELEGRAM_SECRET

        update = updates.text(9001, CHAT, "أين أجد طبيب في طنجة؟", language_code="fr")
        assert (await app.post_update(update)).status_code == 200
        (reply,) = await app.wait_for(lambda sent: len(sent) >= 1)

        assert reply.params["chat_id"] == CHAT
        text = reply.params["text"]
        assert text.startswith("🩺 الصحة في طنجة:")  # Arabic, though the phone says French
        arabic_names = await names_of(session, "health", "tangier", "ar")
        shown = [
            line.split(". ", 1)[1]
            for line in text.splitlines()
            if line[:2] in {"1.", "2.", "3.", "4.", "5."}
        ]
        assert len(shown) == 5
        assert set(shown) <= arabic_names
        buttons = reply.params["reply_markup"]["inline_keyboard"]
        assert [b["callback_data"] for row in buttons for b in row] == [
            "more",
            "only:open",
            "only:free",
            "where",
            "menu",
            "city",
            "fb:up",
            "fb:down",
        ]

        # Telegram retries the same update: it must not be answered twice.
        assert (await app.post_update(update)).status_code == 200
        await asyncio.sleep(1.5)
        assert len(app.telegram.sent()) == 1

        # A button press is acknowledged and answered, without NLU.
        press = updates.button(9002, CHAT, "more")
        assert (await app.post_update(press)).status_code == 200
        sent = await app.wait_for(lambda sent: len(sent) >= 2)
        assert "\n\n6. " in sent[1].params["text"]
        (ack,) = app.telegram.sent("answerCallbackQuery")
        assert ack.params["callback_query_id"] == press["callback_query"]["id"]


async def test_french_conversation_from_start(app_url_prereqs: None, rasa_url: str) -> None:
    async with running_app(rasa_url) as app:
        await app.post_update(updates.text(9101, CHAT, "/start", language_code="fr"))
        sent = await app.wait_for(lambda sent: len(sent) == 1)
        assert sent[0].params["text"].startswith("Bienvenue sur Dalil.")
        await app.post_update(updates.button(9102, CHAT, "lang:fr"))
        await app.post_update(updates.button(9103, CHAT, "city:lyon"))
        await app.post_update(updates.text(9104, CHAT, "je cherche un cours de français"))
        sent = await app.wait_for(lambda sent: len(sent) == 4)
        assert [c.params["chat_id"] for c in sent] == [CHAT] * 4
        assert sent[1].params["text"] == "Dans quelle ville êtes-vous ?"
        assert sent[3].params["text"].startswith("📚 Éducation à Lyon :")


async def test_rasa_unreachable_still_sends_the_menu(app_url_prereqs: None) -> None:
    async with running_app(f"http://127.0.0.1:{free_port()}", RASA_TIMEOUT_S=1) as app:
        await app.post_update(updates.text(9201, CHAT, "hello, I need some help please", "en"))
        (reply,) = await app.wait_for(lambda sent: len(sent) == 1)
        assert (
            reply.params["text"] == "Sorry, I cannot understand messages right now. Choose a topic:"
        )
        buttons = reply.params["reply_markup"]["inline_keyboard"]
        assert "cat:health" in [b["callback_data"] for row in buttons for b in row]
        # Alive and answering with menus, but not ready: the orchestrator sees which part.
        assert (await app.http.get("/health")).json() == {"status": "ok"}
        ready = await app.http.get("/ready")
        assert ready.status_code == 503
        assert ready.json()["components"] == {"database": "ok", "redis": "ok", "rasa": "down"}


async def test_answers_go_on_when_redis_comes_back_empty(
    app_url_prereqs: None, redis: Redis
) -> None:
    # Redis restarted without its files, or flushed: the consumer groups the app made when it
    # started are gone, and the people who write next must still be answered.
    async with running_app(f"http://127.0.0.1:{free_port()}") as app:
        await app.post_update(updates.text(9401, CHAT + 3, "/start", "en"))
        await app.wait_for(lambda sent: len(sent) == 1)
        await redis.flushdb()
        await app.post_update(updates.text(9402, CHAT + 3, "/help", "en"))
        sent = await app.wait_for(lambda sent: len(sent) == 2)
        assert sent[1].params["text"].startswith("Write what you need in your own words")
