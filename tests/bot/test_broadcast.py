"""Campaigns delivered through the outbound stream and the sender, to platform stand-ins."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial

import pytest
from redis.asyncio import Redis
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from bot import queue, sender
from bot.campaigns import subscriptions
from bot.campaigns.broadcast import Broadcaster
from bot.i18n import translations
from bot.pacing import Limits, Pacer
from bot.telegram.send import build_bot
from bot.telegram.send import send as telegram_send
from bot.whatsapp import window
from bot.whatsapp.send import WhatsAppClient
from core import campaigns
from core.campaigns import Campaign
from core.pseudonym import pseudonym
from tests.helpers.settings import PSEUDONYM_KEY, TELEGRAM_TOKEN
from tests.helpers.streams import outbound
from tests.standins.server import serve
from tests.standins.telegram_api import TelegramStandIn
from tests.standins.whatsapp_api import WhatsAppStandIn

KEY = PSEUDONYM_KEY.encode()
SUBSCRIBERS = 1000
PER_SECOND = 250  # small limits: the whole campaign takes a few seconds


@pytest.fixture(autouse=True)
async def only_this_tests_campaigns(session: AsyncSession) -> None:
    """Close campaigns other tests committed, inside this test's rolled-back transaction."""
    await session.execute(
        update(Campaign).where(Campaign.status == campaigns.SENDING).values(status=campaigns.DONE)
    )
    await session.commit()


@pytest.fixture
async def telegram() -> AsyncIterator[tuple[TelegramStandIn, Bot]]:
    stand_in = TelegramStandIn()
    async with serve(stand_in.app()) as url:
        bot = build_bot(TELEGRAM_TOKEN, f"{url}/bot", timeout_s=2.0)
        await bot.initialize()
        yield stand_in, bot
        await bot.shutdown()


async def _subscribe(
    session: AsyncSession, channel: str, chat_ids: list[str], *, locale: str = "en",
    city: str | None = "lyon",
) -> None:  # fmt: skip
    for chat_id in chat_ids:
        await subscriptions.subscribe(
            session, KEY, key=pseudonym(KEY, channel, chat_id), channel=channel,
            chat_id=chat_id, locale=locale, city=city,
        )  # fmt: skip


async def _campaign(session: AsyncSession, rumour_key: str = "take_jobs", **kw: str) -> int:
    campaign = await campaigns.create(
        session, rumour_key=rumour_key, city=kw.get("city"), created_by="city_admin:test"
    )
    await session.commit()
    return campaign.id


@contextlib.asynccontextmanager
async def _senders(
    redis: Redis, channels: dict[str, sender.Deliver], count: int = 2
) -> AsyncIterator[None]:
    """Run `count` sender loops with small pacing limits, as several sender processes would."""
    await queue.ensure_groups(redis)
    pacer = Pacer(redis, KEY, {"telegram": Limits(0.05, PER_SECOND),
                               "whatsapp": Limits(0.0, PER_SECOND)})  # fmt: skip
    tasks = [
        asyncio.create_task(
            sender.run(redis, channels, block_ms=50, base_delay_s=0.01, pacer=pacer)
        )
        for _ in range(count)
    ]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        _done, running = await asyncio.wait(tasks, timeout=10)
        assert not running, "a sender did not stop within 10 s of being cancelled"


