"""Redis connection."""

from __future__ import annotations

from redis.asyncio import Redis

# Worker and sender block on XREADGROUP for a few seconds; the socket must wait longer
# (redis-py 8 defaults to 5 s, which would turn every idle wait into a timeout).
SOCKET_TIMEOUT_S = 30.0


def connect(url: str) -> Redis:
    """Return a client for the Redis at `url` (responses decoded as text)."""
    return Redis.from_url(
        url,
        decode_responses=True,
        health_check_interval=30,
        socket_timeout=SOCKET_TIMEOUT_S,
        socket_connect_timeout=5,
    )
