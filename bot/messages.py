"""What channels hand to the dialogue and what the dialogue hands back: no platform inside."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, Literal

Kind = Literal["text", "button", "command", "location", "unsupported"]


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

    def to_json(self) -> str:
        """Serialise for a queue entry."""
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> IncomingMessage:
        """Deserialise a queue entry."""
        return cls(**json.loads(raw))


@dataclass(frozen=True, slots=True)
class Button:
    """A button: the label shown, and the payload that comes back when it is pressed."""

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to send back, with optional rows of buttons."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    rtl: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready form."""
        return {
            "text": self.text,
            "buttons": [[asdict(b) for b in row] for row in self.buttons],
            "rtl": self.rtl,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reply:
        """Rebuild from `to_dict` output."""
        return cls(
            text=data["text"],
            buttons=tuple(tuple(Button(**b) for b in row) for row in data.get("buttons", [])),
            rtl=bool(data.get("rtl", False)),
        )
