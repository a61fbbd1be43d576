"""Shared fixtures: real PostgreSQL, real Redis, a real Rasa server with the trained model.

With DALIL_TEST_BACKEND=embedded, the database and Redis fixtures are instead what `make run`
uses on a fresh machine: a SQLite file, and a Redis started the way `dalil run` starts one
(`dalil.embedded.ensure_redis`). `make test` runs the tests marked `embedded_default` a
second time that way; tests that need PostgreSQL itself use PG_URL directly.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.dialogue import Dialogue
from core.db import create_engine
from core.redis import connect
from dalil import embedded, migrate
from nlu import training
from nlu.client import NLUClient
from nlu.language import LanguageIdentifier
from services_directory.sample.loader import load_sample
from tests.helpers.dialogue import make_dialogue
from tests.helpers.rasa import wait_ready
from tests.helpers.settings import (
    DATABASE_URL,
    EMBEDDED,
    EMBEDDED_DIR,
    RASA_TOKEN,
    REDIS_URL,
    WORKER,
    make_settings,
)
from tests.standins.server import free_port


def pytest_collection_finish(session: pytest.Session) -> None:
    """Refuse to run tests that share a test id in pytest-xdist's processes: xdist runs one
    of them and reports them all run (schemathesis' cases: mark them one_process)."""
    if not hasattr(session.config, "workerinput"):
        return
    ids = Counter(item.nodeid for item in session.items)
    if shared := [nodeid for nodeid, times in ids.items() if times > 1]:
        raise pytest.UsageError(f"tests sharing an id, run only once here: {shared}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Remove the embedded run's SQLite file and Redis directory."""
    if EMBEDDED_DIR is not None:
        shutil.rmtree(EMBEDDED_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def identifier() -> LanguageIdentifier:
    """The language identifier built from the shipped training data."""
    return LanguageIdentifier.from_training_data()


async def _create_database(url: str) -> None:
    """Create the database `url` names (a worker's own, beside the one named), once."""
    name = make_url(url).database
    maintenance = make_url(url).set(database="postgres").render_as_string(False)
    server = create_async_engine(maintenance, isolation_level="AUTOCOMMIT")
    try:
        async with server.connect() as connection:
            known = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not known:
                await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await server.dispose()


@pytest.fixture(scope="session")
async def pg_engine() -> AsyncIterator[AsyncEngine]:
    """The database (PostgreSQL, or SQLite when embedded) migrated, with the sample loaded."""
    if WORKER and not EMBEDDED:
        await _create_database(DATABASE_URL)
    engine = create_engine(DATABASE_URL)
    if not EMBEDDED:  # a new SQLite file is empty already
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    await asyncio.to_thread(migrate.upgrade, DATABASE_URL)
    async with AsyncSession(engine) as session, session.begin():
        await load_sample(session)
    yield engine
    await engine.dispose()


@pytest.fixture
async def sessions(pg_engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions inside one transaction that is rolled back after the test."""
    async with pg_engine.connect() as connection:
        outer = await connection.begin()
        yield async_sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        await outer.rollback()


@pytest.fixture
async def session(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One session of the rolled-back transaction."""
    async with sessions() as session:
        yield session


@pytest.fixture(scope="session")
def redis_server() -> Iterator[None]:
    """Nothing with PostgreSQL's Redis (it runs already); when embedded, the one started here."""
    if not EMBEDDED or EMBEDDED_DIR is None:
        yield
        return
    handle = embedded.ensure_redis(REDIS_URL, EMBEDDED_DIR / "redis")
    try:
        yield
    finally:
        embedded.stop(handle)


@pytest.fixture
async def redis(redis_server: None) -> AsyncIterator[Redis]:
    """The test Redis database, emptied before each test."""
    client = connect(REDIS_URL)
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()


@pytest.fixture(scope="session")
def rasa_url() -> Iterator[str]:
    """A real Rasa server serving the model trained from the current data.

    TEST_RASA_URL names one already serving it with the tests' token (`rasa-test-token`):
    on a shared machine, a second Rasa of 700 MB is not started for a few test files.
    """
    if given := os.environ.get("TEST_RASA_URL"):
        yield given
        return
    settings = make_settings()
    model = training.model_path(settings.nlu_model_dir)
    if not model.exists():
        pytest.fail(f"No trained NLU model at {model}: run `make model` (make test does).")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = training.serve_command(
        venv=settings.nlu_venv, model=model, host="127.0.0.1", port=port, token=RASA_TOKEN
    )
    log_path = Path(settings.nlu_model_dir) / f"rasa-test-server{WORKER and '-'}{WORKER}.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command, env=training.rasa_environment(), stdout=log_file, stderr=subprocess.STDOUT
        )
    try:
        asyncio.run(wait_ready(url, process, log_path))
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
async def nlu(rasa_url: str, identifier: LanguageIdentifier) -> AsyncIterator[NLUClient]:
    """A client of the real Rasa server."""
    client = NLUClient(rasa_url, token=RASA_TOKEN, identifier=identifier, timeout_s=10)
    yield client
    await client.aclose()


@pytest.fixture
async def dialogue_without_nlu(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, identifier: LanguageIdentifier
) -> AsyncIterator[Dialogue]:
    """The dialogue with Rasa unreachable (nothing listens on its port): buttons still work."""
    nlu = NLUClient(f"http://127.0.0.1:{free_port()}", timeout_s=1, identifier=identifier)
    yield make_dialogue(sessions, redis, nlu)
    await nlu.aclose()
