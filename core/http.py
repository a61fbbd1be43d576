"""How Dalil's own HTTP clients keep their connections (to Rasa, to Meta's Graph API)."""

from __future__ import annotations

import httpx

# Connections open at once to one server, at most (httpx's default, and the worker's 32
# messages in flight with room to spare).
MOST_CONNECTIONS = 100
# Every connection open is kept for the next request, up to httpx's default of 100 at once.
# httpx keeps 20 by default, and httpcore 1.0's pool closes an idle connection whenever it
# has more than 20 open, counting every connection, not the idle ones: with the worker's 32
# messages at once, nearly every parse opened a new connection to Rasa (2,974 for 3,000
# parses, 32 at a time), each leaving a socket in TIME_WAIT and costing both sides a setup
# (against Meta's servers, a TLS handshake).
KEEP_CONNECTIONS = httpx.Limits(
    max_connections=MOST_CONNECTIONS, max_keepalive_connections=MOST_CONNECTIONS
)