async def _until(condition: Callable[[], Awaitable[bool]], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not await condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def _finish(broadcaster: Broadcaster, session: AsyncSession, campaign_id: int) -> Campaign:
    """Let the broadcaster close the campaign, once the sender accounted for every message."""
    await broadcaster.run_once()
    campaign = await session.get(Campaign, campaign_id, populate_existing=True)
    assert campaign is not None
    return campaign


async def test_a_thousand_subscribers_once_each_even_when_the_broadcaster_is_killed(
    telegram: tuple[TelegramStandIn, Bot],
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    redis: Redis,
) -> None:
    stand_in, bot = telegram
    chats = [str(7_000_000 + n) for n in range(SUBSCRIBERS)]
    left = [str(8_000_000 + n) for n in range(50)]
    await _subscribe(session, "telegram", chats)
    await _subscribe(session, "telegram", left, locale="fr")
    for chat_id in left:  # they left before the campaign: they get nothing
        await subscriptions.unsubscribe(session, pseudonym(KEY, "telegram", chat_id))
    campaign_id = await _campaign(session)
    broadcaster = Broadcaster(sessions, redis, KEY, batch=50, max_backlog=100)

    async def sent() -> int:
        return len(stand_in.sent())

    started = time.monotonic()
    # Each Bot API call to the stand-in takes tens of milliseconds: eight senders share the work.
    async with _senders(redis, {"telegram": partial(telegram_send, bot, redis)}, count=8):
        first = asyncio.create_task(broadcaster.run(idle_s=0.05))
        await _until(lambda: _at_least(sent, 400))
        first.cancel()  # killed halfway
        await asyncio.gather(first, return_exceptions=True)
        cursor = int(await redis.get(campaigns.cursor_key(campaign_id)) or 0)
        queued = (await campaigns.live_counts(redis, campaign_id))["queued"]
        await _until(lambda: _at_least(sent, queued))
        assert 400 <= len(stand_in.sent()) == queued < SUBSCRIBERS
        assert cursor > 0

        restarted = Broadcaster(sessions, redis, KEY, batch=50, max_backlog=100)
        second = asyncio.create_task(restarted.run(idle_s=0.05))
        await _until(lambda: _at_least(sent, SUBSCRIBERS))
        await asyncio.sleep(0.3)  # anything sent twice would arrive now
        second.cancel()
        await asyncio.gather(second, return_exceptions=True)
        elapsed = time.monotonic() - started

    received = collections.Counter(str(call.params["chat_id"]) for call in stand_in.sent())
    assert set(received) == set(chats)
    assert set(received.values()) == {1}
    # Paced within the channel's limit: 1,000 messages at 250 a second take 3 s or more.
    assert elapsed >= SUBSCRIBERS / PER_SECOND - 1

    call = stand_in.sent()[0]
    assert call.params["text"].startswith("💬 A fact about migration, as you asked:")
    assert "https://www.oecd.org/migration/" in call.params["text"]
    keyboard = call.params["reply_markup"]["inline_keyboard"]
    assert [b["callback_data"] for row in keyboard for b in row] == ["share:take_jobs", "unsub"]

    campaign = await _finish(restarted, session, campaign_id)
    assert campaign.status == campaigns.DONE
    assert campaign.finished_at is not None
    assert await campaigns.counts(redis, campaign) == {
        "queued": SUBSCRIBERS, "sent": SUBSCRIBERS, "failed": 0, "skipped": 0,
    }  # fmt: skip
    assert await redis.xlen(queue.DEAD_LETTERS) == 0


async def test_a_broadcaster_cancelled_at_any_moment_stops_cleanly_after_its_batch(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession, redis: Redis
) -> None:
    # Cancelling in the middle of a database query used to leave the connection unusable,
    # or the cancellation hanging.
    await _subscribe(session, "telegram", [str(9_000_000 + n) for n in range(500)])
    await queue.ensure_groups(redis)
    delays = random.Random(7)
    for _ in range(15):
        campaign_id = await _campaign(session)
        broadcaster = Broadcaster(sessions, redis, KEY, batch=50, max_backlog=1_000_000)
        task = asyncio.create_task(broadcaster.run(idle_s=0.01))
        await asyncio.sleep(delays.uniform(0, 0.2))
        task.cancel()
        await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), 5)
        assert task.cancelled()
        # Whole batches only: the messages queued are exactly those up to the cursor.
        queued = [o.key for o in await outbound(redis) if o.campaign == campaign_id]
        counts = await campaigns.live_counts(redis, campaign_id)
        cursor = int(await redis.get(campaigns.cursor_key(campaign_id)) or 0)
        assert len(queued) == len(set(queued)) == counts["queued"]
        assert counts["queued"] % 50 == 0
        if queued:
            assert max(int(key.rsplit(":", 1)[1]) for key in queued) == cursor
    async with sessions() as check, check.begin():
        assert await check.get(Campaign, campaign_id) is not None  # the connection still works


async def _at_least(count: Callable[[], Awaitable[int]], target: int) -> bool:
    return await count() >= target


