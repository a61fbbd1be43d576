"""A realistic mix end to end: what a crowd sends the bot in the hour after a rumour.

One `dalil run` with every role, as in bench/pipeline.py, receives MESSAGES messages at once,
and then the button presses they lead to:

- greetings (GREETERS chats, ten languages, so each greeting text comes many times): the first
  thing a new person writes; each greeter then presses the first button of the menu the bot
  sent back (a callback query), as most people go on with the buttons rather than typing;
- the same few popular questions from many chats (ASKERS chats, POPULAR questions): a rumour
  makes thousands ask the same thing in nearly the same words; the NLU client's parse cache
  answers all but the first of each;
- distinct questions (the rest): people asking their own thing, each parsed by Rasa.

The shares are a judgement, not a measurement of real traffic: a quarter greetings, a quarter
button presses, 35 % popular questions, 15 % distinct ones. Timed: from the first post until
every message (and every button press) had its first reply; the ratio is to the parse rate of
the same Rasa server on distinct texts, measured just after.
"""

from __future__ import annotations

import asyncio
import time

from bench.nlu_parse import RasaServer, serve_rasa
from bench.pipeline import (
    SERVICES,
    CpuMeter,
    Replies,
    Webhook,
    answered_within,
    app,
    button_post,
    distinct_texts,
    new_chats,
    parse_rate,
    pids,
    post,
    post_all,
    stage,
    text_post,
)
from bench.stats import summary
from nlu.compare import rss_mb

GREETERS = 100
ASKERS = 140
DISTINCT = 60
GREETINGS = ("Hello", "مرحبا", "Bonjour", "Hola", "Ciao", "Olá", "Hallo", "سلام", "Привіт",
             "Merhaba")  # fmt: skip
POPULAR = (
    "Is it true that the office is closing and we will all be sent back?",
    "هل صحيح أن المكتب سيغلق وسيتم ترحيلنا؟",
    "Est-ce vrai que le bureau ferme et qu'on sera tous expulsés ?",
    "Where can I sleep tonight?",
    "أين يمكنني أن أنام الليلة؟",
    "Où est-ce que je peux dormir ce soir ?",
    "I need a doctor for my child",
    "أحتاج طبيبا لطفلي",
    "How do I ask for asylum?",
    "¿Dónde puedo pedir asilo?",
)


async def _press_buttons(
    replies: Replies, http: Webhook, posted: dict[str, float], greeters: list[int]
) -> dict[str, float]:
    """Press the first button of the menu each greeter received, as soon as it arrives;
    return when each press was posted."""
    waiting = set(greeters)
    pressed: dict[str, float] = {}
    presses: list[asyncio.Task[float]] = []
    while waiting:
        replies.update()
        for chat in list(waiting):
            greeted = posted.get(f"chat:{chat}")
            data = replies.keyboards.get(chat)
            if greeted is None or not data or replies.first_after(f"chat:{chat}", greeted) is None:
                continue
            waiting.discard(chat)
            item = button_post(chat, data[0])
            pressed[item.key] = time.monotonic()
            presses.append(asyncio.create_task(post(http, item.update)))
        await asyncio.sleep(0.02)
    await asyncio.gather(*presses)
    return pressed


async def run_on(rasa: RasaServer) -> dict[str, float]:
    """Post the mix, and the button presses as the menus arrive; return the figures."""
    greeters = new_chats(GREETERS)
    posts = [text_post(chat, GREETINGS[n % len(GREETINGS)]) for n, chat in enumerate(greeters)]
    posts += [text_post(c, POPULAR[n % len(POPULAR)]) for n, c in enumerate(new_chats(ASKERS))]
    distinct = distinct_texts(DISTINCT)
    posts += [text_post(c, t) for c, t in zip(new_chats(DISTINCT), distinct, strict=True)]
    # Interleaved, as a crowd writes: greetings, popular and distinct questions mixed.
    posts = [posts[(n * 7) % len(posts)] for n in range(len(posts))]
    async with stage(rasa) as here, app(here) as running:
        meter = CpuMeter(pids(running, rasa), SERVICES)
        started = time.monotonic()
        posted: dict[str, float] = {}
        _answers, pressed = await asyncio.gather(
            post_all(running.http, posts, posted=posted),
            _press_buttons(here.replies, running.http, posted, greeters),
        )
        everything = {**posted, **pressed}
        latencies = await here.replies.latencies(everything)
        seconds = answered_within(started, everything, latencies)
        cpu = meter.ms_per(len(everything))
        app_rss = running.rss_mb()
    rate, _rasa_alone_ms = await parse_rate(rasa, distinct_texts())
    answered_per_s = round(len(everything) / seconds, 1)
    latency = summary(latencies)
    return {
        "messages": len(posts),
        "button_presses": len(pressed),
        "answered_per_s": answered_per_s,
        "parses_per_s_c16": rate,
        "ratio": round(answered_per_s / rate, 2),
        "first_reply_p50_ms": latency["p50_ms"],
        "first_reply_p95_ms": latency["p95_ms"],
        **cpu,
        "app_rss_mb": app_rss,
        "rasa_rss_mb": rss_mb(rasa.process.pid),
    }


async def run() -> dict[str, float]:
    """Run against its own Rasa server."""
    async with serve_rasa() as rasa:
        return await run_on(rasa)
