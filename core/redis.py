"""Redis connection."""

from __future__ import annotations

from redis.asyncio import Redis


def connect(url: str) -> Redis:
    """Return a client for the Redis at `url` (responses decoded as text)."""
    return Redis.from_url(url, decode_responses=True, health_check_interval=30)
