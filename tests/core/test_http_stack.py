"""Requests through httpx (the tools, the tests' clients, python-telegram-bot's default network
layer) import nothing as they go. Dalil's own clients use aiohttp since 6 December."""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from tests.standins.server import serve


class _Searches(importlib.abc.MetaPathFinder):
    """Records every module the import system looks for (one not imported yet)."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        self.names.append(fullname)
        return None


async def _ok(_request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


async def test_requests_search_for_no_module_once_the_first_one_is_done() -> None:
    # httpcore tries `import sniffio` whenever it sets up a lock or an event, several times a
    # request: without the package, every try searched sys.path (about 0.5 ms a request).
    app = Starlette(routes=[Route("/", _ok)])
    searches = _Searches()
    async with serve(app) as url, httpx.AsyncClient(base_url=url) as client:
        assert (await client.get("/")).text == "ok"
        sys.meta_path.insert(0, searches)
        try:
            for _ in range(5):
                assert (await client.get("/")).text == "ok"
        finally:
            sys.meta_path.remove(searches)
    assert searches.names == []
