"""Webhook to reply through the whole app: how much of its NLU's speed Dalil keeps.

`dalil run` (its own process, every role, PostgreSQL and Redis) receives questions from
CHATS different chats on its Telegram webhook, the development set's texts in ten languages,
and answers through python-telegram-bot to a Bot API stand-in served here (sending limits
raised, so Telegram's 30 a second is not what is measured). Timed: from the first post until
every chat had its first reply, and each chat's post-to-first-reply latency. The same Rasa
server then parses the same texts with 16 requests in flight: the ratio is the share of the
NLU's own rate the pipeline reaches.

The pieces here (a stage of database, Redis and Bot API stand-in; `dalil` processes with
chosen roles; posting, paced or all at once; waiting for the replies) serve the other
benchmarks of the app: ingest, mix, latency and workers.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import itertools
import os
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession

from bench.nlu_parse import TOKEN, RasaServer, parses_per_second, serve_rasa
from bench.search import fresh_database
from bench.stats import summary
from bot.telegram.webhook import SECRET_HEADER
from core.db import create_engine
from core.http import LazySession
from core.redis import connect
from core.settings import PROJECT_ROOT, Settings
from dalil import migrate
from nlu.client import NLUClient
from nlu.compare import rss_mb
from nlu.evaluate import EVAL_SETS, read_labelled
from nlu.training_data import examples_by_language
from services_directory.sample.loader import load_sample
from tests.standins.server import free_port, serve
from tests.standins.telegram_api import TelegramStandIn
from tests.standins.telegram_updates import button as button_update
from tests.standins.telegram_updates import text as text_update

CHATS = 400
IN_FLIGHT = 50  # posts at once, as Telegram's servers deliver to a busy webhook
# Emptied before and after each benchmark; BENCH_REDIS_URL points at another db.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
BOT_TOKEN = "123456:bench-token-for-the-stand-in"
SECRET = "bench-webhook-secret"
EVERY_ROLE = ("api", "worker", "sender", "broadcaster", "relay")
# Update ids are unique within a run, as Telegram's are: the webhook deduplicates on them.
_UPDATE_IDS = itertools.count(1)
_CHAT_IDS = itertools.count(7_000_001)


def distinct_texts(count: int = CHATS) -> list[str]:
    """The first `count` distinct texts of the development set (ten languages)."""
    return list(dict.fromkeys(e.text for e in read_labelled(EVAL_SETS["dev"])))[:count]


def training_texts(count: int) -> list[str]:
    """`count` distinct texts of the training data, the languages taken in turn: as many
    distinct texts as a long benchmark needs (a parse costs Rasa the same whether or not it
    learnt the text)."""
    by_language = [list(dict.fromkeys(texts)) for texts in examples_by_language().values()]
    taken = dict.fromkeys(
        text for group in itertools.zip_longest(*by_language) for text in group if text
    )
    texts = list(taken)[:count]
    if len(texts) < count:
        raise SystemExit(f"the training data has only {len(texts)} distinct texts")
    return texts


def new_chats(count: int) -> list[int]:
    """Chat ids never used before in this run."""
    return [next(_CHAT_IDS) for _ in range(count)]


@dataclass(frozen=True)
class Post:
    """One update to post, and the key its first reply is recorded under."""

    key: str
    update: dict[str, Any]


def text_post(chat: int, body: str) -> Post:
    """A text message from `chat`; its first reply is the first message sent to the chat."""
    return Post(f"chat:{chat}", text_update(next(_UPDATE_IDS), chat, body))


def button_post(chat: int, data: str) -> Post:
    """A button press in `chat`; its first reply is the answer to the callback query."""
    update = button_update(next(_UPDATE_IDS), chat, data)
    return Post(f"callback:{update['callback_query']['id']}", update)


@dataclass
class Replies:
    """When the Bot API stand-in received each chat's messages and each callback's answer."""

    telegram: TelegramStandIn
    at: dict[str, list[float]] = field(default_factory=dict)
    keyboards: dict[int, list[str]] = field(default_factory=dict)
    _seen: int = 0

    def update(self) -> None:
        """Read the calls the stand-in received since the last look."""
        calls = self.telegram.calls
        for call in calls[self._seen :]:
            if not call.params.get("_accepted"):
                continue
            if call.method == "sendMessage":
                chat = int(call.params["chat_id"])
                self.at.setdefault(f"chat:{chat}", []).append(call.at)
                rows = (call.params.get("reply_markup") or {}).get("inline_keyboard") or []
                data = [b["callback_data"] for row in rows for b in row if "callback_data" in b]
                if data:
                    self.keyboards[chat] = data
            elif call.method == "answerCallbackQuery":
                self.at.setdefault(f"callback:{call.params['callback_query_id']}", []).append(
                    call.at
                )
        self._seen = len(calls)

    def first_after(self, key: str, moment: float) -> float | None:
        """When the first reply of `key` at or after `moment` arrived, if it did."""
        times = self.at.get(key, [])
        index = bisect.bisect_left(times, moment)
        return times[index] if index < len(times) else None

    async def latencies(self, posted: dict[str, float], timeout_s: float = 600) -> list[float]:
        """Wait until every post has its first reply; return post-to-reply seconds."""
        deadline = time.monotonic() + timeout_s
        answered: dict[str, float] = {}
        while True:
            self.update()
            for key, moment in posted.items():
                if key not in answered and (at := self.first_after(key, moment)) is not None:
                    answered[key] = at - moment
            if len(answered) == len(posted):
                return [answered[key] for key in posted]
            if time.monotonic() > deadline:
                raise SystemExit(f"only {len(answered)} of {len(posted)} posts were answered")
            await asyncio.sleep(0.05)

    def last_reply(self) -> float:
        """When the stand-in received its last call."""
        return max((c.at for c in self.telegram.calls), default=0.0)


@dataclass
class Stage:
    """What the app runs against: its database, its Redis db, the Bot API stand-in, Rasa."""

    database: str
    rasa: RasaServer
    telegram: TelegramStandIn
    telegram_url: str
    replies: Replies


async def _prepared_database(workdir: Path) -> str:
    url = await fresh_database("postgresql", workdir)
    await asyncio.to_thread(migrate.upgrade, url)
    engine = create_engine(url)
    async with AsyncSession(engine) as session, session.begin():
        await load_sample(session)
    await engine.dispose()
    return url


async def flush_redis() -> None:
    """Empty the benchmark's Redis db (queues, dedupe keys, lanes, the parse cache)."""
    redis = connect(REDIS_URL)
    try:
        await redis.flushdb()
    finally:
        await redis.aclose()


