"""The one outbound message: its stream shape, and entries queued by the previous version."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from functools import partial
from typing import Any

import pytest
from redis.asyncio import Redis

from bot import queue, sender
from bot.messages import Button, IncomingMessage, Reply, Template
from bot.outbound import Outbound, UnreadableOutbound
from bot.telegram.send import build_bot
from bot.telegram.send import send as telegram_send
from bot.web import outbox
from bot.whatsapp import window
from bot.whatsapp.send import WhatsAppClient
from core.campaigns import counts_key
from tests.helpers.settings import PSEUDONYM_KEY, TELEGRAM_TOKEN
from tests.helpers.streams import entries, send_all
from tests.standins.server import serve
from tests.standins.telegram_api import TelegramStandIn
from tests.standins.whatsapp_api import PHONE_NUMBER_ID, WHATSAPP_TOKEN, WhatsAppStandIn
from tests.standins.whatsapp_payloads import WA_ID

KEY = PSEUDONYM_KEY.encode()
TG_CHAT = "5550002"
WEB_CHAT = "0123456789abcdef0123456789abcdef"
EVERYTHING = Outbound(
    key="telegram:901:0",
    channel="telegram",
    chat_id=TG_CHAT,
    reply=Reply(
        "مرحبا",
        ((Button("🩺 الصحة", "cat:health"), Button("⚖️", "cat:legal")),),
        rtl=True,
        template=Template("dalil_fact", "ar", ("one line",)),
        location_request="📍",
        erase_chat=True,
    ),
    callback_id="cb-901",
    campaign=12,
    accepted_ms=1_764_000_000_123,
)
# Long enough for two messages on Telegram (4,096) and on WhatsApp (4,096 bytes of body).
LONG = "\n".join(f"{n}. A service with a long description, open on weekdays" for n in range(120))


async def _through_the_stream(redis: Redis, outbound: Outbound) -> dict[str, str]:
    await queue.ensure_groups(redis)
    await queue.append_outbound(redis, outbound)
    ((_id, fields),) = await entries(redis, queue.OUTBOUND)
    return fields


async def test_every_field_comes_back_from_the_stream_as_it_went_in(redis: Redis) -> None:
    fields = await _through_the_stream(redis, EVERYTHING)
    assert Outbound.from_fields(fields) == EVERYTHING
    assert fields["v"] == "2"
    assert fields["chat"] == TG_CHAT


async def test_absent_values_are_absent_fields(redis: Redis) -> None:
    bare = Outbound(key="telegram:902:0", channel="telegram", chat_id=TG_CHAT)
    fields = await _through_the_stream(redis, bare)
    assert fields == {"v": "2", "key": "telegram:902:0", "channel": "telegram", "chat": TG_CHAT}
    assert Outbound.from_fields(fields) == bare


def test_the_button_press_and_the_latency_go_with_the_first_reply_only() -> None:
    message = IncomingMessage("telegram", TG_CHAT, "903", "button", payload="cat:health",
                              callback_id="cb-903")  # fmt: skip
    first = Outbound.answering(message, 0, Reply("one"), accepted_ms=5)
    second = Outbound.answering(message, 1, Reply("two"), accepted_ms=5)
    assert (first.key, first.callback_id, first.accepted_ms) == ("telegram:903:0", "cb-903", 5)
    assert (second.key, second.callback_id, second.accepted_ms) == ("telegram:903:1", None, None)
    assert first.part_mark("part:0") == "sent:telegram:903:0:part:0"
    assert first.sent_mark == "sent:telegram:903:0"


def test_a_dead_letter_shape_holds_no_chat() -> None:
    fields = EVERYTHING.to_fields(with_chat=False)
    assert "chat" not in fields
    assert TG_CHAT not in json.dumps(fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"v": "2", "channel": "telegram", "chat": TG_CHAT},  # no key
        {"v": "2", "key": "k", "channel": "telegram"},  # no chat: a dead letter's shape
        {"v": "2", "key": "k", "channel": "web", "chat": "c", "reply": "{not json"},
        {"v": "2", "key": "k", "channel": "web", "chat": "c", "campaign": "twelve"},
        {"envelope": "[]"},
        {"envelope": '{"key": "k"}'},
        {"envelope": '{"key": "k", "channel": "telegram", "chat_id": null}'},
        {},
    ],
)
def test_an_entry_of_no_known_shape_is_unreadable(fields: dict[str, str]) -> None:
    with pytest.raises(UnreadableOutbound):
        Outbound.from_fields(fields)


def _version_1(outbound: Outbound) -> dict[str, str]:
    """The stream fields version 1 wrote for `outbound` (bot/queue.py `outbound_entry` and
    the broadcaster's `_entry` before this module): one JSON field, `envelope`."""
    envelope: dict[str, Any] = {
        "key": outbound.key,
        "channel": outbound.channel,
        "chat_id": outbound.chat_id,
        "callback_id": outbound.callback_id,
        "reply": outbound.reply.to_dict() if outbound.reply else None,
    }
    if outbound.campaign is not None:
        envelope["campaign"] = outbound.campaign
    if outbound.accepted_ms is not None:
        envelope["accepted_ms"] = outbound.accepted_ms
    return {"envelope": json.dumps(envelope, ensure_ascii=False)}


async def _queue_as_version_1(redis: Redis, outbound: Outbound) -> None:
    """Queue as version 1 did: the entry, then its id at the end of the chat's lane."""
    entry_id = await redis.xadd(queue.OUTBOUND, _version_1(outbound))  # type: ignore[arg-type]
    await redis.rpush(queue.lane_key(queue.OUTBOUND, outbound.channel, outbound.chat_id), entry_id)


@pytest.mark.parametrize(
    "outbound",
    [
        EVERYTHING,
        Outbound(key="telegram:904:0", channel="telegram", chat_id=TG_CHAT, callback_id="cb"),
        Outbound(
            key="campaign:3:77", channel="whatsapp", chat_id=WA_ID, reply=Reply("fact"), campaign=3
        ),
    ],
)
def test_a_version_1_entry_reads_as_the_message_it_was(outbound: Outbound) -> None:
    assert Outbound.from_fields(_version_1(outbound)) == outbound


Platforms = tuple[TelegramStandIn, WhatsAppStandIn, dict[str, sender.Deliver]]


@pytest.fixture
async def platforms(redis: Redis) -> AsyncIterator[Platforms]:
    """The real channels of the sender, Telegram and WhatsApp behind their stand-ins."""
    telegram, whatsapp = TelegramStandIn(), WhatsAppStandIn()
    async with serve(telegram.app()) as telegram_url, serve(whatsapp.app()) as whatsapp_url:
        bot = build_bot(TELEGRAM_TOKEN, f"{telegram_url}/bot", timeout_s=2.0)
        await bot.initialize()
        client = WhatsAppClient(
            base_url=f"{whatsapp_url}/v21.0", phone_number_id=PHONE_NUMBER_ID,
            token=WHATSAPP_TOKEN, redis=redis, pseudonym_key=KEY, timeout_s=2.0,
        )  # fmt: skip
        channels: dict[str, sender.Deliver] = {
            "telegram": partial(telegram_send, bot, redis),
            "whatsapp": client.send,
            "web": partial(outbox.deliver, redis, KEY),
        }
        yield telegram, whatsapp, channels
        await client.aclose()
        await bot.shutdown()


async def test_replies_queued_by_version_1_are_sent_after_an_upgrade_in_order_and_once(
    redis: Redis, platforms: Platforms
) -> None:
    """A deploy meets a backlog written by the previous version: nothing of it is lost.

    The platforms refuse the second part of the first reply once, so each channel shows its
    per-part marks at work: what was accepted is not sent again.
    """
    telegram, whatsapp, channels = platforms
    await queue.ensure_groups(redis)
    await window.record_inbound(redis, KEY, WA_ID, int(time.time()))
    tg_button = IncomingMessage("telegram", TG_CHAT, "905", "button", payload="more",
                                callback_id="cb-905")  # fmt: skip
    wa_text = IncomingMessage("whatsapp", WA_ID, "wamid.906", "text", text="hi")
    web_text = IncomingMessage("web", WEB_CHAT, "m907", "text", text="hi")
    old = [
        Outbound.answering(
            tg_button,
            0,
            Reply(LONG, ((Button("More", "more"),),)),
            accepted_ms=int(time.time() * 1000),
        ),
        Outbound(
            key="campaign:4:1",
            channel="telegram",
            chat_id=TG_CHAT,
            reply=Reply("A fact about a rumour"),
            campaign=4,
        ),
        Outbound.answering(wa_text, 0, Reply(LONG)),
        Outbound.answering(web_text, 0, Reply("old web reply")),
    ]
    for outbound in old:
        await _queue_as_version_1(redis, outbound)
    # The new version's worker answers the same chats while the backlog is still there.
    new = [
        Outbound.answering(tg_button, 1, Reply("new telegram reply")),
        Outbound.answering(wa_text, 1, Reply("new whatsapp reply")),
        Outbound.answering(web_text, 1, Reply("new web reply")),
    ]
    for outbound in new:
        await queue.append_outbound(redis, outbound)
    telegram.accept_next()
    telegram.fail_next(429, {"ok": False, "error_code": 429, "description": "Too Many Requests",
                             "parameters": {"retry_after": 0}})  # fmt: skip
    whatsapp.accept_next()
    whatsapp.rate_limit_next(retry_after=0)

    await send_all(redis, channels)

    tg_texts = [call.params["text"] for call in telegram.sent()]
    assert len(tg_texts) == 4
    assert "\n".join(tg_texts[:2]) == LONG
    assert tg_texts[2:] == ["A fact about a rumour", "new telegram reply"]
    assert {call.params["chat_id"] for call in telegram.sent()} == {int(TG_CHAT)}
    assert [c.params["callback_query_id"] for c in telegram.sent("answerCallbackQuery")] == [
        "cb-905"
    ]
    assert len([c for c in telegram.calls if c.method == "sendMessage"]) == 5  # part 2 twice
    assert await redis.hget(counts_key(4), "sent") == "1"

    wa_texts = [call.text for call in whatsapp.sent()]
    assert len(wa_texts) == 3
    assert "\n".join(wa_texts[:2]) == LONG
    assert wa_texts[2] == "new whatsapp reply"
    assert len(whatsapp.calls) == 4  # part 2 twice

    shown = await outbox.read(redis, KEY, WEB_CHAT, "0", wait_ms=0)
    assert [item.reply.text for item in shown] == ["old web reply", "new web reply"]

    tg_first, _campaign, wa_first, web_first = old
    marks = [
        tg_first.part_mark("callback"), tg_first.part_mark("part:0"),
        tg_first.part_mark("part:1"), wa_first.part_mark("part:0"),
        wa_first.part_mark("part:1"), web_first.part_mark("outbox"),
        *(outbound.sent_mark for outbound in old + new),
    ]  # fmt: skip
    assert await redis.exists(*marks) == len(marks)
    assert (await redis.xpending(queue.OUTBOUND, queue.SENDERS))["pending"] == 0
    lanes = {queue.lane_key(queue.OUTBOUND, o.channel, o.chat_id) for o in old}
    assert await redis.exists(*lanes) == 0  # every lane emptied as its entries were sent
    assert await redis.xlen(queue.DEAD_LETTERS) == 0


async def test_an_unreadable_entry_becomes_a_dead_letter_without_holding_anything_up(
    redis: Redis, platforms: Platforms
) -> None:
    telegram, _whatsapp, channels = platforms
    await queue.ensure_groups(redis)
    garbage: dict[Any, Any] = {"v": "2", "channel": "telegram", "chat": TG_CHAT, "reply": "{"}
    await redis.xadd(queue.OUTBOUND, garbage)
    message = IncomingMessage("telegram", TG_CHAT, "908", "text", text="hi")
    await queue.append_outbound(redis, Outbound.answering(message, 0, Reply("still sent")))

    await send_all(redis, channels)

    assert [call.params["text"] for call in telegram.sent()] == ["still sent"]
    ((_id, dead),) = await entries(redis, queue.DEAD_LETTERS)
    assert dead == {"reason": "unreadable KeyError"}
    assert (await redis.xpending(queue.OUTBOUND, queue.SENDERS))["pending"] == 0
