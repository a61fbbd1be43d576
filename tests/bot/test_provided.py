"""The channels' endpoints get their objects by type, from any app that provides them."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from redis.asyncio import Redis

from bot import queue
from bot.provided import provide
from bot.telegram.webhook import SECRET_HEADER, TelegramWebhook
from bot.telegram.webhook import router as telegram_router
from tests.standins import telegram_updates as updates
from tests.standins.server import serve


async def test_the_telegram_webhook_runs_on_a_bare_app_with_only_its_own_object(
    redis: Redis,
) -> None:
    # No Dalil runtime anywhere: the webhook needs nothing but what it declares.
    app = FastAPI()
    app.include_router(telegram_router)
    provide(app, TelegramWebhook(redis=redis, secret="s3cret-for-this-test", bot_id="42"))
    await queue.ensure_groups(redis)
    async with serve(app) as url, httpx.AsyncClient(base_url=url) as http:
        update = updates.text(9901, 70020001, "hello", "en")
        refused = await http.post("/webhooks/telegram", json=update)
        accepted = await http.post(
            "/webhooks/telegram", json=update, headers={SECRET_HEADER: "s3cret-for-this-test"}
        )
    assert refused.status_code == 401
    assert accepted.status_code == 200
    assert await redis.xlen(queue.INBOUND) == 1
    assert await redis.exists("dedupe:tg:42:9901")
