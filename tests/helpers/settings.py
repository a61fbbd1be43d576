"""The tests' settings: real PostgreSQL and Redis (or the embedded default), fixed secrets."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from core.settings import Settings
from tests.standins.server import free_port

# `make test` runs the tests in two processes (pytest-xdist: gw0, gw1); each has a database
# and a Redis database of its own, beside the ones named here: `test_gw1`, Redis 15 - 1.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
WORKER_NUMBER = int(WORKER.removeprefix("gw")) if WORKER.startswith("gw") else 0


def _own(url: str) -> str:
    """`url` with this worker's database; the same URL outside pytest-xdist."""
    if not WORKER:
        return url
    base, _, database = url.rpartition("/")
    return f"{base}/{database}_{WORKER}"


def _own_redis(url: str) -> str:
    """`url` with this worker's Redis database, counted down from the one named."""
    base, _, number = url.rpartition("/")
    return f"{base}/{int(number or 0) - WORKER_NUMBER}" if WORKER else url


PG_URL = _own(
    os.environ.get("TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
)


EMBEDDED = os.environ.get("DALIL_TEST_BACKEND", "postgres") == "embedded"


# One directory per run: people and CI jobs on one machine never share the file or the port.
EMBEDDED_DIR = Path(tempfile.mkdtemp(prefix="dalil-embedded-")) if EMBEDDED else None


DATABASE_URL = f"sqlite+aiosqlite:///{EMBEDDED_DIR}/dalil.db" if EMBEDDED_DIR else PG_URL


REDIS_URL = (
    f"redis://127.0.0.1:{free_port()}/0"
    if EMBEDDED
    else _own_redis(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
)


RASA_TOKEN = "rasa-test-token"


PSEUDONYM_KEY = "test-pseudonym-key-0123456789"


TELEGRAM_TOKEN = "123456:TEST-token-for-the-stand-in"


TELEGRAM_SECRET = "webhook-secret_for-tests"


def make_settings(**overrides: object) -> Settings:
    """Return test settings; `.env` files and the environment's defaults do not apply."""
    values: dict[str, Any] = {
        "DALIL_PROFILE": "test",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "RASA_TOKEN": RASA_TOKEN,
        "PSEUDONYM_KEY": PSEUDONYM_KEY,
        "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)
