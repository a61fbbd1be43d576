"""The sender against a Cloud API stand-in that throttles, fails, hangs and closes the window."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from starlette.types import Receive, Scope, Send

from bot import queue, sender
from bot.messages import Button, IncomingMessage, Reply, Template
from bot.outbound import Outbound
from bot.whatsapp import window
from bot.whatsapp.send import WhatsAppClient
from tests.helpers.settings import PSEUDONYM_KEY
from tests.helpers.sockets import local_ports_toward
from tests.helpers.streams import entries, read_new
from tests.standins.server import serve
from tests.standins.whatsapp_api import PHONE_NUMBER_ID, WHATSAPP_TOKEN, WhatsAppStandIn
from tests.standins.whatsapp_payloads import WA_ID

KEY = PSEUDONYM_KEY.encode()
MENU = Reply(
    "What do you need?",
    tuple((Button(f"Topic {i}", f"cat:{i}"),) for i in range(8)),
)
RESULTS = Reply(
    "🩺 Health in Tangier:\n\n1. Free clinic\n📞 +212 539 00 01 01",
    (
        (Button("More results", "more"),),
        (Button("Other topic", "menu"), Button("Change city", "city")),
    ),
)


Api = tuple[WhatsAppStandIn, WhatsAppClient]


def _client(redis: Redis, url: str, timeout_s: float = 10.0) -> WhatsAppClient:
    """A client of the stand-in served at `url`."""
    return WhatsAppClient(
        base_url=f"{url}/v21.0",
        phone_number_id=PHONE_NUMBER_ID,
        token=WHATSAPP_TOKEN,
        redis=redis,
        pseudonym_key=KEY,
        timeout_s=timeout_s,
    )


@pytest.fixture
async def api(redis: Redis) -> AsyncIterator[Api]:
    stand_in = WhatsAppStandIn()
    async with serve(stand_in.app()) as url:
        client = _client(redis, url, timeout_s=1.0)
        yield stand_in, client
        await client.aclose()


async def _queue(redis: Redis, reply: Reply, *, channel: str = "whatsapp", n: int = 1) -> None:
    await queue.ensure_groups(redis)
    message = IncomingMessage(channel, WA_ID, f"m{n}", "text", text="hi")
    await queue.append_outbound(redis, Outbound.answering(message, 0, reply))


async def _drain(
    redis: Redis,
    channels: dict[str, sender.Deliver],
    give_up_after_s: float = sender.GIVE_UP_AFTER_S,
) -> None:
    for entry_id, fields in await read_new(redis, queue.SENDERS, "t", queue.OUTBOUND, block_ms=100):
        outbound = Outbound.from_fields(fields)
        await sender.handle(
            redis, channels, entry_id, outbound, base_delay_s=0.01,
            give_up_after_s=give_up_after_s,
        )  # fmt: skip


async def _open_window(redis: Redis, hours_ago: float = 0) -> None:
    await window.record_inbound(redis, KEY, WA_ID, int(time.time() - hours_ago * 3600))


async def _dead(redis: Redis) -> list[dict[str, str]]:
    return [fields for _id, fields in await entries(redis, queue.DEAD_LETTERS)]


async def test_three_buttons_arrive_as_reply_buttons(api: Api, redis: Redis) -> None:
    stand_in, client = api
    await _open_window(redis)
    await _queue(redis, RESULTS)
    await _drain(redis, {"whatsapp": client.send})
    (call,) = stand_in.sent()
    assert call.phone_number_id == PHONE_NUMBER_ID
    assert call.authorization == f"Bearer {WHATSAPP_TOKEN}"
    assert call.body["to"] == WA_ID
    assert call.body["recipient_type"] == "individual"
    assert (call.type, call.interactive_type) == ("interactive", "button")
    assert call.choices == [
        ("more", "More results"),
        ("menu", "Other topic"),
        ("city", "Change city"),
    ]
    assert call.text == RESULTS.text
    assert await redis.xlen(queue.OUTBOUND) == 0


async def test_eight_choices_arrive_as_a_list(api: Api, redis: Redis) -> None:
    stand_in, client = api
    await _open_window(redis)
    await _queue(redis, MENU)
    await _drain(redis, {"whatsapp": client.send})
    (call,) = stand_in.sent()
    assert call.interactive_type == "list"
    assert [choice_id for choice_id, _ in call.choices] == [f"cat:{i}" for i in range(8)]


async def test_each_channel_goes_to_its_own_platform(api: Api, redis: Redis) -> None:
    stand_in, client = api
    telegram: list[Outbound] = []

    async def telegram_send(outbound: Outbound) -> None:
        telegram.append(outbound)

    await _open_window(redis)
    await _queue(redis, Reply("to telegram"), channel="telegram", n=1)
    await _queue(redis, Reply("to whatsapp"), channel="whatsapp", n=2)
    await _drain(redis, {"telegram": telegram_send, "whatsapp": client.send})
    assert [o.reply.text if o.reply else None for o in telegram] == ["to telegram"]
    assert [c.text for c in stand_in.sent()] == ["to whatsapp"]


async def test_429_is_retried_then_sent_once(api: Api, redis: Redis) -> None:
    stand_in, client = api
    stand_in.rate_limit_next(retry_after=1)
    await _open_window(redis)
    await _queue(redis, RESULTS)
    await _drain(redis, {"whatsapp": client.send})
    assert len(stand_in.calls) == 2
    assert stand_in.calls[1].at - stand_in.calls[0].at >= 0.95  # Retry-After honoured
    assert len(stand_in.sent()) == 1
    assert await _dead(redis) == []


async def test_a_retry_after_a_partial_send_sends_only_what_is_missing(
    api: Api, redis: Redis
) -> None:
    stand_in, client = api
    long_text = "\n\n".join(f"{n}. Service\n" + "x" * 700 for n in range(1, 4))
    stand_in.accept_next()
    stand_in.rate_limit_next()
    await _open_window(redis)
    await _queue(redis, Reply(long_text, RESULTS.buttons))
    await _drain(redis, {"whatsapp": client.send})
    sent = stand_in.sent()
    assert [c.type for c in sent] == ["text", "interactive"]
    assert "\n\n".join(c.text for c in sent) == long_text
    assert len(stand_in.calls) == 3  # first part once, second part twice


async def test_server_errors_until_the_last_attempt_end_in_the_dead_letters(
    api: Api, redis: Redis
) -> None:
    stand_in, client = api
    stand_in.server_error_next(sender.MAX_ATTEMPTS)
    await _open_window(redis)
    await _queue(redis, RESULTS)
    # An entry queued longer than that: a younger one is tried again later (test_sender.py).
    await _drain(redis, {"whatsapp": client.send}, give_up_after_s=0)
    assert stand_in.sent() == []
    assert len(stand_in.calls) == sender.MAX_ATTEMPTS
    (dead,) = await _dead(redis)
    assert dead["reason"] == f"gave up after {sender.MAX_ATTEMPTS} attempts"
    assert WA_ID not in json.dumps(dead)
    assert await redis.xlen(queue.OUTBOUND) == 0


async def test_a_few_server_errors_are_retried(api: Api, redis: Redis) -> None:
    stand_in, client = api
    stand_in.server_error_next(2)
    await _open_window(redis)
    await _queue(redis, RESULTS)
    await _drain(redis, {"whatsapp": client.send})
    assert len(stand_in.sent()) == 1
    assert await _dead(redis) == []


async def test_a_hanging_api_times_out_and_is_retried(api: Api, redis: Redis) -> None:
    stand_in, client = api
    stand_in.hang_next(3)
    await _open_window(redis)
    await _queue(redis, RESULTS)
    started = time.monotonic()
    await _drain(redis, {"whatsapp": client.send})
    assert time.monotonic() - started < 3  # the retry did not wait for the hung call
    await stand_in.settled()
    # Accepted after the sender had given up on it: sent twice, as docs/reliability.md says.
    assert len(stand_in.sent()) == 2


async def test_a_refused_message_is_not_retried(api: Api, redis: Redis) -> None:
    stand_in, client = api
    await _open_window(redis)
    await _queue(redis, Reply("?", ((Button("x", "y" * 300),),)))
    await _drain(redis, {"whatsapp": client.send})
    assert stand_in.calls == []
    (dead,) = await _dead(redis)
    assert dead["reason"] == "unrenderable_reply"


async def test_outside_the_window_nothing_free_form_is_sent(api: Api, redis: Redis) -> None:
    stand_in, client = api
    await _open_window(redis, hours_ago=25)  # too old: opens nothing
    await _queue(redis, RESULTS)
    await _drain(redis, {"whatsapp": client.send})
    assert stand_in.calls == []
    (dead,) = await _dead(redis)
    assert dead["reason"] == "outside_24h_window"


async def test_outside_the_window_the_replys_template_is_sent_instead(
    api: Api, redis: Redis
) -> None:
    stand_in, client = api
    await _queue(
        redis, Reply("Anything else?", MENU.buttons, template=Template("dalil_menu", "fr"))
    )
    await _drain(redis, {"whatsapp": client.send})
    (call,) = stand_in.sent()
    assert call.body["type"] == "template"
    assert call.body["template"] == {"name": "dalil_menu", "language": {"code": "fr"}}
    assert await _dead(redis) == []


async def test_the_platforms_window_error_is_a_dead_letter_at_once(api: Api, redis: Redis) -> None:
    stand_in, client = api
    stand_in.outside_window_next()  # our clock and Meta's disagree by a few seconds
    await _open_window(redis, hours_ago=23.99)
    await _queue(redis, RESULTS)
    await _drain(redis, {"whatsapp": client.send})
    assert len(stand_in.calls) == 1
    (dead,) = await _dead(redis)
    assert dead["reason"] == "outside_24h_window"


async def test_the_window_is_kept_under_a_pseudonym_for_24_hours(redis: Redis) -> None:
    now = int(time.time())
    assert not await window.is_open(redis, KEY, WA_ID)
    await window.record_inbound(redis, KEY, WA_ID, now - 3600)
    await window.record_inbound(redis, KEY, WA_ID, now - 7200)  # a late retry of an older one
    (key,) = await redis.keys("*")
    assert WA_ID not in key
    assert key == window.window_key(KEY, WA_ID)
    assert await redis.get(key) == str(now - 3600)
    assert 22 * 3600 < await redis.ttl(key) <= 23 * 3600
    assert await window.is_open(redis, KEY, WA_ID)
    assert not await window.is_open(redis, KEY, "212600000002")


async def test_messages_in_flight_keep_their_connections(redis: Redis) -> None:
    """64 answers to 64 people, 32 at a time as the sender sends them, open at most one
    connection to the Cloud API for each message in flight and keep them (with httpx's
    default pool, nearly every message opened one: a TLS handshake each against Meta)."""
    stand_in = WhatsAppStandIn()
    people = [f"21260000{n:04d}" for n in range(64)]
    for _ in people:
        stand_in.hang_next(0.05)  # a moment's work at Meta's end, so that 32 are in flight
    for wa_id in people:
        await window.record_inbound(redis, KEY, wa_id, int(time.time()))
    waiting = [
        Outbound.answering(IncomingMessage("whatsapp", wa_id, f"m{n}", "text", text="hi"), 0, MENU)
        for n, wa_id in enumerate(people)
    ]
    async with serve(stand_in.app()) as url:
        port = int(url.rsplit(":", 1)[1])
        client = _client(redis, url)
        before = local_ports_toward(port)

        async def lane() -> None:
            while waiting:
                await client.send(waiting.pop())

        try:
            await asyncio.gather(*(lane() for _ in range(32)))
            opened = local_ports_toward(port) - before
        finally:
            await client.aclose()
    assert sorted(call.body["to"] for call in stand_in.sent()) == people
    assert 1 <= len(opened) <= 32


async def test_a_proxy_named_in_the_environment_is_used(
    redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server whose only way out is a proxy (HTTPS_PROXY, HTTP_PROXY) still reaches the
    Cloud API: the request goes to the proxy, here the stand-in, for a host nobody could
    resolve."""
    stand_in = WhatsAppStandIn()
    proxied: list[str] = []
    api = stand_in.app()

    async def proxy(scope: Scope, receive: Receive, send: Send) -> None:
        # A forward proxy is asked for the whole address ("http://host/path"); it passes the
        # request on to that host's path, here the stand-in's.
        if scope["type"] == "http" and scope["path"].startswith("http://"):
            host, _, path = scope["path"].removeprefix("http://").partition("/")
            proxied.append(host)
            scope = {**scope, "path": "/" + path, "raw_path": ("/" + path).encode()}
        await api(scope, receive, send)

    async with serve(proxy) as url:
        monkeypatch.setenv("HTTP_PROXY", url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        client = _client(redis, "http://graph.facebook.invalid", timeout_s=2.0)
        await window.record_inbound(redis, KEY, WA_ID, int(time.time()))
        message = IncomingMessage("whatsapp", WA_ID, "m-proxy", "text", text="hi")
        try:
            await client.send(Outbound.answering(message, 0, MENU))
        finally:
            await client.aclose()
    assert proxied == ["graph.facebook.invalid"]
    assert [call.body["to"] for call in stand_in.sent()] == [WA_ID]
