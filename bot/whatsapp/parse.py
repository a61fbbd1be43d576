"""WhatsApp Cloud API webhook notifications to IncomingMessage.

A notification is `{"object": "whatsapp_business_account", "entry": [{"changes": [{"field":
"messages", "value": {"metadata", "contacts", "messages", "statuses"}}]}]}`; one POST may batch
several entries, changes and messages. Anything else is skipped with a reason fit for a log
line: a reason never holds a phone number or a word of what the person wrote.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, field
from typing import Any

from bot.messages import IncomingMessage

CHANNEL = "whatsapp"
OBJECT = "whatsapp_business_account"


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message to queue, and when the person sent it (it opens the 24-hour window)."""

    message: IncomingMessage
    sent_at: int


@dataclass(slots=True)
class Notification:
    """What one webhook POST holds for us: messages to queue, and why the rest was skipped."""

    messages: list[Inbound] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def message_key(wamid: str) -> str:
    """Return a stand-in for a wamid, safe for Redis keys, queues and dead letters.

    A wamid is base64 around the sender's phone number, so it must not be kept in keys;
    its digest is just as unique for deduplication.
    """
    return hashlib.sha256(wamid.encode()).hexdigest()[:32]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _sent_at(raw: Any, now: int) -> int:
    try:
        sent = int(raw)
    except (TypeError, ValueError):
        return now
    # A clock ahead of ours must not stretch the window beyond 24 hours from now.
    return min(sent, now)


def _coordinate(value: Any, bound: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) and -bound <= number <= bound else None


# The media the Cloud API delivers with the caption the person wrote under them.
_CAPTIONED = ("image", "video", "document")


def _fields(message: dict[str, Any]) -> dict[str, Any]:
    """Return the kind and content of one message, in IncomingMessage's terms."""
    kind = message.get("type")
    if kind == "text":
        body = _dict(message.get("text")).get("body")
        text = body.strip() if isinstance(body, str) else ""
        is_command = text.startswith("/") and len(text) > 1
        return {"kind": "command" if is_command else "text", "text": text}
    if kind == "interactive":
        interactive = _dict(message.get("interactive"))
        reply_type = interactive.get("type")
        if reply_type in ("button_reply", "list_reply"):  # a tuple: reply_type may be unhashable
            reply_id = _dict(interactive.get(reply_type)).get("id")
            if isinstance(reply_id, str) and reply_id:
                return {"kind": "button", "payload": reply_id}
    if kind == "button":  # a quick-reply button of a template message
        payload = _dict(message.get("button")).get("payload")
        if isinstance(payload, str) and payload:
            return {"kind": "button", "payload": payload}
    if kind in _CAPTIONED:
        # Sent with words, the words are the message ("he did this to me", a letter with "what
        # does this mean?"); the bot cannot look at the picture itself.
        caption = _dict(message.get(kind)).get("caption")
        if isinstance(caption, str) and caption.strip():
            return {"kind": "text", "text": caption.strip(), "media": True}
    if kind == "location":
        location = _dict(message.get("location"))
        latitude = _coordinate(location.get("latitude"), 90)
        longitude = _coordinate(location.get("longitude"), 180)
        if latitude is not None and longitude is not None:
            return {"kind": "location", "latitude": latitude, "longitude": longitude}
    # Media without a caption (image, sticker, audio and voice notes, video, document),
    # reactions, contacts, unknown types and malformed known ones: the person still gets a
    # hint, not silence.
    return {"kind": "unsupported"}


def _message(raw: Any, now: int) -> Inbound | str:
    message = _dict(raw)
    sender, wamid = message.get("from"), message.get("id")
    if not isinstance(sender, str) or not sender or not isinstance(wamid, str) or not wamid:
        return "message_without_sender_or_id"
    if "group_id" in message:
        # Like Telegram groups: the bot would read other people's messages.
        return "group_message"
    if message.get("type") == "system":  # "user changed number" and the like: nobody to answer
        return "system_message"
    incoming = IncomingMessage(
        channel=CHANNEL, chat_id=sender, message_id=message_key(wamid), **_fields(message)
    )
    return Inbound(incoming, _sent_at(message.get("timestamp"), now))


def parse(payload: Any, *, phone_number_id: str, now: int | None = None) -> Notification:
    """Return the messages of a notification sent to our number, and why the rest was skipped."""
    now = int(time.time()) if now is None else now
    notification = Notification()
    if not isinstance(payload, dict) or payload.get("object") != OBJECT:
        notification.skipped.append("not_whatsapp_business_account")
        return notification
    changes = [
        c for entry in _list(payload.get("entry")) for c in _list(_dict(entry).get("changes"))
    ]
    if not changes:
        notification.skipped.append("no_changes")
    for raw_change in changes:
        change = _dict(raw_change)
        value = _dict(change.get("value"))
        if change.get("field") != "messages" or not value:
            notification.skipped.append("not_a_messages_change")
            continue
        # One Meta app may serve several numbers; answer only what was sent to ours.
        if _dict(value.get("metadata")).get("phone_number_id") != phone_number_id:
            notification.skipped.append("other_phone_number")
            continue
        notification.skipped += ["status"] * len(_list(value.get("statuses")))
        for raw_message in _list(value.get("messages")):
            result = _message(raw_message, now)
            if isinstance(result, str):
                notification.skipped.append(result)
            else:
                notification.messages.append(result)
    return notification
