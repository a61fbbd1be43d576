"""The web chat through the real app: endpoints, inbound stream, worker, Rasa, sender, outbox.

The browser is tests/standins/web_browser.py, making the requests the page's script makes.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from bot import queue
from bot.i18n import translations
from bot.web import limits, outbox
from core.pseudonym import pseudonym
from dalil.cli import quiet_libraries
from tests.helpers.app import running_app
from tests.helpers.conversation import names_of
from tests.helpers.settings import PSEUDONYM_KEY
from tests.standins.server import free_port
from tests.standins.web_browser import Browser, payloads

# A long poll answers "nothing yet" after this: long enough to see a reply that was coming.
LONG_POLL_MS = "1500"
ARABIC_QUESTION = "أين أجد طبيب في طنجة؟"
RESULT_BUTTONS = ["more", "only:open", "only:free", "where", "menu", "city", "fb:up", "fb:down"]
_NUMBERED = re.compile(r"^\d+\. (.+)$", re.MULTILINE)


async def _queued(redis: Redis) -> int:
    """Count what reached the inbound stream, handled or not."""
    info: Any = await redis.xinfo_stream(queue.INBOUND)
    return int(info["entries-added"])


async def test_an_arabic_question_is_answered_through_rasa_and_the_queues(
    app_url_prereqs: None,
    rasa_url: str,
    redis: Redis,
    session: AsyncSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    quiet_libraries()
    async with running_app(rasa_url, CHAT_LONG_POLL_MS=LONG_POLL_MS) as app:
        browser = Browser(app.http)
        browser.language = "fr"  # the phone says French; the person writes Arabic
        sent = await browser.say(ARABIC_QUESTION, message_id="q1")
        assert sent.status_code == 202
        assert sent.json() == {"ok": True, "duplicate": False}
        (reply,) = await browser.wait_for(1)
        assert reply["text"].startswith("🩺 الصحة في طنجة:")
        assert reply["rtl"] is True
        shown = _NUMBERED.findall(reply["text"])
        assert len(shown) == 5
        assert set(shown) <= await names_of(session, "health", "tangier", "ar")
        assert payloads(reply) == RESULT_BUTTONS
        assert reply["location_request"] is None
        assert "template" not in reply

        # The page sends the same message again (its answer was lost): answered once.
        again = await browser.say(ARABIC_QUESTION, message_id="q1")
        assert again.status_code == 202
        assert again.json()["duplicate"] is True
        assert await browser.poll() == []
        assert await _queued(redis) == 1

        # A button press goes without NLU to the next page of results.
        assert (await browser.press("more")).status_code == 202
        (_, more) = await browser.wait_for(2)
        assert "\n\n6. " in more["text"]
        assert more["rtl"] is True

    said = [browser.conversation, ARABIC_QUESTION, "طبيب"]
    assert caplog.records
    logged = [(r.name, s) for r in caplog.records for s in said if s in r.getMessage()]
    assert logged == []


async def test_the_language_choice_and_persian_right_to_left(
    app_url_prereqs: None, rasa_url: str
) -> None:
    async with running_app(rasa_url, CHAT_LONG_POLL_MS=LONG_POLL_MS) as app:
        browser = Browser(app.http)
        browser.language = "en-GB"
        await browser.say("/start")
        (welcome,) = await browser.wait_for(1)
        assert welcome["text"].startswith("Welcome to Dalil.")
        assert welcome["rtl"] is False
        assert "lang:fa" in payloads(welcome)
        await browser.press("lang:fa")
        fa = translations("fa")
        ask_city = (await browser.wait_for(2))[1]
        assert ask_city["text"] == fa.gettext("Which city are you in?")
        assert ask_city["rtl"] is True
        await browser.press("city:lyon")
        menu = (await browser.wait_for(3))[2]
        assert menu["text"] == fa.gettext("What do you need?")
        assert menu["rtl"] is True
        await browser.press("lang:fr")
        menu = (await browser.wait_for(4))[3]
        assert menu["text"] == "De quoi avez-vous besoin ?"
        assert menu["rtl"] is False


async def test_a_location_from_the_browser_finds_the_nearest_city(
    app_url_prereqs: None, rasa_url: str
) -> None:
    async with running_app(rasa_url, CHAT_LONG_POLL_MS=LONG_POLL_MS) as app:
        browser = Browser(app.http)
        browser.language = "en"
        await browser.say("/menu")
        await browser.wait_for(1)
        await browser.press("cat:housing")
        ask_city = (await browser.wait_for(2))[1]
        assert "city:tangier" in payloads(ask_city)
        # Tangier's medina, as navigator.geolocation gives it.
        assert (await browser.share_location(35.7836, -5.8132)).status_code == 202
        results = (await browser.wait_for(3))[2]
        assert results["text"].startswith("🏠 Housing in Tangier:")
        assert "where" in payloads(results)
        # "Nearest to me" asks for the position with the page's location button.
        await browser.press("where")
        request = (await browser.wait_for(4))[3]
        assert request["location_request"] == "📍 Send my location"
        assert request["buttons"] == []


async def _values(redis: Redis, name: str) -> str:
    kind = await redis.type(name)
    if kind == "string":
        return str(await redis.get(name))
    if kind == "hash":
        return str(await redis.hgetall(name))
    if kind == "stream":
        return str(await redis.xrange(name))
    if kind == "list":
        return str(await redis.lrange(name, 0, -1))
    return ""


@pytest.mark.parametrize("asked", ["command", "in words"])
async def test_forget_leaves_no_key_of_the_conversation(
    app_url_prereqs: None, rasa_url: str, redis: Redis, asked: str
) -> None:
    async with running_app(rasa_url, CHAT_LONG_POLL_MS=LONG_POLL_MS) as app:
        browser = Browser(app.http)
        await browser.say("/start")
        await browser.wait_for(1)
        await browser.press("lang:ar")
        await browser.wait_for(2)
        await browser.press("city:tangier")
        await browser.say("أحتاج سكن")
        await browser.share_location(35.7836, -5.8132)
        await browser.wait_for(5)
        key = pseudonym(PSEUDONYM_KEY.encode(), "web", browser.conversation)
        outbox_key = outbox.outbox_key(PSEUDONYM_KEY.encode(), browser.conversation)
        assert await redis.exists(f"conv:{key}")

        if asked == "command":
            await browser.say("/forget")
            done = (await browser.wait_for(6))[5]
        else:  # "erase my data": the answer offers the button that does it
            await browser.say("امسح بياناتي")
            offer = (await browser.wait_for(6))[5]
            assert offer["buttons"][0][0]["payload"] == "forget"
            await browser.press("forget")
            done = (await browser.wait_for(7))[6]
        assert done["text"].startswith(
            translations("ar").gettext(
                "Done: I erased your language and city. Send /start to begin again."
            )
        )
        await browser.poll()  # the page's next poll acknowledges what it showed

    names = [name async for name in redis.scan_iter("*")]
    assert not await redis.exists(f"conv:{key}", outbox_key)
    rate = limits.counter_key(PSEUDONYM_KEY.encode(), "conv", browser.conversation)
    named = [n for n in names if browser.conversation in n or key in n or n.startswith(rate)]
    assert named == []
    held = [n for n in names if browser.conversation in await _values(redis, n)]
    assert held == []
    # What stays, for the time each one needs: delivery marks named by digests of message
    # ids, the network address's counter, and the (emptied) shared streams.
    kinds = {n.split(":")[0] if ":" in n else n for n in names}
    assert kinds <= {"dedupe", "sent", "ratelimit", "inbound", "outbound", "nlu"}, kinds
    assert [n for n in names if n.startswith("ratelimit:") and ":addr:" not in n] == []


def _error(response: Any) -> str:
    body = response.json()
    assert set(body) == {"error", "detail"}, body
    return str(body["error"])


async def test_bad_input_gets_a_clear_refusal_and_queues_nothing(
    app_url_prereqs: None, redis: Redis
) -> None:
    async with running_app(f"http://127.0.0.1:{free_port()}", RASA_TIMEOUT_S=1) as app:
        browser = Browser(app.http)
        post = "/chat/api/messages"
        headers = {**browser.headers, "Content-Type": "application/json"}
        for raw, status, error in [
            (b"{not json", 400, "bad_json"),
            (b"", 400, "bad_json"),
            (b"[1, 2]", 400, "bad_json"),
            (b"[" * 15_000, 400, "bad_json"),
            (b'{"text": "hello"}', 422, "invalid"),
            (b'{"id": "", "text": "hello"}', 422, "invalid"),
            (b'{"id": "a b", "text": "hello"}', 422, "invalid"),
            (b'{"id": 7, "text": "hello"}', 422, "invalid"),
            (b'{"id": "m1"}', 422, "invalid"),
            (b'{"id": "m1", "text": "hi", "button": "menu"}', 422, "invalid"),
            (b'{"id": "m1", "text": "   "}', 422, "invalid"),
            (b'{"id": "m1", "text": "\\u0000 "}', 422, "invalid"),
            (b'{"id": "m1", "text": ["hi"]}', 422, "invalid"),
            (b'{"id": "m1", "button": ""}', 422, "invalid"),
            (b'{"id": "m1", "location": [35.7, -5.8]}', 422, "invalid"),
            (b'{"id": "m1", "location": {"latitude": 91, "longitude": 0}}', 422, "invalid"),
            (b'{"id": "m1", "location": {"latitude": "north", "longitude": 0}}', 422, "invalid"),
            (b'{"id": "m1", "location": {"latitude": true, "longitude": 0}}', 422, "invalid"),
            (b'{"id": "m1", "text": "hi", "language": 5}', 422, "invalid"),
            (b'{"id": "m1", "text": "' + b"a" * 5000 + b'"}', 422, "invalid"),
            (b'{"id": "m1", "text": "' + b"a" * 20_000 + b'"}', 413, "too_large"),
        ]:
            response = await app.http.post(post, content=raw, headers=headers)
            assert (response.status_code, _error(response)) == (status, error), raw[:60]

        for conversation in (None, "", "abc", "A" * 32, "0" * 31, "g" * 32, "0" * 65):
            named = {} if conversation is None else {"X-Dalil-Conversation": conversation}
            response = await app.http.post(post, json={"id": "m1", "text": "hi"}, headers=named)
            assert (response.status_code, _error(response)) == (422, "invalid"), conversation
            response = await app.http.get("/chat/api/updates", headers=named)
            assert (response.status_code, _error(response)) == (422, "invalid"), conversation

        updates = "/chat/api/updates"
        too_big = str(2**64)
        for cursor in ("abc", "1-2-3", "-1", "1" * 30, "1-", f"{too_big}-0", f"1-{2**64 - 1}"):
            response = await app.http.get(
                updates, params={"after": cursor}, headers=browser.headers
            )
            assert response.status_code == 422, cursor
            assert _error(response) in {"invalid", "validation_error"}, cursor

        async def stream() -> Any:
            for _ in range(50):
                yield b"x" * 100_000

        streamed = await app.http.post(post, content=stream(), headers=headers)
        assert (streamed.status_code, _error(streamed)) == (413, "too_large")
        assert await _queued(redis) == 0

        # The same browser, sending properly, is answered, even with Rasa unreachable.
        browser.language = "en-US"
        assert (await browser.say("hello, I need some help please")).status_code == 202
        (reply,) = await browser.wait_for(1)
        assert reply["text"] == "Sorry, I cannot understand messages right now. Choose a topic:"
        assert "cat:health" in payloads(reply)


async def _start_of_a_minute() -> None:
    """Wait, if needed, so that a test's counts fall within one minute's window."""
    if time.time() % limits.WINDOW_S > limits.WINDOW_S - 10:
        await asyncio.sleep(limits.WINDOW_S - time.time() % limits.WINDOW_S + 0.1)


async def test_rate_limits_per_conversation_and_per_address(
    app_url_prereqs: None, redis: Redis
) -> None:
    settings: dict[str, Any] = {
        "CHAT_MESSAGES_PER_MINUTE": 3,
        "CHAT_ADDRESS_MESSAGES_PER_MINUTE": 5,
    }
    async with running_app(f"http://127.0.0.1:{free_port()}", **settings) as app:
        await _start_of_a_minute()
        first, second = Browser(app.http), Browser(app.http)
        assert [(await first.say("/help")).status_code for _ in range(3)] == [202] * 3
        refused = await first.say("/help")
        assert (refused.status_code, _error(refused)) == (429, "rate_limited")
        assert refused.headers["Retry-After"] == "60"
        # Another conversation from the same address still gets in, up to the address's limit.
        assert [(await second.say("/help")).status_code for _ in range(2)] == [202] * 2
        assert (await second.say("/help")).status_code == 429
        assert await _queued(redis) == 5


async def test_the_page_is_translated_self_contained_and_embeddable(
    app_url_prereqs: None,
) -> None:
    ancestors = "'self' https://www.lyon.fr"
    async with running_app(
        f"http://127.0.0.1:{free_port()}", CHAT_FRAME_ANCESTORS=ancestors
    ) as app:
        page = await app.http.get("/chat", params={"lang": "ar"})
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        html = page.text
        assert '<html lang="ar" dir="rtl">' in html
        ar = translations("ar")
        assert f"<title>{ar.gettext('Dalil: ask in your language')}</title>" in html
        assert ar.gettext("Write your message") in html
        policy = page.headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy
        assert "style-src 'self';" in policy
        assert policy.endswith(f"frame-ancestors {ancestors}")
        assert "X-Frame-Options" not in page.headers
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL)
        assert [a for a, body in scripts if body.strip() and "application/json" not in a] == []
        assert "<style" not in html
        assert not re.search(r"\s(style|on[a-z]+)=", html)
        assert "://" not in html  # nothing from another site

        for accept, lang, direction in [
            ("fa-IR,fa;q=0.9,en;q=0.5", "fa", "rtl"),
            ("de-DE,de;q=0.9", "de", "ltr"),
            ("xx-YY", "en", "ltr"),
        ]:
            page = await app.http.get("/chat", headers={"Accept-Language": accept})
            assert f'<html lang="{lang}" dir="{direction}">' in page.text, accept

        script = await app.http.get("/chat/chat.js")
        assert script.headers["content-type"].startswith("text/javascript")
        assert "X-Dalil-Conversation" in script.text
        assert "getRandomValues" in script.text
        style = await app.http.get("/chat/chat.css")
        assert style.headers["content-type"].startswith("text/css")
        assert style.headers["X-Content-Type-Options"] == "nosniff"
        icon = await app.http.get("/chat/icon.svg")
        assert icon.headers["content-type"] == "image/svg+xml"
        assert icon.text.startswith("<svg")
        assert (await app.http.get("/chat/secrets.txt")).status_code == 404


async def test_files_travel_compressed_and_are_fetched_once(app_url_prereqs: None) -> None:
    async with running_app(f"http://127.0.0.1:{free_port()}") as app:
        http = app.http
        page = await http.get("/chat", params={"lang": "ar"})
        # httpx asks for gzip and inflates it: `content` is what the page is.
        assert page.headers["content-encoding"] == "gzip"
        assert int(page.headers["content-length"]) < len(page.content) / 2
        assert page.headers["cache-control"] == "no-cache"  # asked again, answered 304
        assert set(page.headers["vary"].split(", ")) == {"Accept-Encoding", "Accept-Language"}
        again = await http.get(
            "/chat", params={"lang": "ar"}, headers={"If-None-Match": page.headers["etag"]}
        )
        assert (again.status_code, again.content) == (304, b"")
        assert "Content-Security-Policy" in again.headers
        plain = await http.get("/chat", params={"lang": "ar"}, headers={"Accept-Encoding": "br"})
        assert "content-encoding" not in plain.headers
        assert plain.content == page.content
        # The page names its files by version; it carries its own words, not the nine others.
        named = dict(re.findall(r'(?:href|src)="/chat/([a-z.]+)\?v=([0-9a-f]{16})"', page.text))
        assert set(named) == {"chat.css", "chat.js", "icon.svg"}
        assert "Écrivez votre message" not in page.text
        assert len(page.content) < 4000

        for name, version in named.items():
            kept = await http.get(f"/chat/{name}", params={"v": version})
            assert kept.status_code == 200
            assert kept.headers["cache-control"] == "public, max-age=31536000, immutable"
            # Without its version (or with an older one), a file is revalidated, never kept.
            for params in ({}, {"v": "0" * 16}):
                other = await http.get(f"/chat/{name}", params=params)
                assert other.headers["cache-control"] == "no-cache"
                assert other.content == kept.content
            unchanged = {"If-None-Match": kept.headers["etag"]}
            assert (await http.get(f"/chat/{name}", headers=unchanged)).status_code == 304
        script = await http.get("/chat/chat.js", params={"v": named["chat.js"]})
        assert script.headers["content-encoding"] == "gzip"

        # Another language's words come once, when the person chooses it in the conversation.
        words = re.search(r'"more_words":"(/chat/words-\{code\}\.json\?v=[0-9a-f]+)"', page.text)
        assert words is not None
        french = await http.get(words[1].replace("{code}", "fr"))
        assert french.json()["write"] == "Écrivez votre message"
        assert french.headers["cache-control"] == "public, max-age=31536000, immutable"


async def test_replies_travel_compressed_and_are_never_kept(app_url_prereqs: None) -> None:
    async with running_app(f"http://127.0.0.1:{free_port()}", CHAT_LONG_POLL_MS="500") as app:
        browser = Browser(app.http)
        await browser.say("/start")
        updates = "/chat/api/updates"
        welcome = await app.http.get(updates, params={"after": "0"}, headers=browser.headers)
        (reply,) = welcome.json()["messages"]
        assert "lang:ar" in payloads(reply)
        assert welcome.headers["content-encoding"] == "gzip"
        assert int(welcome.headers["content-length"]) < len(welcome.content)
        assert welcome.headers["cache-control"] == "no-store"
        assert "etag" not in welcome.headers
        # Nothing waiting: an answer too small to be worth compressing.
        empty = await app.http.get(updates, params={"after": reply["id"]}, headers=browser.headers)
        assert empty.json()["messages"] == []
        assert "content-encoding" not in empty.headers
        assert empty.headers["cache-control"] == "no-store"