@contextlib.asynccontextmanager
async def stage(rasa: RasaServer) -> AsyncIterator[Stage]:
    """A fresh database with the sample directory, an empty Redis db and a Bot API stand-in."""
    await flush_redis()
    telegram = TelegramStandIn()
    with tempfile.TemporaryDirectory() as workdir:
        database = await _prepared_database(Path(workdir))
        async with serve(telegram.app()) as telegram_url:
            try:
                yield Stage(database, rasa, telegram, telegram_url, Replies(telegram))
            finally:
                await flush_redis()


class Webhook:
    """Posts to one app's Telegram webhook as Telegram's servers do, over connections kept
    open for every post in flight. aiohttp, not httpx: with this many connections httpx's
    pool looked at each of them at every request, and the benchmark's own process took about
    7 ms of the 2 cores a message, 3 of them in that scan (py-spy), from the app it measures."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        # Idle connections go before uvicorn's 5 s keep-alive closes them under a post.
        self._session = LazySession(
            connections=2 * IN_FLIGHT, idle_s=2.0, timeout=aiohttp.ClientTimeout(total=30)
        )

    async def ready(self) -> bool:
        """Whether the app answers /ready with 200."""
        try:
            async with self._session.get().get(f"{self.base_url}/ready") as response:
                await response.read()
                return response.status == 200
        except aiohttp.ClientError:
            return False

    async def post(self, update: dict[str, Any]) -> None:
        """Post one update; raise unless the webhook answered 2xx."""
        url, headers = f"{self.base_url}/webhooks/telegram", {SECRET_HEADER: SECRET}
        for attempt in (1, 2):
            try:
                async with self._session.get().post(url, json=update, headers=headers) as response:
                    await response.read()
                    response.raise_for_status()
                    return
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
                # The server closed a kept-alive connection as it was reused: Telegram
                # delivers the update again, and the webhook's dedupe makes that harmless.
                if attempt == 2:
                    raise

    async def aclose(self) -> None:
        await self._session.close()


@dataclass
class App:
    """One `dalil run` process with some of the roles."""

    roles: tuple[str, ...]
    process: subprocess.Popen[bytes]
    http: Webhook

    def rss_mb(self) -> float:
        return rss_mb(self.process.pid)


def environment(stage: Stage) -> dict[str, str]:
    """The settings of every `dalil` process of the benchmark (sending limits raised)."""
    return {
        "DALIL_PROFILE": "test",
        "DATABASE_URL": stage.database,
        "REDIS_URL": REDIS_URL,
        "RASA_URL": stage.rasa.url,
        "RASA_TOKEN": TOKEN,
        "PSEUDONYM_KEY": "bench-pseudonym-key-0123456789",
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "TELEGRAM_API_BASE_URL": f"{stage.telegram_url}/bot",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "PUBLIC_BASE_URL": "https://dalil.example.org",
        "TELEGRAM_PER_SECOND": "1000",
        "TELEGRAM_CHAT_INTERVAL_S": "0",
    }


def settings(stage: Stage) -> Settings:
    """The settings the `dalil` processes of the benchmark read."""
    return Settings(_env_file=None, **environment(stage))  # type: ignore[arg-type]


def _start(stage: Stage, port: int, roles: Collection[str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, **environment(stage)}
    command = [str(PROJECT_ROOT / ".venv" / "bin" / "dalil"), "run", "--no-rasa",
               "--host", "127.0.0.1", "--port", str(port), "--roles", ",".join(roles)]  # fmt: skip
    # BENCH_LOGS=dir keeps each process's log there (what it did, for profiling).
    logs = os.environ.get("BENCH_LOGS")
    out = open(Path(logs) / f"dalil-{port}.log", "wb") if logs else subprocess.DEVNULL  # noqa: SIM115
    return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


async def _ready(app: App) -> None:
    for _ in range(240):
        if app.process.poll() is not None:
            raise SystemExit(f"dalil run exited with {app.process.returncode}")
        if await app.http.ready():
            return
        await asyncio.sleep(0.5)
    raise SystemExit("dalil run was not ready within 120 s")


@contextlib.asynccontextmanager
async def app(stage: Stage, roles: Sequence[str] = EVERY_ROLE) -> AsyncIterator[App]:
    """Run `dalil run --roles ROLES` on a free port until the block ends; yield it once ready."""
    port = free_port()
    process = _start(stage, port, roles)
    http = Webhook(f"http://127.0.0.1:{port}")
    running = App(tuple(roles), process, http)
    try:
        await _ready(running)
        yield running
    finally:
        await http.aclose()
        process.terminate()
        await asyncio.to_thread(process.wait, 30)


async def post(http: Webhook, update: dict[str, Any]) -> float:
    """Post one update to the Telegram webhook as Telegram does; return the answer's seconds."""
    begin = time.monotonic()
    await http.post(update)
    return time.monotonic() - begin


