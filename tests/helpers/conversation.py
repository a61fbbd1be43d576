"""Driving the dialogue like a person would, and reading its answers, for transcript tests."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue import Dialogue
from bot.messages import IncomingMessage, Reply
from handoff.models import HandoverDesk
from services_directory.listings.models import (
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    ServiceTranslation,
)

_ids = itertools.count(1)


@dataclass
class Conversation:
    """One person talking to the dialogue on one channel."""

    dialogue: Dialogue
    chat_id: str = "5550001"
    channel: str = "telegram"
    language_hint: str | None = None
    replies: list[Reply] = field(default_factory=list)
    last: IncomingMessage | None = None

    async def _send(self, **fields: str | float) -> Reply:
        message = IncomingMessage(
            channel=self.channel,
            chat_id=self.chat_id,
            message_id=str(next(_ids)),
            language_hint=self.language_hint,
            **fields,  # type: ignore[arg-type]
        )
        self.last = message
        self.replies = await self.dialogue.respond(message)
        assert self.replies, "the bot must never stay silent"
        return self.replies[-1]

    async def write(self, text: str) -> list[Reply]:
        """Send a text while a volunteer has the conversation: they answer, maybe not the bot."""
        message = IncomingMessage(
            channel=self.channel, chat_id=self.chat_id, message_id=str(next(_ids)),
            language_hint=self.language_hint, kind="text", text=text,
        )  # fmt: skip
        self.last = message
        self.replies = await self.dialogue.respond(message)
        return self.replies

    async def send_photo(self, caption: str) -> list[Reply]:
        """Send a photo with `caption` under it: the bot reads the words, not the picture."""
        message = IncomingMessage(
            channel=self.channel, chat_id=self.chat_id, message_id=str(next(_ids)),
            language_hint=self.language_hint, kind="text", text=caption, media=True,
        )  # fmt: skip
        self.last = message
        self.replies = await self.dialogue.respond(message)
        return self.replies

    async def redelivered(self) -> list[Reply]:
        """The last message handled again, as after a worker died before queueing replies."""
        assert self.last is not None
        self.replies = await self.dialogue.respond(self.last)
        return self.replies

    async def say(self, text: str) -> Reply:
        """Send a text message (or a command, when it starts with /)."""
        kind = "command" if text.startswith("/") else "text"
        return await self._send(kind=kind, text=text)

    async def press(self, payload: str) -> Reply:
        """Press a button that the last reply offered."""
        offered = {b.payload for reply in self.replies for row in reply.buttons for b in row}
        assert payload in offered, f"{payload!r} was not offered: {sorted(offered)}"
        return await self._send(kind="button", payload=payload)

    async def press_earlier(self, payload: str) -> Reply:
        """Press a button of an earlier message (the chat keeps them pressable), or send a
        button's payload that nothing offered, as a client built by hand can."""
        return await self._send(kind="button", payload=payload)

    async def hands_over(self, language: str, city: str, category: str, wrote: str) -> None:
        """Start, choose `language` and `city`, ask for a person about `category` with the
        buttons, confirm, and write `wrote` to the volunteers."""
        await self.say("/start")
        await self.press(f"lang:{language}")
        await self.press(f"city:{city}")
        await self.press("human")
        await self.press(f"human:cat:{category}")
        await self.press(f"human:yes:{category}")
        await self.write(wrote)

    async def share_location(self, latitude: float, longitude: float) -> Reply:
        """Share a location pin (WhatsApp location message)."""
        return await self._send(kind="location", latitude=latitude, longitude=longitude)


def payloads(reply: Reply) -> list[str]:
    """Return the payloads of a reply's buttons, in order."""
    return [button.payload for row in reply.buttons for button in row]


def labels(reply: Reply) -> list[str]:
    """Return the labels of a reply's buttons, in order."""
    return [button.label for row in reply.buttons for button in row]


_NUMBERED = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)


async def names_of(session: AsyncSession, category: str, city: str, locale: str) -> set[str]:
    """Return the names, in `locale`, of every service of `category` in `city`."""
    rows = await session.scalars(
        select(ServiceTranslation.name)
        .join(Service, Service.id == ServiceTranslation.service_id)
        .join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id)
        .join(Location, Location.id == ServiceAtLocation.location_id)
        .where(
            Service.category == category,
            Location.city_id == city,
            ServiceTranslation.locale == locale,
        )
    )
    return set(rows.all())


def listed(reply: Reply) -> list[tuple[int, str]]:
    """Return the numbered services of a results reply."""
    return [(int(n), name) for n, name in _NUMBERED.findall(reply.text)]


async def answering_desk(
    session: AsyncSession, *, organization: tuple[str, str], city: str, category: str | None
) -> None:
    """Add an association (id, name) whose volunteers answer `category` (None: every topic)
    in `city` at every hour of every day."""
    organization_id, name = organization
    session.add(Organization(id=organization_id, name=name, description=""))
    await session.flush()
    session.add(
        HandoverDesk(
            organization_id=organization_id, city_id=city, category=category,
            byday="MO,TU,WE,TH,FR,SA,SU", opens_at="00:00", closes_at="23:59",
        )
    )  # fmt: skip
    await session.flush()
