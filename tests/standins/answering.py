"""What stand-ins share: counting the requests still being answered, hung ones included."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse


@dataclass
class Answering:
    """A stand-in whose tests can wait until no request is still being answered."""

    answering: int = 0

    async def settled(self, timeout_s: float = 30) -> None:
        """Wait until no request is still being answered (a hung one included)."""
        deadline = time.monotonic() + timeout_s
        while self.answering:
            assert time.monotonic() < deadline, "the stand-in is still answering"
            await asyncio.sleep(0.02)

    async def counted(
        self, answer: Callable[[Request], Awaitable[JSONResponse]], request: Request
    ) -> JSONResponse:
        """Answer `request` with `answer`, counted while it runs."""
        self.answering += 1
        try:
            return await answer(request)
        finally:
            self.answering -= 1
