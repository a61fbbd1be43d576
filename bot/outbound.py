"""One message to send: what the worker and the broadcaster queue for the sender.

Whoever produced it (the dialogue, a campaign), an `Outbound` goes onto the outbound stream
through `to_fields` and comes off it through `from_fields`, here side by side. The sender
and each channel read only this type.

Shape on the stream (version 2): one stream field per attribute, so a consumer can find an
entry's lane without parsing anything, and an absent field is an absent value:
`v`, `key`, `channel`, `chat`, and when set `callback`, `reply` (JSON), `campaign`,
`accepted_ms`. Version 1 (before this module) was one JSON field, `envelope`; entries
queued by that version are still read, so a deploy loses no queued reply.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.messages import IncomingMessage, Reply

VERSION = "2"
_LEGACY_FIELD = "envelope"


class UnreadableOutbound(ValueError):
    """A stream entry that is no outbound message of any version this code knows."""


@dataclass(frozen=True, slots=True)
class Outbound:
    """One message for one chat on one channel.

    `key` names it for the sent marks: each platform call it takes is marked
    `sent:<key>:<part>` once accepted, and the whole message `sent:<key>` once acknowledged.
    A reply's parts (a long text in pieces, a list split in two) are cut by each channel to
    its platform's limits; a button press's answer (`callback_id`) is a part of its own.
    """

    key: str
    channel: str
    # The platform's chat id: kept only in the delivery queues, never logged or dead-lettered.
    chat_id: str
    reply: Reply | None = None
    # The button press this message answers (Telegram shows a spinner until it is answered).
    callback_id: str | None = None
    # The campaign it belongs to: the sender adds its outcome to the campaign's counts.
    campaign: int | None = None
    # When the inbound message it answers was queued (first reply only): the latency metric.
    accepted_ms: int | None = None

    @classmethod
    def answering(
        cls,
        message: IncomingMessage,
        index: int,
        reply: Reply | None,
        *,
        accepted_ms: int | None = None,
    ) -> Outbound:
        """Return the `index`-th reply to `message` (None: only the button press's answer).

        The button press is answered and the latency measured with the first reply only.
        """
        first = index == 0
        return cls(
            key=f"{message.channel}:{message.message_id}:{index}",
            channel=message.channel,
            chat_id=message.chat_id,
            reply=reply,
            callback_id=message.callback_id if first else None,
            accepted_ms=accepted_ms if first else None,
        )

    @property
    def sent_mark(self) -> str:
        """The Redis key saying the whole message was handled."""
        return f"sent:{self.key}"

    def part_mark(self, part: str) -> str:
        """The Redis key saying the platform accepted one part of the message."""
        return f"sent:{self.key}:{part}"

    def to_fields(self, *, with_chat: bool = True) -> dict[str, str]:
        """Return the stream fields of this message.

        Without the chat id (a dead letter), they are kept for a person to read, and are
        never read back.
        """
        fields = {"v": VERSION, "key": self.key, "channel": self.channel}
        if with_chat:
            fields["chat"] = self.chat_id
        if self.callback_id is not None:
            fields["callback"] = self.callback_id
        if self.reply is not None:
            fields["reply"] = json.dumps(self.reply.to_dict(), ensure_ascii=False)
        if self.campaign is not None:
            fields["campaign"] = str(self.campaign)
        if self.accepted_ms is not None:
            fields["accepted_ms"] = str(self.accepted_ms)
        return fields

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> Outbound:
        """Read a stream entry of this version or of version 1; UnreadableOutbound otherwise."""
        try:
            if _LEGACY_FIELD in fields:
                return cls._from_envelope(json.loads(fields[_LEGACY_FIELD]))
            reply = fields.get("reply")
            campaign = fields.get("campaign")
            accepted_ms = fields.get("accepted_ms")
            return cls(
                key=fields["key"],
                channel=fields["channel"],
                chat_id=fields["chat"],
                reply=Reply.from_dict(json.loads(reply)) if reply is not None else None,
                callback_id=fields.get("callback"),
                campaign=int(campaign) if campaign is not None else None,
                accepted_ms=int(accepted_ms) if accepted_ms is not None else None,
            )
        except (KeyError, ValueError, TypeError, AttributeError) as error:
            raise UnreadableOutbound(type(error).__name__) from error

    @classmethod
    def _from_envelope(cls, envelope: dict[str, Any]) -> Outbound:
        """Version 1: {"key", "channel", "chat_id", "callback_id", "reply", "campaign"?,
        "accepted_ms"?} as one JSON document."""
        reply = envelope.get("reply")
        campaign = envelope.get("campaign")
        accepted_ms = envelope.get("accepted_ms")
        chat_id = envelope["chat_id"]
        if not isinstance(chat_id, str | int):
            raise TypeError("chat_id")
        return cls(
            key=str(envelope["key"]),
            channel=str(envelope["channel"]),
            chat_id=str(chat_id),
            reply=Reply.from_dict(reply) if reply else None,
            callback_id=envelope.get("callback_id") or None,
            campaign=int(campaign) if campaign is not None else None,
            accepted_ms=int(accepted_ms) if accepted_ms else None,
        )
