"""`/health`: the process is alive. `/ready`: what this process needs answers, right now.

A proxy or an orchestrator asks both often: `/health` touches nothing (restarting a process
because the database is away would not bring the database back), and `/ready` says whether
to send this process work, with the component that is down.

Each check has READY_TIMEOUT_S to answer, or counts as down. A check that overruns is not
cancelled (cutting redis-py or asyncpg off mid-command has left connections hanging here
before): it finishes in the background, and the next probe waits on that same check
instead of starting another, so a hung component never piles checks up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Collection
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.provided import provided
from nlu.client import NLUClient

log = logging.getLogger(__name__)
# Short: a component slower than this to say "yes" cannot serve a person's message in time.
READY_TIMEOUT_S = 1.0
# The roles whose work needs Rasa: the worker parses every text message.
NEEDS_NLU = frozenset({"worker"})

Check = Callable[[], Awaitable[bool]]
router = APIRouter(tags=["health"])


async def _database(engine: AsyncEngine) -> bool:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    return True


async def _redis(redis: Redis) -> bool:
    return bool(await redis.ping())


async def _answers(name: str, check: Check) -> bool:
    try:
        return await check()
    except Exception as error:  # any failure means "not ready", and says which kind
        log.warning("ready.check component=%s error=%s", name, type(error).__name__)
        return False


class Readiness:
    """The checks of one process's components, each bounded by `timeout_s`."""

    def __init__(self, checks: dict[str, Check], *, timeout_s: float = READY_TIMEOUT_S) -> None:
        self._checks = checks
        self._timeout_s = timeout_s
        self._running: dict[str, asyncio.Task[bool]] = {}

    @classmethod
    def of(
        cls, *, engine: AsyncEngine, redis: Redis, nlu: NLUClient, roles: Collection[str]
    ) -> Readiness:
        """The checks for a process running `roles`: always the database and Redis, and Rasa
        for a role that parses."""
        checks: dict[str, Check] = {
            "database": lambda: _database(engine),
            "redis": lambda: _redis(redis),
        }
        if NEEDS_NLU & set(roles):
            checks["rasa"] = nlu.is_ready
        return cls(checks)

    async def report(self) -> dict[str, bool]:
        """Return, for each component, whether it answered within the timeout."""
        tasks: dict[str, asyncio.Task[bool]] = {}
        for name, check in self._checks.items():
            task = self._running.get(name)
            if task is None or task.done():
                task = self._running[name] = asyncio.create_task(_answers(name, check))
            tasks[name] = task
        await asyncio.wait(tasks.values(), timeout=self._timeout_s)
        return {name: task.done() and task.result() for name, task in tasks.items()}

    async def aclose(self) -> None:
        """Stop the checks still running, at shutdown."""
        running = [task for task in self._running.values() if not task.done()]
        for task in running:
            task.cancel()
        if running:
            with contextlib.suppress(Exception):
                await asyncio.wait(running, timeout=self._timeout_s)


ReadinessDep = Annotated[Readiness, Depends(provided(Readiness))]


@router.get("/health")
async def health() -> JSONResponse:
    """Answer at once that the process is alive (nothing else is looked at)."""
    return JSONResponse({"status": "ok"})


@router.get("/ready")
async def ready(readiness: ReadinessDep) -> JSONResponse:
    """Answer 200 when every component this process needs answers, else 503 naming them."""
    report = await readiness.report()
    components = {name: "ok" if up else "down" for name, up in report.items()}
    up = all(report.values())
    body = {"status": "ready" if up else "not_ready", "components": components}
    return JSONResponse(body, status_code=200 if up else 503)
