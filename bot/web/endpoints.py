"""`/chat`: the page, its files, and the two JSON endpoints the page talks to.

`POST /chat/api/messages` queues one message exactly as the webhooks do (same inbound
stream, same dedupe, answered only once queued); `GET /chat/api/updates?after=<cursor>`
long-polls the conversation's outbox (see bot.web.outbox for why). Logs name no
conversation and quote no text.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot import queue
from bot.messages import IncomingMessage
from bot.provided import provided
from bot.web import assets, limits, outbox, page
from bot.web.parse import (
    CONVERSATION_HEADER,
    Invalid,
    Unavailable,
    conversation_id,
    to_incoming,
)

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class ChatConfig:
    """What the chat's endpoints need from the process: its Redis, key and limits."""

    redis: Redis
    pseudonym_key: bytes
    frame_ancestors: str
    per_conversation: int
    per_address: int
    long_poll_ms: int


ChatConfigDep = Annotated[ChatConfig, Depends(provided(ChatConfig))]
ConversationHeader = Annotated[str | None, Header(alias=CONVERSATION_HEADER)]


@router.get("/chat")
async def chat_page(
    request: Request,
    config: ChatConfigDep,
    lang: Annotated[str | None, Query(max_length=8)] = None,
) -> Response:
    """Serve the chat page in the language asked for, or the browser's."""
    locale = page.choose_locale(lang, request.headers.get("Accept-Language"))
    return assets.respond(
        request, page.page(locale), cache_control=assets.REVALIDATE,
        vary="Accept-Encoding, Accept-Language", headers=page.headers(config.frame_ancestors),
    )  # fmt: skip


@router.get("/chat/{name}")
async def chat_file(
    request: Request,
    config: ChatConfigDep,
    name: str,
    v: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    """Serve the page's script, stylesheet, icon or words; for a year when named by version."""
    asset = page.files().get(name)
    if asset is None:
        return JSONResponse({"error": "not_found", "detail": "no such file"}, status_code=404)
    # A page of an older release may ask for an older version: it gets this one, not kept.
    current = v is not None and v == page.version(name)
    return assets.respond(
        request, asset, cache_control=assets.IMMUTABLE if current else assets.REVALIDATE,
        vary="Accept-Encoding", headers=page.headers(config.frame_ancestors),
    )  # fmt: skip


def _slow_down(detail: str) -> JSONResponse:
    body = {"error": "rate_limited", "detail": detail}
    return JSONResponse(body, status_code=429, headers={"Retry-After": str(limits.WINDOW_S)})


async def _within_limits(config: ChatConfig, conversation: str, address: str) -> str | None:
    """Return why the message is refused, or None when it is within both limits."""
    secret = config.pseudonym_key
    conversation_key = limits.counter_key(secret, "conv", conversation)
    if not await limits.within(config.redis, conversation_key, config.per_conversation):
        return f"more than {config.per_conversation} messages in a minute"
    address_key = limits.counter_key(secret, "addr", address)
    if not await limits.within(config.redis, address_key, config.per_address):
        return "too many messages from this network in a minute"
    return None


def _forgets(message: IncomingMessage) -> bool:
    # /forget, or the button offered to a person who asked in words to be forgotten.
    if message.kind == "button":
        return message.payload == "forget"
    return message.kind == "command" and message.text.split()[0].lower() == "/forget"


@router.post("/chat/api/messages")
async def post_message(
    request: Request, config: ChatConfigDep, conversation: ConversationHeader = None
) -> Response:
    """Queue one message of a conversation; answer once it is queued."""
    chat_id = conversation_id(conversation)
    message = to_incoming(await request.body(), chat_id, config.pseudonym_key)
    address = request.client.host if request.client else "unknown"
    try:
        refused = await _within_limits(config, chat_id, address)
        if refused is not None:
            log.info("web.message refused=rate_limited")
            return _slow_down(refused)
        queued = await queue.accept(config.redis, f"web:{message.message_id}", message)
        if _forgets(message):
            await limits.reset(config.redis, limits.counter_key(
                config.pseudonym_key, "conv", chat_id))  # fmt: skip
    except RedisError as error:
        log.error("web.message queue unavailable: %s", type(error).__name__)
        raise Unavailable("could not queue the message; send it again") from error
    log.info("web.message kind=%s queued=%s", message.kind, queued)
    return JSONResponse({"ok": True, "duplicate": not queued}, status_code=202)


@router.get("/chat/api/updates")
async def get_updates(
    request: Request,
    config: ChatConfigDep,
    after: Annotated[str, Query(max_length=41)] = "0",
    conversation: ConversationHeader = None,
) -> Response:
    """Return the replies after `after`, waiting for one up to the long-poll time."""
    chat_id = conversation_id(conversation)
    if not outbox.valid_cursor(after):
        raise Invalid("`after` must be 0 or the id of the last message shown")
    try:
        shown = await outbox.read(
            config.redis, config.pseudonym_key, chat_id, after, wait_ms=config.long_poll_ms
        )
    except RedisError as error:
        log.error("web.updates unavailable: %s", type(error).__name__)
        raise Unavailable("could not read the replies; ask again") from error
    cursor = shown[-1].id if shown else after
    body = {"messages": [item.to_dict() for item in shown], "cursor": cursor}
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    # Gzipped when large (a list of results): nothing secret travels beside the person's
    # words, and no other site can make a browser ask (the conversation is a custom header).
    return assets.compressed(request, raw, "application/json", {"Cache-Control": "no-store"})
