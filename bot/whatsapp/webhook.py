"""`GET/POST /webhooks/whatsapp`: verification, signature check, dedupe, queue, answer 200.

Meta retries any delivery not answered 200 for up to 7 days. So whatever is signed but
unreadable (bad JSON, unexpected shapes, statuses, media) is acknowledged and dropped with a
reason in the log; only a bad signature (401) or Redis being down (503, so Meta retries
what could not be queued) answers otherwise, and a body over MAX_BODY_BYTES, which the app
refuses (413) before this module reads it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot import queue
from bot.provided import provided
from bot.whatsapp import window
from bot.whatsapp.parse import Notification, parse

log = logging.getLogger(__name__)
router = APIRouter()
SIGNATURE_HEADER = "X-Hub-Signature-256"
# Meta's notifications stay well under this; larger bodies are not from Meta, and the app's
# body limit refuses them (413) before this module reads a byte.
MAX_BODY_BYTES = 3_000_000


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    """What the webhook checks against, the number it answers for, and the queue's Redis."""

    redis: Redis
    app_secret: str
    verify_token: str
    phone_number_id: str
    pseudonym_key: bytes


WebhookConfigDep = Annotated[WebhookConfig, Depends(provided(WebhookConfig))]


def signature_valid(body: bytes, header: str | None, app_secret: str) -> bool:
    """Tell whether `header` is `sha256=` + the HMAC-SHA256 of the raw body with the secret."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    # Constant time: a plain == would leak how many leading characters were right.
    return hmac.compare_digest(header.removeprefix("sha256=").lower().encode(), expected.encode())


async def accept(config: WebhookConfig, notification: Notification) -> int:
    """Open each sender's 24-hour window and queue each message once; return how many."""
    queued = 0
    for inbound in notification.messages:
        message = inbound.message
        await window.record_inbound(
            config.redis, config.pseudonym_key, message.chat_id, inbound.sent_at
        )
        if await queue.accept(config.redis, f"wa:{message.message_id}", message):
            queued += 1
    return queued


def _error(status: int, error: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail}, status_code=status)


@router.get("/webhooks/whatsapp", include_in_schema=False)
async def verify(request: Request, config: WebhookConfigDep) -> Response:
    """Answer Meta's verification request with its challenge when the token matches."""
    params = request.query_params
    token = params.get("hub.verify_token", "")
    challenge = params.get("hub.challenge")
    valid = hmac.compare_digest(token.encode(), config.verify_token.encode())
    if params.get("hub.mode") != "subscribe" or not valid:
        return _error(403, "forbidden", "wrong mode or verify token")
    if not challenge:
        return _error(400, "bad_request", "hub.challenge is missing")
    return PlainTextResponse(challenge)


@router.post("/webhooks/whatsapp", include_in_schema=False)
async def receive(request: Request, config: WebhookConfigDep) -> Response:
    """Receive one notification from the WhatsApp Cloud API."""
    body = await request.body()
    # The signature covers the raw bytes: re-serialised JSON would not match.
    if not signature_valid(body, request.headers.get(SIGNATURE_HEADER), config.app_secret):
        return _error(401, "unauthorized", "missing or wrong X-Hub-Signature-256")
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        log.warning("whatsapp.webhook skipped reason=bad_json")
        return JSONResponse({"ok": True})
    try:
        notification = parse(payload, phone_number_id=config.phone_number_id)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        # A shape nobody foresaw: acknowledge so Meta stops retrying it for 7 days.
        log.warning("whatsapp.webhook skipped reason=unreadable error=%s", type(error).__name__)
        return JSONResponse({"ok": True})
    try:
        queued = await accept(config, notification)
    except RedisError as error:
        log.error("whatsapp.webhook queue unavailable: %s", type(error).__name__)
        return _error(503, "unavailable", "could not queue the notification")
    skipped = ",".join(f"{k}:{n}" for k, n in sorted(Counter(notification.skipped).items()))
    log.info("whatsapp.webhook queued=%d skipped=%s", queued, skipped or "none")
    return JSONResponse({"ok": True})
