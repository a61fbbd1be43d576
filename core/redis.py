"""Redis connection."""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis

# Worker and sender block on XREADGROUP for a few seconds; the socket must wait longer
# (redis-py 8 defaults to 5 s, which would turn every idle wait into a timeout).
SOCKET_TIMEOUT_S = 30.0


# Connections one process opens at most. Past it, a command waits for a free connection
# (up to POOL_WAIT_S) instead of failing at once, as redis-py's default pool would, in the
# middle of a burst when every chat's lane is at work.
MAX_CONNECTIONS = 100
POOL_WAIT_S = 20.0


def connect(url: str) -> Redis:
    """Return a client for the Redis at `url` (responses decoded as text)."""
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=MAX_CONNECTIONS,
        timeout=POOL_WAIT_S,
        decode_responses=True,
        health_check_interval=30,
        socket_timeout=SOCKET_TIMEOUT_S,
        socket_connect_timeout=5,
    )
    return Redis.from_pool(pool)
