"""One worker process against two, with the NLU out of the way (the parse cache warmed).

Three kinds of `dalil run` process on one Redis and one database: the front (`--roles
api,sender`: the webhook and the sends) and one, then two, processes with only the worker
role, sharing the inbound stream through its consumer group. Rasa is one process here and the
worker's parses mostly wait on it, so the NLU is taken out of the measure: the TEXTS texts
are parsed first by the very NLU client the workers build (dalil.runtime.nlu_client, same
settings, 16 at a time), which leaves their parses in its cache in Redis; the measured rounds
post these texts from new chats, and no parse reaches Rasa. Timed: from the first post until
every chat had its first reply, with one worker process, then with a second one beside it.
"""

from __future__ import annotations

import contextlib
import time

from bench.nlu_parse import RasaServer, parses_per_second, serve_rasa
from bench.pipeline import (
    REDIS_URL,
    SERVICES,
    App,
    CpuMeter,
    Stage,
    answered_within,
    app,
    new_chats,
    post_all,
    settings,
    stage,
    text_post,
    training_texts,
)
from bench.stats import summary
from core.redis import connect
from dalil.runtime import nlu_client
from nlu.compare import rss_mb

TEXTS = 250


async def _round(
    here: Stage, processes: dict[str, App], texts: list[str], name: str
) -> dict[str, float]:
    """Post `texts` from new chats at once; return answers a second, the p95 in ms and the
    CPU each process used per message, named after `name`."""
    posts = [text_post(chat, body) for chat, body in zip(new_chats(len(texts)), texts, strict=True)]
    meter = CpuMeter({key: running.process.pid for key, running in processes.items()}, SERVICES)
    started = time.monotonic()
    posted, _answers = await post_all(processes["front"].http, posts)
    latencies = await here.replies.latencies(posted)
    figures = {
        f"{name}_per_s": round(len(posts) / answered_within(started, posted, latencies), 1),
        f"{name}_p95_ms": summary(latencies)["p95_ms"],
    }
    figures.update({f"{name}_{key}": value for key, value in meter.ms_per(len(posts)).items()})
    return figures


async def _warm(here: Stage, texts: list[str]) -> None:
    """Leave the parses of `texts` in the parse cache the workers read."""
    redis = connect(REDIS_URL)
    nlu = nlu_client(settings(here), redis=redis)
    try:
        await parses_per_second(nlu, texts)
    finally:
        await nlu.aclose()
        await redis.aclose()


async def run_on(rasa: RasaServer) -> dict[str, float]:
    """Warm the cache, then time one worker process and two."""
    texts = training_texts(TEXTS)
    figures: dict[str, float] = {}
    async with contextlib.AsyncExitStack() as stack:
        here = await stack.enter_async_context(stage(rasa))
        front = await stack.enter_async_context(app(here, ("api", "sender")))
        first = await stack.enter_async_context(app(here, ("worker",)))
        await _warm(here, texts)
        processes = {"front": front, "worker1": first}
        figures.update(await _round(here, processes, texts, "one_worker"))
        second = await stack.enter_async_context(app(here, ("worker",)))
        processes["worker2"] = second
        figures.update(await _round(here, processes, texts, "two_workers"))
        figures.update(
            {
                "ratio": round(figures["two_workers_per_s"] / figures["one_worker_per_s"], 2),
                "front_rss_mb": front.rss_mb(),
                "worker_rss_mb": max(first.rss_mb(), second.rss_mb()),
                "rasa_rss_mb": rss_mb(rasa.process.pid),
            }
        )
    return figures


async def run() -> dict[str, float]:
    """Run against its own Rasa server (used only by the warm-up)."""
    async with serve_rasa() as rasa:
        return await run_on(rasa)
