"""Webhook to reply through the whole app: how much of its NLU's speed Dalil keeps.

`dalil run` (its own process, every role, PostgreSQL and Redis) receives questions from
CHATS different chats on its Telegram webhook, the development set's texts in ten languages,
and answers through python-telegram-bot to a Bot API stand-in served here (sending limits
raised, so Telegram's 30 a second is not what is measured). Timed: from the first post until
every chat had its first reply, and each chat's post-to-first-reply latency. The same Rasa
server then parses the same texts with 16 requests in flight: the ratio is the share of the
NLU's own rate the pipeline reaches.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from bench.nlu_parse import TOKEN, parses_per_second, serve_rasa
from bench.search import fresh_database
from bench.stats import summary
from bot.telegram.webhook import SECRET_HEADER
from core.db import create_engine
from core.redis import connect
from core.settings import PROJECT_ROOT
from dalil import migrate
from nlu.client import NLUClient
from nlu.compare import rss_mb
from nlu.evaluate import EVAL_SETS, read_labelled
from services_directory.sample.loader import load_sample
from tests.standins.server import free_port, serve
from tests.standins.telegram_api import TelegramStandIn
from tests.standins.telegram_updates import text as text_update

CHATS = 400
IN_FLIGHT = 50  # posts at once, as Telegram's servers deliver to a busy webhook
REDIS_URL = "redis://127.0.0.1:6379/13"
BOT_TOKEN = "123456:bench-token-for-the-stand-in"
SECRET = "bench-webhook-secret"


async def _prepared_database(workdir: Path) -> str:
    url = await fresh_database("postgresql", workdir)
    await asyncio.to_thread(migrate.upgrade, url)
    engine = create_engine(url)
    async with AsyncSession(engine) as session, session.begin():
        await load_sample(session)
    await engine.dispose()
    return url


def _start_app(
    port: int, database: str, rasa_url: str, telegram_url: str
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DALIL_PROFILE": "test",
        "DATABASE_URL": database,
        "REDIS_URL": REDIS_URL,
        "RASA_URL": rasa_url,
        "RASA_TOKEN": TOKEN,
        "PSEUDONYM_KEY": "bench-pseudonym-key-0123456789",
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "TELEGRAM_API_BASE_URL": f"{telegram_url}/bot",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "PUBLIC_BASE_URL": "https://dalil.example.org",
        "TELEGRAM_PER_SECOND": "1000",
        "TELEGRAM_CHAT_INTERVAL_S": "0",
    }
    command = [str(PROJECT_ROOT / ".venv" / "bin" / "dalil"), "run", "--no-rasa",
               "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def _ready(http: httpx.AsyncClient, app: subprocess.Popen[bytes]) -> None:
    for _ in range(240):
        if app.poll() is not None:
            raise SystemExit(f"dalil run exited with {app.returncode}")
        try:
            if (await http.get("/ready")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.5)
    raise SystemExit("dalil run was not ready within 120 s")


async def _first_replies(
    http: httpx.AsyncClient, telegram: TelegramStandIn, texts: list[str]
) -> tuple[float, list[float]]:
    """Post one question per chat; return the seconds until all were answered, and latencies."""
    chats = list(range(7_000_001, 7_000_001 + len(texts)))
    posted: dict[int, float] = {}
    pending = list(zip(chats, texts, strict=True))

    async def poster() -> None:
        while pending:
            chat, body = pending.pop()
            posted[chat] = time.monotonic()
            update = text_update(chat, chat, body)
            response = await http.post("/webhooks/telegram", json=update,
                                       headers={SECRET_HEADER: SECRET})  # fmt: skip
            response.raise_for_status()

    started = time.monotonic()
    await asyncio.gather(*(poster() for _ in range(IN_FLIGHT)))
    first: dict[int, float] = {}
    deadline = time.monotonic() + 600
    while len(first) < len(chats) and time.monotonic() < deadline:
        for call in telegram.sent():
            first.setdefault(int(call.params["chat_id"]), call.at)
        await asyncio.sleep(0.05)
    if len(first) < len(chats):
        raise SystemExit(f"only {len(first)} of {len(chats)} chats were answered")
    return max(first.values()) - started, [first[chat] - posted[chat] for chat in chats]


async def run() -> dict[str, float]:
    """Run the app against the stand-in and its own Rasa server; return the figures."""
    texts = list(dict.fromkeys(e.text for e in read_labelled(EVAL_SETS["dev"])))[:CHATS]
    redis = connect(REDIS_URL)
    await redis.flushdb()
    telegram = TelegramStandIn()
    port = free_port()
    with tempfile.TemporaryDirectory() as workdir:
        database = await _prepared_database(Path(workdir))
        async with serve_rasa() as rasa, serve(telegram.app()) as telegram_url:
            app = _start_app(port, database, rasa.url, telegram_url)
            http = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30)
            try:
                await _ready(http, app)
                seconds, latencies = await _first_replies(http, telegram, texts)
                app_rss = rss_mb(app.pid)
            finally:
                await http.aclose()
                app.terminate()
                app.wait(timeout=30)
            nlu = NLUClient(rasa.url, token=TOKEN, timeout_s=30)
            try:
                parse_rate = await parses_per_second(nlu, texts)
            finally:
                await nlu.aclose()
    await redis.flushdb()
    await redis.aclose()
    answered_per_s = round(len(texts) / seconds, 1)
    latency = summary(latencies)
    return {
        "chats": len(texts),
        "answered_per_s": answered_per_s,
        "parses_per_s_c16": parse_rate,
        "ratio": round(answered_per_s / parse_rate, 2),
        "first_reply_p50_ms": latency["p50_ms"],
        "first_reply_p95_ms": latency["p95_ms"],
        "app_rss_mb": app_rss,
    }
