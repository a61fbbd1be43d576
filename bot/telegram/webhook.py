"""`POST /webhooks/telegram`: verify the secret header, dedupe, queue, answer 200."""

from __future__ import annotations

import hmac
import json
import logging
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot import queue
from bot.provided import provided
from bot.telegram.parse import to_incoming

log = logging.getLogger(__name__)
router = APIRouter()
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
# Telegram sends one update per request; anything bigger is not from Telegram, and the app's
# body limit refuses it (413) before this module reads a byte.
MAX_BODY_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class TelegramWebhook:
    """What the webhook needs: the queue's Redis, the secret Telegram must send (None: the
    webhook refuses everything), and the bot's id for the dedupe keys."""

    redis: Redis
    secret: str | None
    bot_id: str


TelegramWebhookDep = Annotated[TelegramWebhook, Depends(provided(TelegramWebhook))]


def _authorised(request: Request, secret: str | None) -> bool:
    sent = request.headers.get(SECRET_HEADER)
    if not secret or sent is None:
        return False
    # Constant time: a plain == would leak how many leading characters were right.
    return hmac.compare_digest(sent.encode(), secret.encode())


async def accept_update(redis: Redis, bot_id: str, payload: dict[str, Any]) -> bool:
    """Queue one Telegram update unless it was seen before; return whether it was queued."""
    message = to_incoming(payload)
    if message is None:
        return False
    return await queue.accept(redis, f"tg:{bot_id}:{payload['update_id']}", message)


def bot_id(token: str) -> str:
    """Return the bot's numeric id, the part of its token before the colon."""
    return token.split(":", 1)[0]


def _error(status: int, error: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail}, status_code=status)


@router.post("/webhooks/telegram", include_in_schema=False)
async def telegram_webhook(request: Request, webhook: TelegramWebhookDep) -> JSONResponse:
    """Receive one update from Telegram."""
    if not _authorised(request, webhook.secret):
        return _error(401, "unauthorized", "missing or wrong secret token")
    body = await request.body()
    try:
        payload = json.loads(body)
    except ValueError:
        return _error(400, "bad_json", "body is not JSON")
    if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
        return _error(400, "bad_update", "not a Telegram update")
    try:
        queued = await accept_update(webhook.redis, webhook.bot_id, payload)
    except (ValueError, KeyError, TypeError) as error:
        # A shape PTB cannot read: acknowledge so Telegram stops retrying it forever.
        log.warning("telegram.webhook unreadable update: %s", type(error).__name__)
        queued = False
    except RedisError as error:
        # Not queued: Telegram delivers the update again later (the dedupe key was not taken).
        log.error("telegram.webhook queue unavailable: %s", type(error).__name__)
        return _error(503, "unavailable", "could not queue the update")
    log.info("telegram.webhook update queued=%s", queued)
    return JSONResponse({"ok": True})
