"""Webhook notifications shaped as the WhatsApp Cloud API delivers them.

Shapes from Meta's webhook reference (see /work/shared/reference/platforms.md §3.2): every
notification is `{"object": "whatsapp_business_account", "entry": [{"id", "changes": [{"field":
"messages", "value": {...}}]}]}`. The group message follows the Groups API's `group_id` field;
it is the least documented shape here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from tests.standins.whatsapp_api import PHONE_NUMBER_ID

WABA_ID = "102290129340398"
BUSINESS_NUMBER = "15550783881"
WA_ID = "212600000001"


def wamid(n: int) -> str:
    """Return a message id in the wamid format (base64 around the sender's number)."""
    return f"wamid.HBgMMjEyNjAwMDAwMDAxFQIAEhgUM0E{n:016d}AA=="


def notification(value: dict[str, Any], phone_number_id: str = PHONE_NUMBER_ID) -> dict[str, Any]:
    """Wrap one `value` into a whole notification for our business number."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": WABA_ID,
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": BUSINESS_NUMBER,
                                "phone_number_id": phone_number_id,
                            },
                            **value,
                        },
                    }
                ],
            }
        ],
    }


def message(
    n: int, kind: str, content: dict[str, Any], *, wa_id: str = WA_ID, sent_at: int | None = None
) -> dict[str, Any]:
    """One inbound message of type `kind` with its content object, from `wa_id`."""
    sent = int(time.time()) if sent_at is None else sent_at
    return notification(
        {
            "contacts": [{"profile": {"name": "Amal"}, "wa_id": wa_id}],
            "messages": [
                {"from": wa_id, "id": wamid(n), "timestamp": str(sent), "type": kind, **content}
            ],
        }
    )


def text(n: int, body: str, **kwargs: Any) -> dict[str, Any]:
    """A text message (a leading `/` makes it a command for the bot)."""
    return message(n, "text", {"text": {"body": body}}, **kwargs)


def _context() -> dict[str, Any]:
    return {"context": {"from": BUSINESS_NUMBER, "id": wamid(999)}}


def button_reply(n: int, reply_id: str, title: str = "🩺 Health", **kwargs: Any) -> dict[str, Any]:
    """A press on a reply button of an interactive message the bot sent."""
    interactive = {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}}
    return message(n, "interactive", {**_context(), "interactive": interactive}, **kwargs)


def list_reply(n: int, reply_id: str, title: str = "Tangier", **kwargs: Any) -> dict[str, Any]:
    """A choice in a list message the bot sent."""
    interactive = {
        "type": "list_reply",
        "list_reply": {"id": reply_id, "title": title, "description": ""},
    }
    return message(n, "interactive", {**_context(), "interactive": interactive}, **kwargs)


def template_button(n: int, payload: str, **kwargs: Any) -> dict[str, Any]:
    """A quick-reply button of a template message."""
    content = {**_context(), "button": {"text": "Menu", "payload": payload}}
    return message(n, "button", content, **kwargs)


def location(n: int, latitude: float, longitude: float, **kwargs: Any) -> dict[str, Any]:
    """A shared location pin."""
    content = {
        "location": {
            "latitude": latitude,
            "longitude": longitude,
            "name": "Grand Socco",
            "address": "Place du 9 Avril 1947, Tanger",
        }
    }
    return message(n, "location", content, **kwargs)


def _media(mime_type: str, **extra: Any) -> dict[str, Any]:
    digest = "Yh3mG1tmV0XlFQ2QxTWNvbjVnbTN0"
    return {"mime_type": mime_type, "sha256": digest, "id": "1003383421387256", **extra}


def sticker(n: int) -> dict[str, Any]:
    """A sticker."""
    return message(n, "sticker", {"sticker": _media("image/webp", animated=False)})


def voice_note(n: int) -> dict[str, Any]:
    """A voice note (an audio message recorded in WhatsApp)."""
    return message(n, "audio", {"audio": _media("audio/ogg; codecs=opus", voice=True)})


def audio(n: int) -> dict[str, Any]:
    """An audio file."""
    return message(n, "audio", {"audio": _media("audio/mpeg", voice=False)})


def image(n: int, caption: str | None = "my papers", **kwargs: Any) -> dict[str, Any]:
    """A photo, with a caption unless `caption` is None."""
    extra = {"caption": caption} if caption is not None else {}
    return message(n, "image", {"image": _media("image/jpeg", **extra)}, **kwargs)


def video(n: int) -> dict[str, Any]:
    """A video."""
    return message(n, "video", {"video": _media("video/mp4")})


def document(n: int) -> dict[str, Any]:
    """A PDF document."""
    return message(n, "document", {"document": _media("application/pdf", filename="cv.pdf")})


def reaction(n: int) -> dict[str, Any]:
    """An emoji reaction to a message the bot sent."""
    return message(n, "reaction", {"reaction": {"message_id": wamid(999), "emoji": "👍"}})


def unknown_type(n: int) -> dict[str, Any]:
    """A message type the Cloud API itself does not support (a poll, a view-once photo…)."""
    errors = [
        {
            "code": 131051,
            "title": "Message type unknown",
            "message": "Message type unknown",
            "error_data": {"details": "Message type is currently not supported."},
        }
    ]
    return message(n, "unsupported", {"errors": errors})


def future_type(n: int) -> dict[str, Any]:
    """A type this code has never heard of."""
    return message(n, "hologram", {"hologram": {"id": "42"}})


def group_text(n: int, body: str) -> dict[str, Any]:
    """A text sent in a group the business number belongs to."""
    payload = text(n, body)
    payload["entry"][0]["changes"][0]["value"]["messages"][0]["group_id"] = "120363025246125486"
    return payload


def system(n: int) -> dict[str, Any]:
    """The person changed their number: a system message, nothing they wrote."""
    content = {
        "system": {
            "body": "User A changed from 212600000001 to 212600000002",
            "wa_id": "212600000002",
            "type": "user_changed_number",
        }
    }
    return message(n, "system", content)


def status(n: int, state: str, *, wa_id: str = WA_ID) -> dict[str, Any]:
    """A delivery status of a message the bot sent: sent, delivered, read or failed."""
    entry: dict[str, Any] = {
        "id": wamid(n),
        "status": state,
        "timestamp": str(int(time.time())),
        "recipient_id": wa_id,
    }
    if state in {"sent", "delivered"}:
        entry["conversation"] = {"id": "c2e1f1e0a0b0", "origin": {"type": "service"}}
        entry["pricing"] = {"billable": True, "pricing_model": "CBP", "category": "service"}
    if state == "failed":
        entry["errors"] = [
            {
                "code": 131047,
                "title": "Re-engagement message",
                "message": "Re-engagement message",
                "error_data": {"details": "More than 24 hours have passed since the customer "
                               "last replied to this number."},
            }
        ]  # fmt: skip
    return notification({"statuses": [entry]})


def other_number(n: int) -> dict[str, Any]:
    """A text sent to another business number of the same Meta app."""
    payload = text(n, "hello")
    metadata = payload["entry"][0]["changes"][0]["value"]["metadata"]
    metadata["phone_number_id"] = "999999999999999"
    return payload


def template_status_update() -> dict[str, Any]:
    """A change of another field the app is subscribed to (a template was approved)."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": WABA_ID,
                "time": int(time.time()),
                "changes": [
                    {
                        "field": "message_template_status_update",
                        "value": {
                            "event": "APPROVED",
                            "message_template_id": 1234567,
                            "message_template_name": "dalil_menu",
                            "message_template_language": "fr",
                            "reason": "NONE",
                        },
                    }
                ],
            }
        ],
    }


