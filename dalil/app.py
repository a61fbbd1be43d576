"""The ASGI app: webhook routes of `bot`, routers of `admin_api`, /health, /ready, the roles."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Collection
from functools import partial

from fastapi import FastAPI

from admin_api import errors as api_errors
from admin_api.limits import BodySizeLimit
from admin_api.portal import handover_mail
from admin_api.router import pages as admin_pages
from admin_api.router import router as admin_router
from admin_api.stats import pool as stats_pool
from bot import queue, relay, sender, worker
from bot.campaigns.broadcast import Broadcaster
from bot.dialogue import render, replay
from bot.pacing import Limits, Pacer
from bot.provided import provide
from bot.telegram import polling
from bot.telegram import send as telegram_send
from bot.telegram import webhook as telegram_webhook
from bot.telegram.webhook import router as telegram_router
from bot.web import outbox as web_outbox
from bot.web import parse as web_parse
from bot.web.endpoints import router as web_chat_router
from bot.whatsapp import webhook as whatsapp_webhook
from bot.whatsapp.webhook import router as whatsapp_router
from core import unmet
from core.settings import Settings
from dalil import health
from dalil.health import Readiness
from dalil.logs import drop_query_strings
from dalil.metrics import CountRequests
from dalil.metrics import router as metrics_router
from dalil.runtime import Runtime, build_runtime

log = logging.getLogger(__name__)
ALL_ROLES = frozenset({"api", "worker", "sender", "broadcaster", "relay"})


async def _start_roles(runtime: Runtime, roles: Collection[str]) -> list[asyncio.Task[None]]:
    tasks: list[asyncio.Task[None]] = []
    settings = runtime.settings
    await queue.ensure_groups(runtime.redis)
    if "worker" in roles:
        work = worker.run(runtime.redis, runtime.dialogue.respond,
                          claim_idle_ms=settings.queue_claim_idle_ms)  # fmt: skip
        tasks.append(asyncio.create_task(work))
        # The worker keeps unanswered questions (when allowed), so it also forgets them.
        purge = unmet.purge_daily(runtime.sessions, settings.unmet_retention_days)
        tasks.append(asyncio.create_task(purge))
        tasks.append(asyncio.create_task(replay.purge_regularly(runtime.sessions)))
        purge_handovers = relay.purge_hourly(runtime.sessions, settings.handover_retention_days)
        tasks.append(asyncio.create_task(purge_handovers))
    if "relay" in roles:
        relaying = relay.Relay(
            runtime.sessions, runtime.redis, settings.pseudonym_key_bytes(),
            escalate_minutes=settings.handover_escalate_minutes,
            whatsapp_template=settings.whatsapp_handover_template,
        )  # fmt: skip
        tasks.append(asyncio.create_task(relaying.run()))
        mailer = handover_mail.EscalationMailer(
            runtime.sessions,
            settings.smtp_url.get_secret_value() if settings.smtp_url else None,
            settings.mail_from,
            base_url=settings.public_base_url,
        )  # fmt: skip
        tasks.append(asyncio.create_task(mailer.run()))
    if "broadcaster" in roles:
        broadcaster = Broadcaster(
            runtime.sessions, runtime.redis, settings.pseudonym_key_bytes(),
            whatsapp_template=settings.whatsapp_campaign_template,
        )  # fmt: skip
        tasks.append(asyncio.create_task(broadcaster.run()))
    bot = runtime.telegram_bot
    if "sender" in roles:
        channels: dict[str, sender.Deliver] = {
            web_outbox.CHANNEL: partial(
                web_outbox.deliver, runtime.redis, settings.pseudonym_key_bytes()
            )
        }
        if bot is not None:
            channels["telegram"] = partial(telegram_send.send, bot, runtime.redis)
        if runtime.whatsapp is not None:
            channels["whatsapp"] = runtime.whatsapp.send
        pacer = Pacer(
            runtime.redis,
            settings.pseudonym_key_bytes(),
            {
                "telegram": Limits(settings.telegram_chat_interval_s, settings.telegram_per_second),
                "whatsapp": Limits(settings.whatsapp_chat_interval_s, settings.whatsapp_per_second),
            },
        )
        send = sender.run(runtime.redis, channels, pacer=pacer,
                          claim_idle_ms=settings.queue_claim_idle_ms)  # fmt: skip
        tasks.append(asyncio.create_task(send))
    if bot is not None and "api" in roles:
        await bot.initialize()
        if settings.public_base_url:
            secret = runtime.telegram_webhook.secret
            url = settings.public_base_url.rstrip("/") + "/webhooks/telegram"
            await bot.set_webhook(url, secret_token=secret, allowed_updates=["message",
                                  "edited_message", "callback_query"])  # fmt: skip
            log.info("telegram webhook set")
        else:
            tasks.append(asyncio.create_task(polling.run(bot, runtime.redis)))
    return tasks


def create_app(settings: Settings, *, roles: Collection[str] = ALL_ROLES) -> FastAPI:
    """Return the Dalil ASGI app running `roles` beside the HTTP routes."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = build_runtime(settings)
        # What the endpoints of `bot` ask for by type (bot.provided), and this module's own.
        readiness = Readiness.of(
            engine=runtime.engine, redis=runtime.redis, nlu=runtime.nlu, roles=roles
        )
        provide(app, readiness, runtime.telegram_webhook, runtime.web_chat)
        if runtime.whatsapp_webhook is not None:
            provide(app, runtime.whatsapp_webhook)
        # What admin_api reads from the app, without knowing the runtime.
        app.state.sessions = runtime.sessions
        app.state.redis = runtime.redis
        app.state.settings = settings
        # The portal previews a service with the bot's own card (admin_api imports no bot).
        app.state.card_text = render.card_text
        tasks = await _start_roles(runtime, roles)
        # What is alive now (modules, models, the runtime) lives as long as the server: left
        # out of the collector, a full collection scans only what came since, instead of
        # stopping the loop for the whole heap (0.1 s for the 190,000 objects of `dalil run`
        # on a busy machine; in the test process, 0.6 s and more: issue 13).
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await readiness.aclose()
            await runtime.aclose()
            stats_pool.close()

    drop_query_strings()
    app = FastAPI(title="Dalil", version="0.1.0", lifespan=lifespan)
    api_errors.install(app)
    webhooks = {
        "/webhooks/telegram": telegram_webhook.MAX_BODY_BYTES,
        "/webhooks/whatsapp": whatsapp_webhook.MAX_BODY_BYTES,
        "/chat/api/": web_parse.MAX_BODY_BYTES,
    }
    app.add_middleware(BodySizeLimit, routes=webhooks)
    app.add_middleware(CountRequests)
    app.include_router(telegram_router)
    # WhatsApp has no polling fallback: its webhook exists only when it is configured, and
    # the URL is registered in the Meta app dashboard, not at start-up.
    if settings.whatsapp_configured:
        app.include_router(whatsapp_router)
    app.include_router(web_chat_router)
    app.include_router(admin_router)
    app.include_router(admin_pages)
    app.include_router(metrics_router)
    app.include_router(health.router)

    return app
