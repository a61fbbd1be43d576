"""`/health` answers at once; `/ready` names the component that is down, within its timeout.

Redis here is a private `redis-server` started by the test (killed, frozen and restarted);
the shared PostgreSQL and Redis are never touched. A component nobody listens for is a
free port: the client meets a refused connection, as with a stopped server.
"""

from __future__ import annotations

import asyncio
import signal
import tempfile
import time
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from dalil import embedded
from dalil.app import create_app
from dalil.health import READY_TIMEOUT_S
from tests.helpers.app import running_app
from tests.helpers.settings import EMBEDDED, make_settings
from tests.standins.server import free_port, serve

pytestmark = pytest.mark.skipif(EMBEDDED, reason="starts its own redis-server")


@asynccontextmanager
async def _app(roles: Collection[str], **settings: object) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(make_settings(**settings), roles=roles)
    async with serve(app, lifespan="on") as url, httpx.AsyncClient(base_url=url) as http:
        yield http


async def _ready(http: httpx.AsyncClient) -> tuple[int, dict[str, Any], float]:
    started = time.monotonic()
    response = await http.get("/ready")
    return response.status_code, response.json(), time.monotonic() - started


async def _start_redis(url: str, data_dir: Path) -> Any:
    return await asyncio.to_thread(embedded.ensure_redis, url, data_dir)


async def test_ready_when_everything_a_worker_needs_answers(
    app_url_prereqs: None, rasa_url: str
) -> None:
    async with running_app(rasa_url) as app:
        response = await app.http.get("/ready")
        assert response.status_code == 200
        assert response.json() == {
            "status": "ready",
            "components": {"database": "ok", "redis": "ok", "rasa": "ok"},
        }


async def test_a_worker_is_not_ready_without_rasa_and_still_alive(app_url_prereqs: None) -> None:
    async with _app({"worker"}, RASA_URL=f"http://127.0.0.1:{free_port()}") as http:
        status, body, _took = await _ready(http)
        assert status == 503
        assert body == {
            "status": "not_ready",
            "components": {"database": "ok", "redis": "ok", "rasa": "down"},
        }
        health = await http.get("/health")
        assert (health.status_code, health.json()) == (200, {"status": "ok"})


async def test_the_api_does_not_need_rasa(app_url_prereqs: None) -> None:
    async with _app({"api"}, RASA_URL=f"http://127.0.0.1:{free_port()}") as http:
        status, body, _took = await _ready(http)
        assert (status, body["components"]) == (200, {"database": "ok", "redis": "ok"})


async def test_no_role_is_ready_without_its_database(app_url_prereqs: None) -> None:
    nowhere = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/dalil"
    async with _app({"sender"}, DATABASE_URL=nowhere) as http:
        status, body, _took = await _ready(http)
        assert (status, body["components"]) == (503, {"database": "down", "redis": "ok"})


async def test_redis_killed_frozen_and_restarted(app_url_prereqs: None) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    with tempfile.TemporaryDirectory(prefix="dalil-ready-") as directory:
        data_dir = Path(directory)
        redis_server = await _start_redis(url, data_dir)
        try:
            async with _app({"api"}, REDIS_URL=url) as http:
                status, body, _took = await _ready(http)
                assert (status, body["components"]) == (200, {"database": "ok", "redis": "ok"})

                # Frozen: the ping never answers; /ready does not wait for it.
                redis_server.send_signal(signal.SIGSTOP)
                for _ in range(2):  # the second probe waits on the same hung check
                    status, body, took = await _ready(http)
                    assert (status, body["components"]["redis"]) == (503, "down")
                    assert took < READY_TIMEOUT_S + 1.0
                started = time.monotonic()
                assert (await http.get("/health")).status_code == 200
                assert time.monotonic() - started < 1.0  # with Redis frozen
                redis_server.send_signal(signal.SIGCONT)
                status, body, _took = await _ready(http)
                assert status == 200

                # Killed: refused at once.
                redis_server.kill()
                redis_server.wait(timeout=10)
                status, body, took = await _ready(http)
                assert (status, body) == (
                    503,
                    {"status": "not_ready", "components": {"database": "ok", "redis": "down"}},
                )
                assert took < READY_TIMEOUT_S + 1.0

                # Restarted on the same port: ready again, with no restart of the app.
                redis_server = await _start_redis(url, data_dir)
                deadline = time.monotonic() + 10
                while (status := (await _ready(http))[0]) != 200:
                    assert time.monotonic() < deadline, "not ready again after Redis came back"
                    await asyncio.sleep(0.2)
        finally:
            redis_server.send_signal(signal.SIGCONT)
            embedded.stop(redis_server)
