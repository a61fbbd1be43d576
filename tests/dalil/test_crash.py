"""Crash tests: real processes killed with SIGKILL in the middle of a burst."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from bot import queue
from tests.helpers.app import Running, running_app
from tests.helpers.settings import PG_URL, PSEUDONYM_KEY, RASA_TOKEN, REDIS_URL
from tests.standins import telegram_updates as updates
from tests.standins.server import free_port

CHATS = 40
# Each chat alternates two commands whose answers differ, so the order of its answers shows
# the order its messages were handled in.
SEQUENCE = ["/help", "/language"] * 10
CLAIM_IDLE_MS = 1500


def _start_worker(rasa_url: str, workdir: str) -> subprocess.Popen[bytes]:
    """`dalil run --roles worker` as its own process (in a folder without a .env)."""
    env = {
        **os.environ,
        "DALIL_PROFILE": "test",
        "DATABASE_URL": PG_URL,
        "REDIS_URL": REDIS_URL,
        "RASA_URL": rasa_url,
        "RASA_TOKEN": RASA_TOKEN,
        "PSEUDONYM_KEY": PSEUDONYM_KEY,
        "QUEUE_CLAIM_IDLE_MS": str(CLAIM_IDLE_MS),
    }
    dalil = Path(sys.executable).parent / "dalil"
    command = [str(dalil), "run", "--roles", "worker", "--no-rasa", "--port", str(free_port())]
    return subprocess.Popen(
        command, env=env, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _kind(text: str) -> str:
    return "help" if "/language, /city" in text else "language"


async def _write(app: Running, chat: int) -> None:
    for n, command in enumerate(SEQUENCE):
        update = updates.text(chat * 100 + n, chat, command, language_code="en")
        assert (await app.post_update(update)).status_code == 200


async def _holding(redis: Redis, process: int) -> int:
    """Return how many inbound entries the worker `process` read and has not acknowledged."""
    consumers: Any = await redis.xinfo_consumers(queue.INBOUND, queue.WORKERS)
    ours = f"worker-{socket.gethostname()}-{process}-"
    return sum(int(c["pending"]) for c in consumers if c["name"].startswith(ours))


async def test_a_worker_killed_mid_burst_loses_nothing_and_keeps_each_chat_in_order(
    app_url_prereqs: None, rasa_url: str, redis: Redis
) -> None:
    chats = [71_000_000 + c for c in range(CHATS)]
    total = CHATS * len(SEQUENCE)
    with tempfile.TemporaryDirectory() as workdir:
        async with running_app(
            rasa_url, roles={"api", "sender"}, QUEUE_CLAIM_IDLE_MS=CLAIM_IDLE_MS,
            TELEGRAM_CHAT_INTERVAL_S=0, TELEGRAM_PER_SECOND=1000,
        ) as app:  # fmt: skip
            first = _start_worker(rasa_url, workdir)
            second = None
            try:
                writing = asyncio.gather(*(_write(app, chat) for chat in chats))
                # Frozen, the worker's pending entries cannot change: kill it once it is
                # frozen holding some, as a crash mid-round would leave them.
                deadline = asyncio.get_running_loop().time() + 90  # its start included
                while asyncio.get_running_loop().time() < deadline:
                    first.send_signal(signal.SIGSTOP)
                    if await _holding(redis, first.pid):
                        break
                    first.send_signal(signal.SIGCONT)
                    await asyncio.sleep(0.002)
                assert await _holding(redis, first.pid), "the worker was never caught mid-round"
                first.send_signal(signal.SIGKILL)
                assert first.wait(timeout=10) == -signal.SIGKILL
                assert len(app.telegram.sent()) < total
                await writing
                second = _start_worker(rasa_url, workdir)
                sent = await app.wait_for(lambda sent: len(sent) >= total, timeout_s=180)
                await asyncio.sleep(CLAIM_IDLE_MS / 1000 + 1)  # anything answered twice lands now
                sent = app.telegram.sent()
            finally:
                for process in (first, second):
                    if process is not None and process.poll() is None:
                        process.terminate()
                        process.wait(timeout=30)

    by_chat: dict[int, list[str]] = {chat: [] for chat in chats}
    for call in sent:
        by_chat[int(call.params["chat_id"])].append(_kind(call.params["text"]))
    expected = [_kind_of_command(command) for command in SEQUENCE]
    assert by_chat == dict.fromkeys(chats, expected)  # every one, once, in order


def _kind_of_command(command: str) -> str:
    return "help" if command == "/help" else "language"
