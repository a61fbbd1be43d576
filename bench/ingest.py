"""Ingest alone: the Telegram webhook verifying, deduplicating and queueing, nothing else.

`dalil run --roles api` (no worker, no sender) receives POSTS text updates from as many chats,
IN_FLIGHT at a time, then every one of them a second time (Telegram redelivering an update it
thinks was lost): each answer means the secret was checked and the update was either queued
with its dedupe key (first time) or recognised as seen (second time). Timed: posts per second
and each HTTP answer; then the inbound stream is checked to hold each update exactly once.
"""

from __future__ import annotations

import time

from bench.nlu_parse import RasaServer, serve_rasa
from bench.pipeline import REDIS_URL, app, distinct_texts, new_chats, post_all, stage, text_post
from bench.stats import summary
from bot.queue import INBOUND
from core.redis import connect

POSTS = 600


async def run_on(rasa: RasaServer) -> dict[str, float]:
    """Post POSTS new updates, then the same again; return rates and answer times."""
    texts = distinct_texts()
    chats = new_chats(POSTS)
    posts = [text_post(chat, texts[n % len(texts)]) for n, chat in enumerate(chats)]
    async with stage(rasa) as here, app(here, ("api",)) as running:
        begin = time.monotonic()
        _posted, answers = await post_all(running.http, posts)
        new_s = time.monotonic() - begin
        begin = time.monotonic()
        _posted, repeats = await post_all(running.http, posts)
        repeat_s = time.monotonic() - begin
        redis = connect(REDIS_URL)
        try:
            queued = await redis.xlen(INBOUND)
        finally:
            await redis.aclose()
        if queued != POSTS:
            raise SystemExit(f"the inbound stream holds {queued} entries, not {POSTS}")
        api_rss = running.rss_mb()
    first, again = summary(answers), summary(repeats)
    return {
        "posts": POSTS,
        "queued_per_s": round(POSTS / new_s, 1),
        "queued_p50_ms": first["p50_ms"],
        "queued_p95_ms": first["p95_ms"],
        "duplicates_per_s": round(POSTS / repeat_s, 1),
        "duplicate_p50_ms": again["p50_ms"],
        "duplicate_p95_ms": again["p95_ms"],
        "api_rss_mb": api_rss,
    }


async def run() -> dict[str, float]:
    """Run against its own Rasa server (only for readiness: nothing is parsed)."""
    async with serve_rasa() as rasa:
        return await run_on(rasa)