async def post_all(
    http: Webhook,
    posts: Sequence[Post],
    in_flight: int = IN_FLIGHT,
    *,
    posted: dict[str, float] | None = None,
) -> tuple[dict[str, float], list[float]]:
    """Post everything with `in_flight` posts at once; return when each was posted (also
    written into `posted` as it happens) and how long each HTTP answer took."""
    pending = list(reversed(posts))
    posted = {} if posted is None else posted
    answers: list[float] = []

    async def poster() -> None:
        while pending:
            item = pending.pop()
            posted[item.key] = time.monotonic()
            answers.append(await post(http, item.update))

    await asyncio.gather(*(poster() for _ in range(in_flight)))
    return posted, answers


async def post_paced(http: Webhook, posts: Sequence[Post], per_second: float) -> dict[str, float]:
    """Post one update every 1/`per_second` s (each without waiting for the previous answer);
    return when each was posted."""
    posted: dict[str, float] = {}
    start = time.monotonic()

    async def one(index: int, item: Post) -> None:
        await asyncio.sleep(max(0.0, start + index / per_second - time.monotonic()))
        posted[item.key] = time.monotonic()
        await post(http, item.update)

    await asyncio.gather(*(one(index, item) for index, item in enumerate(posts)))
    return posted


def cpu_s(pid: int) -> float:
    """CPU seconds (user and system) a process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def service_cpu_s(command: str) -> float:
    """CPU seconds used so far by every process named `command` and the children they have
    reaped: PostgreSQL's backends end and are counted in the postmaster's (Linux)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, fields = stat.read_text().rsplit(")", 1)
        except OSError:  # ended meanwhile
            continue
        if name.split("(", 1)[1] == command:
            utime, stime, cutime, cstime = (int(value) for value in fields.split()[11:15])
            total += utime + stime + cutime + cstime
    return total / os.sysconf("SC_CLK_TCK")


