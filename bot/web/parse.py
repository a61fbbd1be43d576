"""What a browser posts to `POST /chat/api/messages`, checked and mapped to IncomingMessage.

Body: `{"id": "<message id>", "text": "..."}`, or `"button": "<payload>"`, or `"location":
{"latitude": .., "longitude": ..}` instead of `text`; `"language"` may carry the browser's
language (a hint, like Telegram's `language_code`). The conversation id travels in the
CONVERSATION_HEADER, never in a URL, so that no access log can keep it.

A browser is not a platform that retries for days: whatever is wrong is refused with a clear
4xx, and nothing is queued.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
from typing import Any

from bot.messages import IncomingMessage
from bot.web.outbox import CHANNEL
from core.errors import DalilError

CONVERSATION_HEADER = "X-Dalil-Conversation"
# 32 to 64 hex digits: the page makes 128 random bits; nothing shorter is accepted, so one
# conversation's id cannot be guessed from another's.
CONVERSATION = re.compile(r"[0-9a-f]{32,64}")
MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Telegram's limit for one message: a person's question is never longer.
MAX_TEXT_CHARS = 4096
MAX_PAYLOAD_CHARS = 256
# A hundred times the largest valid body: enough for any browser, refused before reading.
MAX_BODY_BYTES = 16_384


class ChatError(DalilError):
    """Base of the web chat's refusals."""


class BadJSON(ChatError):
    """The body is not a JSON object."""

    status_code = 400
    code = "bad_json"


class Invalid(ChatError):
    """A JSON object that is not a message of the web chat."""

    status_code = 422
    code = "invalid"


class Unavailable(ChatError):
    """Redis did not answer: nothing was queued, the browser may send again."""

    status_code = 503
    code = "unavailable"


def conversation_id(header: str | None) -> str:
    """Return the conversation id of a request, or refuse it."""
    if header is None or not CONVERSATION.fullmatch(header):
        raise Invalid(f"{CONVERSATION_HEADER} must be 32 to 64 lowercase hex digits")
    return header


def message_key(pseudonym_key: bytes, conversation: str, message_id: str) -> str:
    """Return the id under which a browser's message is deduplicated and its replies marked.

    Keyed by the conversation, so two browsers' ids never collide; hashed, so the keys
    left for the dedupe period cannot be traced back to the conversation.
    """
    message = f"web-message\x00{conversation}\x00{message_id}".encode()
    return hmac.new(pseudonym_key, message, hashlib.sha256).hexdigest()[:32]


def _body(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise BadJSON("the body is not JSON") from error
    if not isinstance(body, dict):
        raise BadJSON("the body must be a JSON object")
    return body


def _string(body: dict[str, Any], name: str, limit: int) -> str:
    value = body[name]
    # PostgreSQL text cannot hold NUL, and no person means one: it is dropped, not refused.
    text = value.replace("\x00", "").strip() if isinstance(value, str) else ""
    if not text or len(value) > limit:
        raise Invalid(f"`{name}` must be a non-empty string of at most {limit} characters")
    return text


def _coordinate(location: dict[str, Any], name: str, bound: float) -> float:
    value = location.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(f"`location.{name}` must be a number")
    number = float(value)
    if not math.isfinite(number) or not -bound <= number <= bound:
        raise Invalid(f"`location.{name}` must be between -{bound:g} and {bound:g}")
    return number


def _content(body: dict[str, Any]) -> dict[str, Any]:
    """Return the kind and content of a message, in IncomingMessage's terms."""
    given = [name for name in ("text", "button", "location") if name in body]
    if len(given) != 1:
        raise Invalid("send exactly one of `text`, `button` or `location`")
    if given == ["text"]:
        text = _string(body, "text", MAX_TEXT_CHARS)
        is_command = text.startswith("/") and len(text) > 1
        return {"kind": "command" if is_command else "text", "text": text}
    if given == ["button"]:
        return {"kind": "button", "payload": _string(body, "button", MAX_PAYLOAD_CHARS)}
    location = body["location"]
    if not isinstance(location, dict):
        raise Invalid("`location` must be an object with `latitude` and `longitude`")
    return {
        "kind": "location",
        "latitude": _coordinate(location, "latitude", 90),
        "longitude": _coordinate(location, "longitude", 180),
    }


def to_incoming(raw: bytes, conversation: str, pseudonym_key: bytes) -> IncomingMessage:
    """Return the message a browser posted, or refuse it with the reason."""
    body = _body(raw)
    message_id = body.get("id")
    if not isinstance(message_id, str) or not MESSAGE_ID.fullmatch(message_id):
        raise Invalid("`id` must be 1 to 64 letters, digits, `-` or `_`")
    language = body.get("language")
    if language is not None and (not isinstance(language, str) or len(language) > 35):
        raise Invalid("`language` must be a language tag such as `ar` or `fr-FR`")
    return IncomingMessage(
        channel=CHANNEL,
        chat_id=conversation,
        message_id=message_key(pseudonym_key, conversation, message_id),
        language_hint=language,
        **_content(body),
    )
