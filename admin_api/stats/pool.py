"""Statistics work in a process of its own, under a time limit.

Protecting a week's table is pure Python: in a thread it would hold the interpreter lock that
the webhooks, the worker and the sender share with it, and an abandoned thread cannot be
stopped. A process of its own runs beside the event loop, and one that takes too long is
killed, its memory handed back.
"""

from __future__ import annotations

import asyncio
import atexit
import multiprocessing
import threading
from collections.abc import Callable
from multiprocessing.pool import Pool
from typing import Any, TypeVar

T = TypeVar("T")

_pool: Pool | None = None
_pending: set[asyncio.Future[Any]] = set()
_starting = threading.Lock()


class WorkAbandoned(RuntimeError):
    """The statistics process was stopped before it answered."""


def _settle(future: asyncio.Future[Any], value: Any, failed: bool) -> None:
    _pending.discard(future)
    if future.done():
        return
    if failed:
        future.set_exception(value)
    else:
        future.set_result(value)


def _process_pool() -> Pool:
    global _pool
    with _starting:
        if _pool is None:
            # One process: statistics never take more than one core from the bot. Spawned,
            # not forked: a fork would copy a process holding sockets, threads and a loop.
            _pool = multiprocessing.get_context("spawn").Pool(processes=1)
            atexit.register(close)
        return _pool


async def run(function: Callable[..., T], *args: Any, time_limit: float) -> T:
    """Return `function(*args)` computed in the statistics process; TimeoutError past the limit.

    On a timeout the process is killed (with any other work in it, which fails too): the
    next call starts a new one.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    _pending.add(future)
    # Starting the process blocks for a while (fork, exec, handshake): not on the loop.
    processes = await asyncio.to_thread(_process_pool)
    processes.apply_async(
        function,
        args,
        callback=lambda value: loop.call_soon_threadsafe(_settle, future, value, False),
        error_callback=lambda error: loop.call_soon_threadsafe(_settle, future, error, True),
    )
    try:
        return await asyncio.wait_for(future, time_limit)
    except TimeoutError:
        close()
        raise


def close() -> None:
    """Kill the statistics process, if any; work still in it fails with WorkAbandoned."""
    global _pool
    atexit.unregister(close)
    if _pool is not None:
        _pool.terminate()
        _pool.join()
        _pool = None
    for future in list(_pending):
        _settle(future, WorkAbandoned("the statistics process was stopped"), True)
