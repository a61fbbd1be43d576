"""The whole app, served for real, with WhatsApp Cloud API stand-ins on both sides.

Commands, button and list replies and locations need no NLU: Rasa is down for those tests.
Free-text questions go through the real Rasa server (the `rasa_url` fixture).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from redis.asyncio import Redis

from bot import queue
from bot.whatsapp import window
from bot.whatsapp.parse import message_key
from dalil.app import create_app
from nlu.training_data import DATA_DIR, read_examples
from tests.helpers.chat_keys import keys_of_chat
from tests.helpers.memory import PeakRSS
from tests.helpers.settings import PSEUDONYM_KEY, make_settings
from tests.helpers.streams import entries
from tests.standins import whatsapp_payloads as wa
from tests.standins.server import free_port, serve
from tests.standins.whatsapp_api import (
    PHONE_NUMBER_ID,
    WHATSAPP_TOKEN,
    Call,
    WhatsAppStandIn,
)

APP_SECRET = "a3f1c9e0b7d24c5e8f6a1b2c3d4e5f60"
VERIFY_TOKEN = "dalil-verify-token-for-tests"


class Running:
    """A running app and what the Cloud API stand-in received from it."""

    def __init__(self, url: str, api: WhatsAppStandIn) -> None:
        self.api = api
        self.http = httpx.AsyncClient(base_url=url, timeout=10)

    async def post(self, payload: Any, *, secret: str = APP_SECRET) -> httpx.Response:
        body, headers = wa.signed(payload, secret)
        return await self.http.post("/webhooks/whatsapp", content=body, headers=headers)

    async def wait_for(
        self, predicate: Callable[[list[Call]], bool], timeout_s: float = 20
    ) -> list[Call]:
        """Wait until the accepted messages satisfy `predicate`; return them."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while asyncio.get_running_loop().time() < deadline:
            if predicate(self.api.sent()):
                return self.api.sent()
            await asyncio.sleep(0.1)
        raise AssertionError(f"stand-in received {[c.body for c in self.api.sent()]}")


@asynccontextmanager
async def running_app(rasa_url: str | None = None, **overrides: object) -> AsyncIterator[Running]:
    """Start the Cloud API stand-in and the app with every role and no Telegram; yield both."""
    api = WhatsAppStandIn()
    async with serve(api.app()) as api_url:
        settings = make_settings(
            RASA_URL=rasa_url or f"http://127.0.0.1:{free_port()}",
            RASA_TIMEOUT_S=10 if rasa_url else 1,
            WHATSAPP_TOKEN=WHATSAPP_TOKEN,
            WHATSAPP_APP_SECRET=APP_SECRET,
            WHATSAPP_VERIFY_TOKEN=VERIFY_TOKEN,
            WHATSAPP_PHONE_NUMBER_ID=PHONE_NUMBER_ID,
            WHATSAPP_API_BASE_URL=f"{api_url}/v21.0",
            **overrides,
        )
        async with serve(create_app(settings), lifespan="on") as url:
            running = Running(url, api)
            try:
                yield running
            finally:
                await running.http.aclose()


def _hmac(body: bytes) -> str:
    """Return the signature header value Meta would send for `body`."""
    return "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()


async def _queued(redis: Redis) -> int:
    """Count what reached the inbound stream, handled or not."""
    info = await redis.xinfo_stream(queue.INBOUND)
    return int(info["entries-added"])


async def test_verification_answers_the_challenge_only_to_the_right_token(
    app_url_prereqs: None,
) -> None:
    async with running_app() as app:
        good = {
            "hub.mode": "subscribe",
            "hub.verify_token": VERIFY_TOKEN,
            "hub.challenge": "1158201444",
        }
        response = await app.http.get("/webhooks/whatsapp", params=good)
        assert response.status_code == 200
        assert response.text == "1158201444"
        assert response.headers["content-type"].startswith("text/plain")
        for bad in (
            {**good, "hub.verify_token": "wrong"},
            {**good, "hub.verify_token": ""},
            {**good, "hub.mode": "unsubscribe"},
            {k: v for k, v in good.items() if k != "hub.verify_token"},
        ):
            assert (await app.http.get("/webhooks/whatsapp", params=bad)).status_code == 403
        # The right token without a challenge: said as it is, not as a wrong token.
        no_challenge = {k: v for k, v in good.items() if k != "hub.challenge"}
        response = await app.http.get("/webhooks/whatsapp", params=no_challenge)
        assert response.status_code == 400
        assert response.json() == {"error": "bad_request", "detail": "hub.challenge is missing"}


