"""What channels hand to the dialogue and what the dialogue hands back: no platform inside."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal

# "left": the person blocked the bot (Telegram tells; WhatsApp does not): erase, say nothing.
Kind = Literal["text", "button", "command", "location", "unsupported", "left"]


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """One thing a person sent, mapped from a platform payload."""

    channel: str
    # The platform's chat id: needed to answer, kept only in the delivery queues, never logged.
    chat_id: str
    message_id: str
    kind: Kind
    text: str = ""
    payload: str = ""
    callback_id: str | None = None
    language_hint: str | None = None
    # A shared location (kind "location"): used for one search, never stored.
    latitude: float | None = None
    longitude: float | None = None
    # The text is the caption of a photo, video or file sent with it, which the bot cannot see.
    media: bool = False

    def to_json(self) -> str:
        """Serialise for a queue entry."""
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> IncomingMessage:
        """Deserialise a queue entry, from this version, an older one or a newer one."""
        data = json.loads(raw)
        # Entries outlive deploys: absent fields take their defaults, unknown ones are dropped.
        known = {item.name for item in fields(cls)}
        return cls(**{name: value for name, value in data.items() if name in known})


@dataclass(frozen=True, slots=True)
class Button:
    """A button: the label shown, and the payload that comes back when it is pressed."""

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class Template:
    """A message template approved by the platform (WhatsApp), by name and language code.

    `parameters` fill the template's body variables ({{1}}, {{2}}...) in order.
    """

    name: str
    language: str
    parameters: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to send back, with optional rows of buttons.

    `template` is what to send instead when the platform forbids free-form messages at that
    moment (WhatsApp, more than 24 hours after the person last wrote); without one, the reply
    is not sent there.
    """

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    rtl: bool = False
    template: Template | None = None
    # The label of a "send my location" button; the reply then carries no other buttons
    # (Telegram shows it as a one-time keyboard, WhatsApp as a location request).
    location_request: str | None = None
    # The answer to /forget: once it is delivered, what delivery keeps for the chat (the
    # WhatsApp window, the pacing mark) is erased too. It cannot be before: the answer
    # itself needs the window open.
    erase_chat: bool = False
    # The language the text is written in (a locale code), when the dialogue knows it: a
    # page marks the message with it, so that a screen reader reads it in that language.
    language: str | None = None
    # The emergency numbers: a page announces them at once rather than after what is being
    # read (an assertive live region), the platforms show them as any other reply.
    urgent: bool = False

    def in_language(self, language: str) -> Reply:
        """Return this reply marked as written in `language`, unless it is marked already."""
        return self if self.language is not None else replace(self, language=language)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready form."""
        return {
            "text": self.text,
            "buttons": [[asdict(b) for b in row] for row in self.buttons],
            "rtl": self.rtl,
            "template": asdict(self.template) if self.template else None,
            "location_request": self.location_request,
            "erase_chat": self.erase_chat,
            "language": self.language,
            "urgent": self.urgent,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reply:
        """Rebuild from `to_dict` output."""
        template = data.get("template")
        return cls(
            text=data["text"],
            buttons=tuple(tuple(Button(**b) for b in row) for row in data.get("buttons", [])),
            rtl=bool(data.get("rtl", False)),
            template=Template(
                template["name"], template["language"], tuple(template.get("parameters") or ())
            )
            if template
            else None,
            location_request=data.get("location_request"),
            erase_chat=bool(data.get("erase_chat", False)),
            language=data.get("language"),
            urgent=bool(data.get("urgent", False)),
        )