# The services every message also costs, on the same cores here (a benchmark's share of them:
# nothing else should run).
SERVICES = {"postgres": "postgres", "redis": "redis-server"}


@dataclass
class CpuMeter:
    """CPU time of some processes (and of the services, if asked) from now on, per message:
    what each one costs, whatever else the machine runs (the 2 cores' share of it is what
    limits the rates)."""

    pids: dict[str, int]
    services: dict[str, str] = field(default_factory=dict)
    begin: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.begin = self._now()

    def _now(self) -> dict[str, float]:
        by_pid = {name: cpu_s(pid) for name, pid in self.pids.items()}
        return by_pid | {name: service_cpu_s(cmd) for name, cmd in self.services.items()}

    def ms_per(self, count: int) -> dict[str, float]:
        """Milliseconds of CPU each process used per one of `count` messages since the start."""
        now = self._now()
        return {
            f"{name}_cpu_ms_per_msg": round((now[name] - self.begin[name]) * 1000 / count, 1)
            for name in now
        }


def pids(running: App, rasa: RasaServer) -> dict[str, int]:
    """The processes whose CPU a benchmark of the whole app reports: the app, Rasa, and this
    process (posting the updates and serving the Bot API stand-in)."""
    return {"app": running.process.pid, "rasa": rasa.process.pid, "bench": os.getpid()}


def answered_within(started: float, posted: dict[str, float], latencies: list[float]) -> float:
    """Seconds from `started` until the last of the posts had its first reply."""
    answered = (at + latency for at, latency in zip(posted.values(), latencies, strict=True))
    return max(answered) - started


async def parse_rate(rasa: RasaServer, texts: list[str]) -> tuple[float, float]:
    """The Rasa server's own rate on `texts` (16 parses in flight, no cache), and the
    milliseconds of CPU it used per parse."""
    nlu = NLUClient(rasa.url, token=TOKEN, timeout_s=30)
    meter = CpuMeter({"rasa": rasa.process.pid})
    try:
        rate = await parses_per_second(nlu, texts)
    finally:
        await nlu.aclose()
    return rate, meter.ms_per(len(texts))["rasa_cpu_ms_per_msg"]


async def run_on(rasa: RasaServer) -> dict[str, float]:
    """Distinct texts from CHATS chats through one `dalil run` with every role."""
    texts = distinct_texts()
    posts = [text_post(chat, body) for chat, body in zip(new_chats(len(texts)), texts, strict=True)]
    async with stage(rasa) as here, app(here) as running:
        meter = CpuMeter(pids(running, rasa), SERVICES)
        started = time.monotonic()
        posted, _answers = await post_all(running.http, posts)
        latencies = await here.replies.latencies(posted)
        seconds = answered_within(started, posted, latencies)
        cpu = meter.ms_per(len(posts))
        app_rss = running.rss_mb()
    rate, rasa_alone_ms = await parse_rate(rasa, texts)
    answered_per_s = round(len(texts) / seconds, 1)
    latency = summary(latencies)
    return {
        "chats": len(texts),
        "answered_per_s": answered_per_s,
        "parses_per_s_c16": rate,
        "ratio": round(answered_per_s / rate, 2),
        "first_reply_p50_ms": latency["p50_ms"],
        "first_reply_p95_ms": latency["p95_ms"],
        **cpu,
        "rasa_alone_cpu_ms_per_parse": rasa_alone_ms,
        "app_rss_mb": app_rss,
        "rasa_rss_mb": rss_mb(rasa.process.pid),
    }


async def run() -> dict[str, float]:
    """Run the app against the stand-in and its own Rasa server; return the figures."""
    async with serve_rasa() as rasa:
        return await run_on(rasa)
