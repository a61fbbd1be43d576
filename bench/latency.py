"""Webhook-to-send latency at fixed rates: 10 and 50 messages a second, and the maximum.

One `dalil run` with every role, as in bench/pipeline.py. Distinct texts of the training data
(every one parsed by Rasa: the parse cache never helps), each from a chat of its own, posted
at a steady pace for DURATION_S seconds, each post without waiting for the answers to the
others. Latency: from the post until the Bot API stand-in received the chat's first reply.
The maximum is found first with a burst of BURST messages posted at once (IN_FLIGHT at a
time): the rate at which they were all answered; that rate is then held for DURATION_S.
"""

from __future__ import annotations

import time

from bench.nlu_parse import RasaServer, serve_rasa
from bench.pipeline import (
    answered_within,
    app,
    new_chats,
    post_all,
    post_paced,
    stage,
    text_post,
    training_texts,
)
from bench.stats import percentiles

RATES = (10, 50)
DURATION_S = 10
BURST = 150
MOST_PER_S = 300  # more than this machine answers a second: texts enough for the maximum


async def run_on(rasa: RasaServer) -> dict[str, float]:
    """Find the maximum with a burst, then hold 10, 50 and the maximum a second."""
    texts = iter(training_texts(BURST + DURATION_S * (sum(RATES) + MOST_PER_S)))
    figures: dict[str, float] = {}
    async with stage(rasa) as here, app(here) as running:
        burst = [text_post(chat, next(texts)) for chat in new_chats(BURST)]
        started = time.monotonic()
        posted, _answers = await post_all(running.http, burst)
        latencies = await here.replies.latencies(posted)
        maximum = round(BURST / answered_within(started, posted, latencies), 1)
        figures["burst_answered_per_s"] = maximum
        for name, rate in [*((str(r), float(r)) for r in RATES), ("max", maximum)]:
            count = round(rate * DURATION_S)
            posts = [text_post(chat, next(texts)) for chat in new_chats(count)]
            posted = await post_paced(running.http, posts, rate)
            latencies = await here.replies.latencies(posted)
            for key, value in percentiles(latencies).items():
                figures[f"at_{name}_{key}"] = value
    return figures


async def run() -> dict[str, float]:
    """Run against its own Rasa server."""
    async with serve_rasa() as rasa:
        return await run_on(rasa)
