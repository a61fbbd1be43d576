"""Long polling, for when no public URL lets Telegram reach the webhook."""

from __future__ import annotations

import asyncio
import logging

from redis.asyncio import Redis
from telegram import Bot
from telegram.error import NetworkError, TelegramError

from bot.telegram.webhook import accept_update, bot_id

log = logging.getLogger(__name__)


async def run(bot: Bot, redis: Redis, *, timeout_s: int = 30) -> None:
    """Fetch updates with getUpdates and queue them exactly as the webhook does."""
    await bot.delete_webhook(drop_pending_updates=False)
    offset: int | None = None
    log.info("telegram.polling started")
    while True:
        try:
            updates = await bot.get_updates(
                offset=offset, timeout=timeout_s, read_timeout=timeout_s + 10
            )
        except asyncio.CancelledError:
            raise
        except (NetworkError, TelegramError) as error:
            log.warning("telegram.polling error=%s; retrying in 3 s", type(error).__name__)
            await asyncio.sleep(3)
            continue
        for update in updates:
            await accept_update(redis, bot_id(bot.token), update.to_dict())
            offset = update.update_id + 1