async def test_unsigned_or_wrongly_signed_posts_are_refused(
    app_url_prereqs: None, redis: Redis
) -> None:
    async with running_app() as app:
        payload = wa.text(1, "/menu")
        body, headers = wa.signed(payload, APP_SECRET)
        url = "/webhooks/whatsapp"
        no_signature = {"Content-Type": "application/json"}
        assert (await app.http.post(url, content=body, headers=no_signature)).status_code == 401
        assert (await app.post(payload, secret="another-app-secret")).status_code == 401
        tampered = body.replace(b"/menu", b"/help")
        assert (await app.http.post(url, content=tampered, headers=headers)).status_code == 401
        bare_hex = {**headers, "X-Hub-Signature-256": headers["X-Hub-Signature-256"][7:]}
        assert (await app.http.post(url, content=body, headers=bare_hex)).status_code == 401
        await asyncio.sleep(0.5)
        assert await _queued(redis) == 0
        assert app.api.calls == []


async def test_every_kind_of_notification_is_acknowledged_and_queued_or_skipped(
    app_url_prereqs: None, redis: Redis
) -> None:
    async with running_app() as app:
        expected = 0
        for n, (name, (build, kind)) in enumerate(sorted(wa.MATRIX.items()), start=100):
            response = await app.post(build(n))
            assert response.status_code == 200, name
            expected += kind is not None
            assert await _queued(redis) == expected, name
        for raw in (b"{not json", b"", b"[1, 2]", b'{"object": "whatsapp_business_account"}',
                    b"null", b'"\\u0000"', b"[" * 100_000):  # fmt: skip
            headers = {"Content-Type": "application/json", "X-Hub-Signature-256": _hmac(raw)}
            response = await app.http.post("/webhooks/whatsapp", content=raw, headers=headers)
            assert response.status_code == 200, raw[:20]
        assert await _queued(redis) == expected


async def test_a_command_goes_all_the_way_and_comes_back_as_a_list(
    app_url_prereqs: None, redis: Redis
) -> None:
    async with running_app() as app:
        assert (await app.post(wa.text(201, "/menu"))).status_code == 200
        (menu,) = await app.wait_for(lambda sent: len(sent) == 1)
        assert menu.body["to"] == wa.WA_ID
        assert menu.phone_number_id == PHONE_NUMBER_ID
        assert (menu.type, menu.interactive_type) == ("interactive", "list")
        assert menu.text == "What do you need?"
        ids = [choice_id for choice_id, _ in menu.choices]
        assert ids[0] == "cat:health"
        assert ids[-3:] == ["myths", "human", "emergency"]
        assert len(ids) == 10

        # The person picks a topic, then a city from the list: the answer ends with buttons.
        await app.post(wa.list_reply(202, "cat:health", title="🩺 Health"))
        sent = await app.wait_for(lambda sent: len(sent) == 2)
        assert sent[1].interactive_type == "list"
        assert ("city:tangier", "Tangier") in sent[1].choices
        await app.post(wa.list_reply(203, "city:tangier"))
        sent = await app.wait_for(lambda sent: ("fb:up", "👍 Useful") in sent[-1].choices)
        results = sent[2:]
        assert "".join(c.text for c in results).startswith("🩺 Health in Tangier:")
        assert results[-1].interactive_type == "list"
        assert [choice_id for choice_id, _ in results[-1].choices] == [
            "more", "only:open", "only:free", "where", "menu", "city", "fb:up", "fb:down",
        ]  # fmt: skip
        for call in app.api.sent():
            assert all(len(title) <= 24 for _, title in call.choices)
            assert len(call.choices) <= 10

        # Meta delivers the same notification again: it is not answered twice.
        count = len(app.api.sent())
        assert (await app.post(wa.list_reply(203, "city:tangier"))).status_code == 200
        await asyncio.sleep(1.5)
        assert len(app.api.sent()) == count