async def test_only_the_citys_subscribers_and_a_blocked_bot_counts_as_failed(
    telegram: tuple[TelegramStandIn, Bot],
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    redis: Redis,
) -> None:
    stand_in, bot = telegram
    await _subscribe(session, "telegram", ["6100001", "6100002", "6100003"], city="tangier")
    await _subscribe(session, "telegram", ["6200001"], city="lyon")
    await _subscribe(session, "telegram", ["6300001"], city=None)
    campaign_id = await _campaign(session, "increase_crime", city="tangier")
    stand_in.fail_next(
        403,
        {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
    )
    broadcaster = Broadcaster(sessions, redis, KEY)
    async with _senders(redis, {"telegram": partial(telegram_send, bot, redis)}, count=1):
        await broadcaster.run_once()
        await _until(lambda: _settled(redis, campaign_id, 3))
    assert {str(c.params["chat_id"]) for c in stand_in.sent()} <= {"6100001", "6100002", "6100003"}
    assert len(stand_in.sent()) == 2
    campaign = await _finish(broadcaster, session, campaign_id)
    assert await campaigns.counts(redis, campaign) == {
        "queued": 3, "sent": 2, "failed": 1, "skipped": 0,
    }  # fmt: skip


async def _settled(redis: Redis, campaign_id: int, total: int) -> bool:
    counts = await campaigns.live_counts(redis, campaign_id)
    return counts["sent"] + counts["failed"] + counts["skipped"] >= total


@pytest.mark.parametrize("template", ["dalil_fact", None])
async def test_whatsapp_outside_the_window_gets_the_template_or_is_skipped(
    whatsapp: tuple[WhatsAppStandIn, WhatsAppClient],
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    redis: Redis,
    template: str | None,
) -> None:
    stand_in, client = whatsapp
    talking, quiet = ["212600000001"], ["212600000002", "351910000003"]
    await _subscribe(session, "whatsapp", talking, locale="ar")
    await _subscribe(session, "whatsapp", quiet[:1], locale="fr")
    await _subscribe(session, "whatsapp", quiet[1:], locale="pt")
    await window.record_inbound(redis, KEY, talking[0], int(time.time()) - 60)
    await window.record_inbound(redis, KEY, quiet[0], int(time.time()) - 25 * 3600)
    campaign_id = await _campaign(session, "more_benefits")
    broadcaster = Broadcaster(sessions, redis, KEY, whatsapp_template=template)
    async with _senders(redis, {"whatsapp": client.send}, count=1):
        await broadcaster.run_once()
        await _until(lambda: _settled(redis, campaign_id, 3))

    by_recipient = {call.body["to"]: call for call in stand_in.sent()}
    free_form = by_recipient[talking[0]]
    assert free_form.type == "interactive"
    assert free_form.interactive_type == "button"
    assert free_form.text.startswith(
        translations("ar").gettext("💬 A fact about migration, as you asked:")
    )
    assert [choice_id for choice_id, _title in free_form.choices] == [
        "share:more_benefits",
        "unsub",
    ]
    campaign = await _finish(broadcaster, session, campaign_id)
    counts = await campaigns.counts(redis, campaign)
    if template is None:
        assert set(by_recipient) == set(talking)
        assert counts == {"queued": 3, "sent": 1, "failed": 0, "skipped": 2}
        assert await redis.xlen(queue.DEAD_LETTERS) == 0  # skipped is no failure
        return
    assert set(by_recipient) == set(talking + quiet)
    french, portuguese = by_recipient[quiet[0]], by_recipient[quiet[1]]
    assert french.type == "template"
    assert french.body["template"]["name"] == "dalil_fact"
    assert french.body["template"]["language"] == {"code": "fr"}
    (parameter,) = french.body["template"]["components"][0]["parameters"]
    assert parameter["text"].startswith("❌ Idée reçue : Les migrants reçoivent plus d'aides ✅")
    assert "\n" not in parameter["text"]
    assert portuguese.body["template"]["language"] == {"code": "pt_PT"}
    assert counts == {"queued": 3, "sent": 3, "failed": 0, "skipped": 0}
