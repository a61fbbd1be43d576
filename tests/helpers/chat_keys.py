"""Finding what Redis keeps about one chat: every key that names it or holds its id."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.pacing import Pacer
from bot.whatsapp import window
from core.pseudonym import pseudonym
from tests.helpers.settings import PSEUDONYM_KEY


async def _content(redis: Redis, name: str) -> str:
    kind = await redis.type(name)
    if kind == "string":
        return str(await redis.get(name))
    if kind == "hash":
        return str(await redis.hgetall(name))
    if kind == "stream":
        return str(await redis.xrange(name))
    if kind in ("set", "zset", "list"):
        return str(await redis.dump(name))
    return ""


async def keys_of_chat(redis: Redis, channel: str, chat_id: str) -> list[str]:
    """Return every key (SCAN, not KEYS) that is one chat's or mentions it in name or value."""
    secret = PSEUDONYM_KEY.encode()
    key = pseudonym(secret, channel, chat_id)
    own = {f"conv:{key}", Pacer(redis, secret, {}).chat_key(channel, chat_id)}
    if channel == "whatsapp":
        own.add(window.window_key(secret, chat_id))
    found = []
    async for name in redis.scan_iter(match="*", count=500):
        text = f"{name} {await _content(redis, name)}"
        if name in own or key in text or chat_id in text:
            found.append(name)
    return sorted(found)
