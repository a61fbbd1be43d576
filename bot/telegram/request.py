"""python-telegram-bot's calls to the Bot API, made with aiohttp.

PTB's own `HTTPXRequest` spends most of a send in httpx and httpcore's connection pool, which
looks at every connection it holds at each request. Dalil's Rasa client measured the same
pool at 3.9-5.1 ms of CPU a request against aiohttp's 0.7 (nlu/client.py); the sender makes
one to three Bot API calls a reply. PTB lets the network layer be replaced (`BaseRequest`):
this one keeps PTB's timeouts and turns aiohttp's failures into PTB's errors, so `Bot` and
the sender behave as before.
"""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from core.http import LazySession


class AiohttpRequest(BaseRequest):
    """Bot API requests over one aiohttp session with at most `connections` connections,
    through `proxy` when one is given."""

    def __init__(
        self,
        *,
        connections: int = 8,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        proxy: str | None = None,
    ) -> None:
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        # Opened at the first call too, as PTB's HTTPXRequest works uninitialised: a process
        # with only the sender's role sends through a Bot nobody initialised (dalil/app.py).
        self._session = LazySession(
            connections=connections, proxy=proxy, headers={"User-Agent": self.USER_AGENT}
        )

    @property
    def read_timeout(self) -> float | None:
        """How long to wait for the Bot API's answer unless a call says otherwise."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (in the running event loop)."""
        self._session.get()

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make one call; return the HTTP status and the body (PTB reads both)."""
        session = self._session.get()
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = (
            self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        )
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        # aiohttp's `connect` counts the wait for a free connection and the connecting itself;
        # it has no timeout for writing a request (a send is a few hundred bytes).
        acquire = None if connect is None or pool is None else connect + pool
        timeout = aiohttp.ClientTimeout(connect=acquire, sock_connect=connect, sock_read=read)
        try:
            async with session.request(
                method, url, data=_body(request_data), timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """The call's parameters as PTB encodes them: a form, or a multipart form with files."""
    if request_data is None:
        return None
    if not request_data.contains_files:
        return request_data.json_parameters
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form
