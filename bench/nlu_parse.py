"""Parse latency through the NLU client against a real Rasa server, and its throughput.

Texts are the development set's (ten languages, never trained on), every fourth one. Also
timed: the same texts again with the Redis parse cache warm, and, with `--train`, training
the model from scratch. The footprint goes with it: the Rasa server's memory once the model
is loaded, and the model file's size.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from bench.stats import summary
from core.redis import connect
from core.settings import Settings
from nlu import training
from nlu.client import NLUClient, ParseCache
from nlu.compare import rss_mb
from nlu.evaluate import EVAL_SETS, read_labelled
from nlu.language import LanguageIdentifier

TOKEN = "bench-token"
CONCURRENCY = 16


@dataclass
class RasaServer:
    """A Rasa server the benchmark started, serving the current model."""

    url: str
    process: subprocess.Popen[bytes]
    model: Path
    ready_s: float


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _cached(url: str, texts: list[str]) -> dict[str, float]:
    redis = connect("redis://127.0.0.1:6379/14")
    client = NLUClient(url, token=TOKEN, timeout_s=30, cache=ParseCache(redis, b"bench"))
    try:
        for text in texts:
            await client.parse(text)
        samples = []
        for text in texts:
            begin = time.perf_counter()
            await client.parse(text)
            samples.append(time.perf_counter() - begin)
    finally:
        await client.aclose()
        await redis.flushdb()
        await redis.aclose()
    return {f"cached_{k}": v for k, v in summary(samples).items() if k != "n"}


def train_seconds() -> float:
    """Train the current configuration from scratch into a temporary directory."""
    settings = Settings(_env_file=None, DALIL_PROFILE="test")
    with tempfile.TemporaryDirectory() as workdir:
        started = time.monotonic()
        training.train_with(
            venv=settings.nlu_venv, config=training.CONFIG, target=Path(workdir) / "m.tar.gz"
        )
        return round(time.monotonic() - started, 1)


@contextlib.asynccontextmanager
async def serve_rasa() -> AsyncIterator[RasaServer]:
    """Serve the current model on a free port until the block ends."""
    settings = Settings(_env_file=None, DALIL_PROFILE="test")
    port = _free_port()
    model = training.model_path(settings.nlu_model_dir)
    command = training.serve_command(
        venv=settings.nlu_venv,
        model=model,
        host="127.0.0.1",
        port=port,
        token=TOKEN,
    )
    started = time.monotonic()
    process = subprocess.Popen(  # noqa: ASYNC220 (started once, outside any timing)
        command,
        env=training.rasa_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    server = RasaServer(f"http://127.0.0.1:{port}", process, model, 0.0)
    client = NLUClient(server.url, token=TOKEN, timeout_s=30)
    try:
        while not await client.is_ready():
            if process.poll() is not None:
                raise SystemExit("Rasa exited before it was ready")
            await asyncio.sleep(0.5)
        server.ready_s = round(time.monotonic() - started, 1)
        yield server
    finally:
        await client.aclose()
        process.terminate()
        process.wait(timeout=30)


async def parses_per_second(client: NLUClient, texts: list[str]) -> float:
    """Parse `texts` with CONCURRENCY requests in flight; return parses per second."""
    queue = list(texts)
    begin = time.perf_counter()

    async def worker() -> None:
        while queue:
            await client.parse(queue.pop())

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return round(len(texts) / (time.perf_counter() - begin), 1)


async def run() -> dict[str, float]:
    """Serve the current model, then time sequential and concurrent parses."""
    async with serve_rasa() as rasa:
        client = NLUClient(
            rasa.url, token=TOKEN, timeout_s=30, identifier=LanguageIdentifier.from_training_data()
        )
        try:
            texts = [e.text for e in read_labelled(EVAL_SETS["dev"])][::4]
            samples = []
            for text in texts:
                begin = time.perf_counter()
                await client.parse(text)
                samples.append(time.perf_counter() - begin)
            return {
                **summary(samples),
                "parses_per_s_c16": await parses_per_second(client, texts),
                **await _cached(rasa.url, texts),
                "rasa_rss_mb": rss_mb(rasa.process.pid),
                "rasa_ready_s": rasa.ready_s,
                "model_mb": round(rasa.model.stat().st_size / 1e6, 1),
            }
        finally:
            await client.aclose()