def batch(*payloads: dict[str, Any]) -> dict[str, Any]:
    """Several notifications' messages and statuses delivered in one POST."""
    values = [p["entry"][0]["changes"][0]["value"] for p in payloads]
    merged = notification({"contacts": [], "messages": [], "statuses": []})
    value = merged["entry"][0]["changes"][0]["value"]
    for v in values:
        for key in ("contacts", "messages", "statuses"):
            value[key] += v.get(key, [])
    return merged


def signed(payload: Any, app_secret: str) -> tuple[bytes, dict[str, str]]:
    """Return the raw body and headers Meta would send for `payload`."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={digest}"}


# name → (payload builder, what must happen: the IncomingMessage kind queued, or None).
MATRIX: dict[str, tuple[Any, str | None]] = {
    "text": (lambda n: text(n, "I need a doctor"), "text"),
    "command": (lambda n: text(n, "/menu"), "command"),
    "button_reply": (lambda n: button_reply(n, "cat:health"), "button"),
    "list_reply": (lambda n: list_reply(n, "city:tangier"), "button"),
    "template_button": (lambda n: template_button(n, "menu"), "button"),
    "location": (lambda n: location(n, 35.7767, -5.8039), "location"),
    "sticker": (sticker, "unsupported"),
    "voice_note": (voice_note, "unsupported"),
    "audio": (audio, "unsupported"),
    "image": (image, "text"),
    "image_without_caption": (lambda n: image(n, caption=None), "unsupported"),
    "video": (video, "unsupported"),
    "document": (document, "unsupported"),
    "reaction": (reaction, "unsupported"),
    "unknown_type": (unknown_type, "unsupported"),
    "future_type": (future_type, "unsupported"),
    "group_text": (lambda n: group_text(n, "hello all"), None),
    "system": (system, None),
    "status_sent": (lambda n: status(n, "sent"), None),
    "status_delivered": (lambda n: status(n, "delivered"), None),
    "status_read": (lambda n: status(n, "read"), None),
    "status_failed": (lambda n: status(n, "failed"), None),
    "other_number": (other_number, None),
    "template_status_update": (lambda n: template_status_update(), None),
}
