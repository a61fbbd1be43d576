"""Stopping a role's loop without cutting its I/O short."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


async def finish_before_stopping(work: Coroutine[Any, Any, T]) -> T:
    """Await `work`; cancelled meanwhile, let it finish first, then stop.

    Cut short, database or Redis I/O can leave a connection unusable (with redis-py on
    Python 3.11, a task waiting forever), and a send cut between the platform's acceptance
    and its mark is sent again. The work in hand is small (one batch, the lanes at work), so it is
    finished instead; an error it raises then is only logged, the caller stops either way.
    """
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        try:
            await task
        except Exception:
            log.exception("error while finishing before stopping")
        raise
