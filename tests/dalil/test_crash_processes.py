"""Crash tests with real processes: a sender, the whole app, Redis, PostgreSQL and Rasa killed
with SIGKILL (or stopped at once) in the middle of a burst and started again, and a platform
refusing every message for a while.

Every process is a subprocess: `dalil run` with some roles, a private redis-server, a private
PostgreSQL cluster, a private Rasa server. The Telegram stand-in runs in the test and records
what it accepted. Each test ends with the same check (`tests/helpers/burst.py`): every message
posted was answered, in order in each chat, and any answer given twice falls in the window
docs/reliability.md names; the repeats are counted and printed.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from redis.asyncio import Redis

from bot.queue import INBOUND, OUTBOUND, SENDERS, WORKERS
from dalil import migrate
from tests.helpers.app import running_app
from tests.helpers.burst import (
    SEQUENCE,
    Writer,
    duplicates,
    held_replies,
    help_or_answer,
    holding,
    wait_sent,
)
from tests.helpers.processes import Dalil, PrivatePostgres, PrivateRasa, PrivateRedis
from tests.helpers.settings import PG_URL, REDIS_URL
from tests.standins import telegram_updates as updates
from tests.standins.server import serve
from tests.standins.telegram_api import TelegramStandIn

CHATS = 30
TOTAL = CHATS * len(SEQUENCE)
CLAIM_IDLE_MS = 1500
FAST = {
    "QUEUE_CLAIM_IDLE_MS": str(CLAIM_IDLE_MS),
    "TELEGRAM_CHAT_INTERVAL_S": "0",
    "TELEGRAM_PER_SECOND": "1000",
}


def _chats(base: int) -> list[int]:
    return [base + c for c in range(CHATS)]


def _dalil(
    workdir: Path,
    roles: str,
    rasa_url: str,
    telegram_url: str,
    *,
    database_url: str = PG_URL,
    redis_url: str = REDIS_URL,
    **overrides: str,
) -> Dalil:
    return Dalil(
        workdir=workdir, roles=roles, database_url=database_url, redis_url=redis_url,
        rasa_url=rasa_url, telegram_url=telegram_url, overrides=FAST | overrides,
    )  # fmt: skip


@contextmanager
def _workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="dalil-crash-") as directory:
        yield Path(directory)


@asynccontextmanager
async def _telegram() -> AsyncIterator[tuple[TelegramStandIn, str]]:
    telegram = TelegramStandIn()
    async with serve(telegram.app()) as url:
        yield telegram, url
        await telegram.settled()


async def _caught_holding(process: Dalil, redis: Redis, streams: list[tuple[str, str, str]]) -> int:
    """Freeze `process` at a moment it holds entries it read and did not acknowledge, as a
    crash mid-round would leave them; return how many. It stays frozen."""
    deadline = time.monotonic() + 90  # its start included
    while time.monotonic() < deadline:
        process.freeze()
        held = 0
        for stream, group, role in streams:
            held += await holding(redis, stream, group, role, process.pid)
        if held:
            return held
        process.thaw()
        await asyncio.sleep(0.002)
    raise AssertionError("the process was never caught mid-round")


def _report(name: str, repeats: int, held: int, refused: int) -> None:
    # The figures docs/reliability.md quotes: shown with `pytest -s`.
    print(f"\n{name}: {TOTAL} answered, {repeats} twice, {held} held at the kill, "  # noqa: T201
          f"{refused} webhook posts refused")  # fmt: skip


async def test_a_sender_killed_mid_burst_is_taken_over_and_repeats_only_in_window_1(
    app_url_prereqs: None, rasa_url: str, redis: Redis
) -> None:
    chats = _chats(72_000_000)
    with _workdir() as workdir:
        async with _telegram() as (telegram, telegram_url):
            front = _dalil(workdir, "api,worker", rasa_url, telegram_url)
            first = _dalil(workdir, "sender", rasa_url, telegram_url)
            second = _dalil(workdir, "sender", rasa_url, telegram_url)
            try:
                front.start()
                first.start()
                await front.wait_up()
                await first.wait_up()
                writer = Writer(front.url)
                writing = asyncio.create_task(writer.burst(chats))
                held = await _caught_holding(first, redis, [(OUTBOUND, SENDERS, "sender")])
                frozen_at = time.monotonic()
                replies = await held_replies(redis, "sender", first.pid)
                first.kill()
                assert len(telegram.sent()) < TOTAL
                second.start()
                await writing
                await wait_sent(telegram.sent, TOTAL, timeout_s=120)
                await asyncio.sleep(CLAIM_IDLE_MS / 1000 + 1)  # a repeat would land by now
                sent = telegram.sent()
            finally:
                for process in (front, first, second):
                    process.stop()
    repeats = duplicates(sent, chats, held=(replies, frozen_at))
    assert repeats <= held
    _report("sender killed", repeats, held, writer.refused)


async def test_the_whole_app_killed_mid_burst_and_started_again_answers_everything(
    app_url_prereqs: None, rasa_url: str, redis: Redis
) -> None:
    chats = _chats(73_000_000)
    with _workdir() as workdir:
        async with _telegram() as (telegram, telegram_url):
            app = _dalil(workdir, "api,worker,sender,broadcaster", rasa_url, telegram_url)
            try:
                app.start()
                await app.wait_up()
                writer = Writer(app.url)
                writing = asyncio.create_task(writer.burst(chats))
                streams = [(INBOUND, WORKERS, "worker"), (OUTBOUND, SENDERS, "sender")]
                held = await _caught_holding(app, redis, streams)
                frozen_at = time.monotonic()
                replies = await held_replies(redis, "sender", app.pid)
                app.kill()
                assert len(telegram.sent()) < TOTAL
                await asyncio.sleep(1)  # Telegram's posts meet a closed port meanwhile
                app.start()  # the same port: Telegram knows one address
                await app.wait_up()
                await writing
                await wait_sent(telegram.sent, TOTAL, timeout_s=120)
                await asyncio.sleep(CLAIM_IDLE_MS / 1000 + 1)
                sent = telegram.sent()
            finally:
                app.stop()
    repeats = duplicates(sent, chats, held=(replies, frozen_at))
    assert repeats <= held
    assert writer.refused > 0  # the webhook was really down for a while
    _report("whole app killed", repeats, held, writer.refused)


async def test_a_platform_refusing_with_429_and_500_for_a_while_gets_everything_after(
    app_url_prereqs: None, rasa_url: str, redis: Redis
) -> None:
    chats = _chats(74_000_000)
    trouble_s = 12.0
    with _workdir() as workdir:
        async with _telegram() as (telegram, telegram_url):
            app = _dalil(workdir, "api,worker,sender", rasa_url, telegram_url)
            try:
                app.start()
                await app.wait_up()
                writer = Writer(app.url)
                writing = asyncio.create_task(writer.burst(chats))
                await wait_sent(telegram.sent, TOTAL // 4, timeout_s=60)
                telegram.trouble_for([
                    (429, {"ok": False, "error_code": 429,
                           "description": "Too Many Requests: retry after 1",
                           "parameters": {"retry_after": 1}}),
                    (500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}),
                ])  # fmt: skip
                refused_before = len(telegram.calls)
                await asyncio.sleep(trouble_s)
                telegram.trouble_over()
                refusals = len(telegram.calls) - refused_before
                await writing
                await wait_sent(telegram.sent, TOTAL, timeout_s=120)
                await asyncio.sleep(1)
                sent = telegram.sent()
                dead = await redis.xlen("outbound:dead")
            finally:
                app.stop()
    assert refusals > 0
    assert dead == 0
    repeats = duplicates(sent, chats)
    _report(f"platform refusing for {trouble_s:.0f} s ({refusals} refusals)", repeats, 0,
            writer.refused)  # fmt: skip


async def test_redis_killed_mid_burst_and_restarted_on_its_files_loses_nothing(
    app_url_prereqs: None, rasa_url: str
) -> None:
    chats = _chats(75_000_000)
    with _workdir() as workdir:
        private = PrivateRedis(workdir)
        await private.start()
        async with _telegram() as (telegram, telegram_url):
            app = _dalil(workdir, "api,worker,sender", rasa_url, telegram_url,
                         redis_url=private.url)  # fmt: skip
            try:
                app.start()
                await app.wait_up()
                writer = Writer(app.url)
                writing = asyncio.create_task(writer.burst(chats))
                await wait_sent(telegram.sent, TOTAL // 4, timeout_s=60)
                killed_at = time.monotonic()
                private.kill()
                answered_at_kill = len(telegram.sent())
                await asyncio.sleep(2)
                await private.start()  # same port, same append-only file
                back_at = time.monotonic()
                await writing
                await wait_sent(telegram.sent, TOTAL, timeout_s=120)
                await asyncio.sleep(CLAIM_IDLE_MS / 1000 + 1)
                sent = telegram.sent()
            finally:
                app.stop()
                private.stop()
    assert answered_at_kill < TOTAL
    repeats = duplicates(sent, chats, window=(killed_at - 1, back_at))
    _report("Redis killed for 2 s", repeats, 0, writer.refused)


async def test_postgresql_stopped_at_once_mid_burst_and_restarted_loses_nothing(
    rasa_url: str, redis: Redis
) -> None:
    chats = _chats(76_000_000)
    with _workdir() as workdir, _workdir() as pg_dir:
        postgres = PrivatePostgres(pg_dir)
        postgres.init()
        postgres.start()
        try:
            postgres.create_database()
            await asyncio.to_thread(migrate.upgrade, postgres.url())
            async with _telegram() as (telegram, telegram_url):
                app = _dalil(workdir, "api,worker,sender", rasa_url, telegram_url,
                             database_url=postgres.url())  # fmt: skip
                try:
                    app.start()
                    await app.wait_up()
                    writer = Writer(app.url)
                    writing = asyncio.create_task(writer.burst(chats))
                    await wait_sent(telegram.sent, TOTAL // 4, timeout_s=60)
                    postgres.crash()
                    answered_at_crash = len(telegram.sent())
                    await asyncio.sleep(2)
                    postgres.start()  # crash recovery, same port
                    await writing
                    await wait_sent(telegram.sent, TOTAL, timeout_s=120)
                    await asyncio.sleep(CLAIM_IDLE_MS / 1000 + 1)
                    sent = telegram.sent()
                finally:
                    app.stop()
        finally:
            postgres.stop()
    assert answered_at_crash < TOTAL
    repeats = duplicates(sent, chats)
    _report("PostgreSQL down for 2 s", repeats, 0, writer.refused)


def _ask(chat: int, n: int) -> str:
    # Each text its own: a text parsed before is answered from the parse cache, Rasa or not.
    return f"I am looking for a place to sleep for {chat % 1000 * 20 + n} nights"


CANNOT_UNDERSTAND = "Sorry, I cannot understand messages right now."


async def test_rasa_killed_mid_burst_menus_meanwhile_and_understands_again_once_back(
    app_url_prereqs: None, redis: Redis
) -> None:
    chats = _chats(77_000_000)
    sequence = ["/help", "ask"] * 6
    after = ["/help", "ask"]
    with _workdir() as workdir:
        rasa = PrivateRasa(workdir)
        await rasa.start()
        try:
            async with _telegram() as (telegram, telegram_url):
                # A slow parse on this loaded machine must not pass for Rasa being down: a
                # killed Rasa refuses connections at once whatever the timeout.
                app = _dalil(workdir, "api,worker,sender", rasa.url, telegram_url,
                             RASA_TIMEOUT_S="15")  # fmt: skip
                try:
                    app.start()
                    await app.wait_up()
                    writer = Writer(app.url, texts=_ask)
                    writing = asyncio.create_task(writer.burst(chats, sequence))
                    await wait_sent(telegram.sent, TOTAL // 4, timeout_s=60)
                    rasa.kill()
                    answered_at_kill = len(telegram.sent())
                    await writing
                    await wait_sent(telegram.sent, TOTAL, timeout_s=60)
                    await rasa.start()  # the same port: its model loaded again
                    back_at = time.monotonic()
                    await writer.burst(chats, after, first=len(sequence))
                    await wait_sent(telegram.sent, TOTAL + 2 * CHATS, timeout_s=60)
                    await asyncio.sleep(1)
                    sent = telegram.sent()
                finally:
                    app.stop()
        finally:
            rasa.stop()
    assert answered_at_kill < TOTAL
    repeats = duplicates(sent, chats, sequence + after, kind_of=help_or_answer)
    menus = [c for c in sent if c.params["text"].startswith(CANNOT_UNDERSTAND)]
    assert menus  # Rasa was really down for some of them
    assert all(c.at < back_at for c in menus)  # and nothing after it came back
    # The longest wait for an answer, counted from the webhook's 200.
    by_chat = {chat: [c.at for c in sent if int(c.params["chat_id"]) == chat] for chat in chats}
    pairs = [zip(by_chat[chat], writer.accepted[chat], strict=True) for chat in chats]
    waits = [answered - accepted for chat in pairs for answered, accepted in chat]
    _report(f"Rasa killed: {len(menus)} menus, longest wait {max(waits):.1f} s", repeats, 0,
            writer.refused)  # fmt: skip
    # No message waits for Rasa; a chat's answers wait only for its earlier messages' turns.
    assert max(waits) < 30


async def test_the_telegram_webhook_answers_503_while_redis_is_down_and_200_once_back(
    app_url_prereqs: None, rasa_url: str
) -> None:
    with _workdir() as workdir:
        private = PrivateRedis(workdir)
        await private.start()
        try:
            async with running_app(rasa_url, roles={"api"}, REDIS_URL=private.url) as app:
                private.kill()
                down = await app.post_update(updates.text(1, 78_000_001, "/help"))
                await private.start()
                back = await app.post_update(updates.text(1, 78_000_001, "/help"))
        finally:
            private.stop()
    assert down.status_code == 503
    assert down.json() == {"error": "unavailable", "detail": "could not queue the update"}
    assert back.status_code == 200  # Telegram's redelivery gets through: the key was not taken
