"""Bad input at the Telegram webhook: clear answers, nothing queued (but a block), nothing sent."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from bot import queue
from tests.helpers.app import running_app
from tests.standins import telegram_updates as updates
from tests.standins.server import free_port
from tests.standins.telegram_api import Call

CHAT = 70020002


async def _queued(redis: Redis) -> int:
    """Count what reached the inbound stream, handled or not."""
    info = await redis.xinfo_stream(queue.INBOUND)
    return int(info["entries-added"])


async def test_bad_input_is_refused_and_nothing_is_sent(
    app_url_prereqs: None, redis: Redis
) -> None:
    async with running_app(f"http://127.0.0.1:{free_port()}") as app:
        update = updates.text(9301, CHAT, "hello")
        assert (await app.post_update(update, secret=None)).status_code == 401
        assert (await app.post_update(update, secret="wrong-secret")).status_code == 401
        response = await app.http.post(
            "/webhooks/telegram",
            content=b"{not json",
            headers={"X-Telegram-Bot-Api-Secret-Token": "webhook-secret_for-tests"},
        )
        assert response.status_code == 400
        assert response.json()["error"] == "bad_json"
        assert (await app.post_update({"no": "update id"})).status_code == 400
        assert (await app.post_update([1, 2])).status_code == 400  # type: ignore[arg-type]
        assert (
            await app.post_update(updates.group_text(9303, -100123, "hello all"))
        ).status_code == 200
        assert (
            await app.post_update({"update_id": 9304, "message": {"weird": True}})
        ).status_code == 200
        # The person blocked the bot: queued, so that the worker erases them, and never
        # answered (nothing reaches a person who blocked the bot).
        assert (await app.post_update(updates.my_chat_member(9302, CHAT))).status_code == 200
        for _ in range(50):
            if await redis.xlen(queue.INBOUND) == 0 and await _queued(redis) == 1:
                break
            await asyncio.sleep(0.1)
        assert await _queued(redis) == 1
        assert await redis.xlen(queue.INBOUND) == 0  # handled and acknowledged
        await asyncio.sleep(1)
        assert app.telegram.sent() == []


async def test_a_sticker_gets_a_kind_answer(app_url_prereqs: None, redis: Redis) -> None:
    async with running_app(f"http://127.0.0.1:{free_port()}") as app:
        assert (await app.post_update(updates.sticker(9401, CHAT))).status_code == 200
        (reply,) = await app.wait_for(lambda sent: len(sent) == 1)
        assert reply.params["text"].startswith("I can read text messages and buttons.")


async def test_duplicates_are_queued_once(app_url_prereqs: None, redis: Redis) -> None:
    async with running_app(f"http://127.0.0.1:{free_port()}") as app:
        update = updates.text(9501, CHAT, "/start")
        for _ in range(3):
            assert (await app.post_update(update)).status_code == 200
        await app.wait_for(lambda sent: len(sent) == 1)
        await asyncio.sleep(1)
        assert await _queued(redis) == 1
        assert len(app.telegram.sent()) == 1


async def test_a_nul_character_in_an_update_is_answered_not_refused(
    app_url_prereqs: None, redis: Redis
) -> None:
    async with running_app(f"http://127.0.0.1:{free_port()}") as app:
        response = await app.post_update(updates.text(9601, CHAT, "/start\u0000"))
        assert response.status_code == 200
        await app.wait_for(lambda sent: len(sent) == 1)


async def test_every_kind_of_update_gets_a_sensible_answer(
    app_url_prereqs: None, redis: Redis
) -> None:
    async with running_app(f"http://127.0.0.1:{free_port()}") as app:
        matrix = [
            (updates.voice(9701, CHAT), "I can read text messages and buttons."),
            (updates.photo(9702, CHAT + 1), "I can read text messages and buttons."),
            (updates.edited_text(9703, CHAT + 2, "/help"), "Write what you need"),
            (updates.location(9704, CHAT + 3, 35.7836, -5.8132), "What do you need?"),
            (updates.button(9705, CHAT + 4, "cat:health", "fr"), "Dans quelle ville"),
            (updates.text(9706, CHAT + 5, "/start", "ar"), "بك في دليل"),
        ]
        for update, _ in matrix:
            assert (await app.post_update(update)).status_code == 200
        sent = await app.wait_for(lambda sent: len(sent) >= len(matrix))
        answers = {int(call.params["chat_id"]): call.params["text"] for call in sent}
        for offset, (_, expected) in enumerate(matrix):
            assert expected in answers[CHAT + offset], (offset, answers[CHAT + offset][:60])


async def test_the_words_under_a_photo_are_read(
    app_url_prereqs: None, redis: Redis, rasa_url: str
) -> None:
    # A photo of a bruise or of a letter comes with what the person wants to say: it is read
    # like a message, so that words of danger get the numbers and a question its answer.
    async with running_app(rasa_url) as app:
        danger = updates.photo(9801, CHAT, caption="look at my arm, he is beating me")
        question = updates.photo(9802, CHAT + 1, caption="where can I see a doctor in Lyon?")
        for update in (danger, question):
            assert (await app.post_update(update)).status_code == 200
        sent = await app.wait_for(lambda sent: all(_told(sent, c) for c in (CHAT, CHAT + 1)))
        first: dict[int, str] = {}
        for call in sent:
            first.setdefault(int(call.params["chat_id"]), call.params["text"])
        assert first[CHAT].startswith("🚨 If you are in danger, call now:")
        assert first[CHAT + 1].startswith("🩺 Health in Lyon:")
        # Told once, at the end, that the photo itself is not seen.
        for chat in (CHAT, CHAT + 1):
            texts = "\n".join(c.params["text"] for c in sent if int(c.params["chat_id"]) == chat)
            assert texts.count(UNSEEN) == 1


# What the answer to words sent with a photo ends with.
UNSEEN = "I cannot see photos, videos or files: I read your words."


def _told(sent: list[Call], chat: int) -> bool:
    """Tell whether the answer to `chat` ends with the line that says the photo is not seen."""
    texts = [c.params["text"] for c in sent if int(c.params["chat_id"]) == chat]
    return bool(texts) and texts[-1].endswith(UNSEEN)


def _chats(sent: list[Call]) -> set[int]:
    return {int(call.params["chat_id"]) for call in sent}
