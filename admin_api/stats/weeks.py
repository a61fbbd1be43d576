"""The statistics process's work: each week's protection, kept in Redis once computed.

A complete week's counts do not change, so its protection is computed once and kept under a
digest of the counts themselves (a week whose counts did change is another key). Kept in
Redis, it outlives a statistics process killed at its time limit, so asking again goes on
from the weeks already done, and every server process shares it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Mapping

from redis import Redis
from redis.exceptions import RedisError

from admin_api.stats.suppression import Key, Protection, order, protection

KEEP_SECONDS = 180 * 24 * 3600


def protect_weeks(
    weeks: Mapping[dt.date, Mapping[Key, int]], min_count: int, cache_url: str | None = None
) -> dict[dt.date, Protection]:
    """Protect each week's table, from the cache at `cache_url` where it was done before."""
    cache = Redis.from_url(cache_url, socket_timeout=2) if cache_url else None
    try:
        return {monday: _week(cache, counts, min_count) for monday, counts in weeks.items()}
    finally:
        if cache is not None:
            cache.close()


def _week(cache: Redis | None, counts: Mapping[Key, int], min_count: int) -> Protection:
    cells = sorted(((key, n) for key, n in counts.items() if n > 0), key=lambda c: order(c[0]))
    if cache is None:
        return protection(counts, min_count)
    digest = hashlib.sha256(json.dumps([min_count, cells]).encode()).hexdigest()
    name = f"stats:protected:{digest}"
    try:
        found = cache.get(name)
    except RedisError:
        # The cache saves time; without it the answer is the same, computed again.
        return protection(counts, min_count)
    if isinstance(found, bytes):
        hidden = frozenset(int(bits, 16) for bits in json.loads(found))
        return Protection(tuple(k for k, _ in cells), tuple(n for _, n in cells), hidden)
    done = protection(counts, min_count)
    with contextlib.suppress(RedisError):  # not kept: computed again next time
        kept = json.dumps([f"{bits:x}" for bits in sorted(done.hidden)])
        cache.set(name, kept, ex=KEEP_SECONDS)
    return done
