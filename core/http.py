"""How Dalil's own HTTP clients keep their connections (to Rasa, to Meta's Graph API).

Both use aiohttp (nlu/client.py, bot/whatsapp/send.py), and so do python-telegram-bot's calls
(bot/telegram/request.py). Every connection opened is kept for the next request, up to
MOST_CONNECTIONS at once. httpx, used before, kept 20, and httpcore 1.0's pool closed an idle
connection whenever it had more than 20 open, counting every connection and not only the idle
ones: with the worker's 32 messages at once, nearly every parse opened a new connection to Rasa
(2,974 for 3,000 parses, 32 at a time), each leaving a socket in TIME_WAIT and costing both
sides a setup (against Meta's servers, a TLS handshake). Kept at 100, its pool then looked at
every connection at each request: about 4 ms of CPU a parse, against aiohttp's 0.7.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies_environment, proxy_bypass

import aiohttp

# Connections open at once to one server, at most: the worker's 32 messages in flight with
# room to spare.
MOST_CONNECTIONS = 100


def proxy_for(url: str) -> str | None:
    """The proxy the environment names for `url` (HTTP_PROXY, HTTPS_PROXY, NO_PROXY), or None.

    httpx honoured these by default, so a server whose only way out is a proxy still reaches
    Telegram and Meta. Read once, when a client is made: aiohttp's own
    `trust_env` looks them up, and reads ~/.netrc, in a thread at every request, which took
    about an eighth of the app's CPU in the pipeline benchmark.
    """
    parts = urlsplit(url)
    if not parts.hostname or proxy_bypass(parts.hostname):
        return None
    return getproxies_environment().get(parts.scheme)


class LazySession:
    """An aiohttp session opened at its first use, inside the event loop that uses it, and
    opened again after a close: the one way Dalil's clients hold their connections."""

    def __init__(
        self,
        *,
        connections: int = MOST_CONNECTIONS,
        proxy: str | None = None,
        idle_s: float = 15.0,  # aiohttp's own default
        **options: Any,
    ) -> None:
        self._connections = connections
        self._idle_s = idle_s
        self._options = {"proxy": proxy, **options}
        self._session: aiohttp.ClientSession | None = None

    def get(self) -> aiohttp.ClientSession:
        """The open session."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._connections, keepalive_timeout=self._idle_s
            )
            self._session = aiohttp.ClientSession(connector=connector, **self._options)
        return self._session

    async def close(self) -> None:
        """Close the session and its connections (nothing when none is open)."""
        if self._session is not None:
            await self._session.close()
            self._session = None