# Written as people write on WhatsApp; none is a training example (checked in the test).
FREE_TEXT = {
    "212600000011": ("ar", "ابحث عن طبيب في طنجة من فضلك", "🩺 الصحة في طنجة:"),
    "212600000012": (
        "fr",
        "bonjour je cherche un avocat pour mes papiers à lyon",
        "⚖️ Aide juridique à Lyon :",
    ),
    # The city named in Ukrainian, as the person reads it, not "Vienna".
    "212600000013": ("uk", "де можна знайти житло у відні?", "🏠 Житло у місті Відень:"),
}


async def test_free_text_in_three_languages_is_answered_through_rasa(
    app_url_prereqs: None, redis: Redis, rasa_url: str
) -> None:
    trained = {e.text.casefold() for path in DATA_DIR.glob("*.yml") for e in read_examples(path)}
    assert not {text.casefold() for _, text, _ in FREE_TEXT.values()} & trained
    async with running_app(rasa_url) as app:
        for number, (wa_id, (_, text, _)) in enumerate(FREE_TEXT.items()):
            assert (await app.post(wa.text(801 + number, text, wa_id=wa_id))).status_code == 200

        def answered(sent: list[Call]) -> bool:
            return {c.body["to"] for c in sent if c.choices} >= set(FREE_TEXT)

        sent = await app.wait_for(answered, timeout_s=60)
    for wa_id, (language, _, header) in FREE_TEXT.items():
        text = "".join(c.text for c in sent if c.body["to"] == wa_id)
        assert text.startswith(header), (language, text[:80])
        assert re.search(r"^1\. ", text, re.MULTILINE), (language, text[:200])


async def test_the_words_under_a_photo_are_answered_and_the_photo_said_unseen(
    app_url_prereqs: None, redis: Redis, rasa_url: str
) -> None:
    unseen = "I cannot see photos, videos or files: I read your words."
    captions = {
        "212600000021": "look at my arm, he is beating me",
        "212600000022": "where can I see a doctor in Lyon?",
    }
    async with running_app(rasa_url) as app:
        for number, (wa_id, caption) in enumerate(captions.items()):
            assert (await app.post(wa.image(901 + number, caption, wa_id=wa_id))).status_code == 200

        def texts(sent: list[Call], wa_id: str) -> list[str]:
            return [c.text for c in sent if c.body["to"] == wa_id]

        def told(sent: list[Call]) -> bool:
            # Each chat's answer ends with the line that says the photo itself is not seen.
            return all(texts(sent, wa_id)[-1:] and texts(sent, wa_id)[-1].endswith(unseen)
                       for wa_id in captions)  # fmt: skip

        sent = await app.wait_for(told, timeout_s=60)
    danger, question = (texts(sent, wa_id) for wa_id in captions)
    assert danger[0].startswith("🚨 If you are in danger, call now:"), "the numbers first"
    assert question[0].startswith("🩺 Health in Lyon:")
    for said in (danger, question):
        assert "\n".join(said).count(unseen) == 1


async def test_a_nul_character_in_a_text_is_answered_not_refused(
    app_url_prereqs: None, redis: Redis
) -> None:
    async with running_app() as app:
        assert (await app.post(wa.text(302, "/help\u0000"))).status_code == 200
        (reply,) = await app.wait_for(lambda sent: len(sent) == 1)
        assert reply.interactive_type == "list"


async def test_a_sticker_gets_a_kind_answer(app_url_prereqs: None, redis: Redis) -> None:
    async with running_app() as app:
        assert (await app.post(wa.sticker(301))).status_code == 200
        (reply,) = await app.wait_for(lambda sent: len(sent) == 1)
        assert reply.text.startswith("I can read text messages and buttons.")


async def test_a_location_reaches_the_dialogue_as_a_location(
    app_url_prereqs: None, redis: Redis
) -> None:
    async with running_app() as app:
        await app.post(wa.button_reply(401, "cat:housing", title="🏠 Housing"))
        await app.wait_for(lambda sent: len(sent) == 1)
        await app.post(wa.location(402, 35.7836, -5.8132))
        sent = await app.wait_for(lambda sent: any(i == "where" for i, _ in sent[-1].choices))
        assert sent[-1].interactive_type == "list"
        assert "".join(c.text for c in sent[1:]).startswith("🏠 Housing in Tangier:")


async def test_the_window_and_dedupe_keys_hold_no_phone_number(
    app_url_prereqs: None, redis: Redis
) -> None:
    async with running_app() as app:
        await app.post(wa.text(501, "/help"))
        await app.wait_for(lambda sent: len(sent) == 1)
        keys = [str(k) for k in await redis.keys("*")]
        assert window.window_key(PSEUDONYM_KEY.encode(), wa.WA_ID) in keys
        assert f"dedupe:wa:{message_key(wa.wamid(501))}" in keys
        assert [k for k in keys if k.startswith("sent:")]
        assert not [k for k in keys if wa.WA_ID in k or "wamid" in k]


async def test_forget_leaves_no_key_of_the_chat_not_even_the_window(
    app_url_prereqs: None, redis: Redis
) -> None:
    async with running_app() as app:
        await app.post(wa.text(701, "/start"))
        await app.wait_for(lambda sent: len(sent) == 1)
        await app.post(wa.list_reply(702, "lang:en", title="English"))
        await app.wait_for(lambda sent: len(sent) == 2)
        before = await keys_of_chat(redis, "whatsapp", wa.WA_ID)
        assert window.window_key(PSEUDONYM_KEY.encode(), wa.WA_ID) in before
        await app.post(wa.text(703, "/forget"))
        sent = await app.wait_for(lambda sent: sent[-1].text.startswith("Done: I erased"))
        assert len(sent) == 3  # the answer went out before the window was erased
        for _ in range(50):
            if not await keys_of_chat(redis, "whatsapp", wa.WA_ID):
                break
            await asyncio.sleep(0.1)
        assert await keys_of_chat(redis, "whatsapp", wa.WA_ID) == []

        # Writing again opens a new window, and the answer goes out.
        await app.post(wa.text(704, "/help"))
        await app.wait_for(lambda sent: len(sent) == 4)


async def test_a_reply_outside_the_window_is_not_sent(app_url_prereqs: None, redis: Redis) -> None:
    async with running_app() as app:
        # Meta retried a delivery for two days: the person wrote 48 h ago.
        old = wa.text(601, "/help", sent_at=int(time.time()) - 48 * 3600)
        assert (await app.post(old)).status_code == 200
        for _ in range(100):
            if await redis.exists(queue.DEAD_LETTERS):
                break
            await asyncio.sleep(0.1)
        (entry,) = await entries(redis, queue.DEAD_LETTERS)
        assert entry[1]["reason"] == "outside_24h_window"
        assert app.api.calls == []


async def test_the_route_exists_only_when_whatsapp_is_configured() -> None:
    app = create_app(make_settings())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        assert (await http.get("/webhooks/whatsapp")).status_code == 404
        assert (await http.post("/webhooks/whatsapp", content=b"{}")).status_code == 404


async def test_large_unsigned_bodies_are_refused_before_they_are_read(
    app_url_prereqs: None,
) -> None:
    """Issue 13, finding 2: an unsigned streamed 300 MB POST grew the server by 580 MB."""
    async with running_app() as app:
        url = "/webhooks/whatsapp"
        chunk = b"x" * (1024 * 1024)

        async def stream() -> AsyncIterator[bytes]:
            for _ in range(200):
                yield chunk

        memory = PeakRSS()
        streamed = await app.http.post(url, content=stream(), timeout=60)
        growth_mib = memory.growth_mib()
        print(f"200 MiB unsigned stream: {streamed.status_code}, grew {growth_mib:.0f} MiB")  # noqa: T201
        assert streamed.status_code == 413, streamed.text
        assert streamed.json()["error"] == "too_large"
        assert growth_mib < 50, f"grew by {growth_mib:.0f} MiB"
        declared = await app.http.post(
            url, content=stream(), headers={"Content-Length": str(200 * len(chunk))}
        )
        assert declared.status_code == 413
        assert (await app.post(wa.text(1, "/menu"))).status_code == 200
