"""The relay role: volunteers' answers, cards and notices go to the person's chat.

The portal writes a volunteer's answer in the conversation's table; the relay turns it into a
reply in the person's language and queues it on the outbound stream, like the worker's
replies, under the key `<channel>:handover-<message id>:0` so that the sender delivers it
once. Rows are taken under a lock that other relays skip, queued, then marked delivered in
the same database transaction: a relay that dies in between queues them again, and the
sender's marks keep the person from getting them twice (docs/reliability.md). The relay also
escalates the requests nobody took in time; the worker role purges conversations past their
retention.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from babel.support import NullTranslations
from redis.asyncio import Redis
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dialogue import handover as talking
from bot.dialogue import render
from bot.i18n import is_rtl, translations
from bot.messages import IncomingMessage, Reply, Template
from bot.outbound import Outbound
from bot.queue import append_outbound
from bot.splitting import shorten
from bot.stopping import finish_before_stopping
from bot.whatsapp.render import template_language
from core.db import transaction
from core.sealed import UnreadableChatId
from handoff import service as handoff
from handoff.models import ESCALATED, NOTICE, REENGAGE, Handover, HandoverMessage
from services_directory.categories import Category
from services_directory.cities.models import City
from services_directory.listings.models import Service
from services_directory.search.service import search_services

log = logging.getLogger(__name__)

PURGE_INTERVAL_S = 3600.0
# How often the relay looks for requests to escalate.
ESCALATE_INTERVAL_S = 30.0


@dataclass(frozen=True, slots=True)
class Relay:
    """What the relay needs: the database, Redis, the sealing key, the escalation delay and
    the WhatsApp template that tells a person an answer waits for them (one body variable:
    the association's name)."""

    sessions: async_sessionmaker[AsyncSession]
    redis: Redis
    secret: bytes
    escalate_minutes: int = 30
    whatsapp_template: str | None = None

    async def run(self, *, idle_s: float = 0.5) -> None:
        """Deliver answers until cancelled; look again every `idle_s` when there were none."""
        log.info("relay started")
        last_escalation = 0.0
        loop = asyncio.get_running_loop()
        while True:
            busy = await finish_before_stopping(self._step())
            if loop.time() - last_escalation >= ESCALATE_INTERVAL_S:
                await finish_before_stopping(self._escalate())
                last_escalation = loop.time()
            await asyncio.sleep(0.05 if busy else idle_s)

    async def _step(self) -> bool:
        try:
            return await self.run_once() > 0
        except Exception:
            log.exception("relay loop error; retrying")
            return False

    async def _escalate(self) -> None:
        try:
            await self.escalate_once(dt.datetime.now(dt.UTC))
        except Exception:
            log.exception("relay escalation error; retrying")

    async def escalate_once(self, now: dt.datetime) -> int:
        """Mark the requests nobody took in time as escalated to the city team."""
        async with transaction(self.sessions) as session:
            count = await handoff.escalate(session, now=now, minutes=self.escalate_minutes)
        if count:
            log.info("handover.escalated count=%d", count)
        return count

    async def run_once(self) -> int:
        """Queue the answers not yet delivered; return how many."""
        now = dt.datetime.now(dt.UTC)
        async with transaction(self.sessions) as session:
            rows = await handoff.undelivered(session)
            entries: list[Outbound] = []
            for message, conversation in rows:
                reply = await self._reply(session, message, conversation, now)
                chat_id = self._chat_id(conversation)
                message.delivered_at = now
                if reply is None or chat_id is None:
                    continue  # forgotten or purged meanwhile: there is nobody to send it to
                incoming = IncomingMessage(
                    conversation.channel, chat_id, f"handover-{message.id}", "text"
                )
                entries.append(Outbound.answering(incoming, 0, reply))
            if entries:
                async with self.redis.pipeline(transaction=True) as pipe:
                    for entry in entries:
                        await append_outbound(pipe, entry)
                    await pipe.execute()
        if rows:
            log.info("handover.relayed count=%d", len(entries))
        return len(rows)

    def _chat_id(self, conversation: Handover) -> str | None:
        if conversation.key is None or conversation.sealed_chat_id is None:
            return None
        try:
            return talking.unseal_chat_id(self.secret, conversation)
        except UnreadableChatId:
            log.error("handover.unreadable id=%d", conversation.id)
            return None

    async def _reply(
        self,
        session: AsyncSession,
        message: HandoverMessage,
        conversation: Handover,
        now: dt.datetime,
    ) -> Reply | None:
        locale = conversation.language
        t = translations(locale)
        rtl = is_rtl(locale)
        if message.author == NOTICE:
            if message.notice == "closed":
                text = t.gettext("The volunteer ended the conversation. Did it help you?")
                return talking.ended(t, locale, text)
            if message.notice == "taken":
                team, volunteer = handoff.taken_by(message)
                if volunteer is None:
                    text = t.gettext("A volunteer of {name} is reading your messages now.")
                else:
                    text = t.gettext(
                        "{volunteer}, a volunteer of {name}, is reading your messages now."
                    )
                return Reply(text.format(name=team, volunteer=volunteer), rtl=rtl)
            if message.notice == REENGAGE:
                return self._reengage(t, locale, message)
            if message.notice == ESCALATED:
                text = t.gettext(
                    "No volunteer has been free to read your message yet. It is still "
                    "waiting, and the city team has been told. Send /end to stop. In an "
                    "emergency, press the button below."
                )
                return Reply(text, ((render.emergency_button(t),),), rtl=rtl)
            return None
        if message.service_id is not None:
            card = await self._card(session, message.service_id, conversation, now)
            if card is None:
                return None
            return Reply(card, rtl=rtl)
        return Reply(f"🙋 {message.text}", rtl=rtl)

    def _reengage(self, t: NullTranslations, locale: str, notice: HandoverMessage) -> Reply:
        """Tell the person a volunteer answered: as the template outside WhatsApp's window,
        as this text if they wrote meanwhile (their answer follows it then)."""
        team, _volunteer = handoff.taken_by(notice)
        text = t.gettext("A volunteer of {name} answered you. Reply to this message to read it.")
        template = None
        if self.whatsapp_template:
            # A template variable holds one line, of at most 1024 characters.
            name = shorten(" ".join(team.split()), 1024)
            template = Template(self.whatsapp_template, template_language(locale), (name,))
        return Reply(text.format(name=team), rtl=is_rtl(locale), template=template)

    async def _card(
        self, session: AsyncSession, service_id: str, conversation: Handover, now: dt.datetime
    ) -> str | None:
        service = await session.get(Service, service_id)
        city = await session.get(City, conversation.city_id)
        if service is None or city is None or service.category not in Category._value2member_map_:
            return None
        locale = conversation.language
        found = await search_services(
            session, category=Category(service.category), city_id=city.id, locale=locale,
            limit=10_000, now=now,
        )  # fmt: skip
        card = next((card for card in found.cards if card.id == service_id), None)
        if card is None:
            return None  # not published, or not in the person's city
        today = now.astimezone(ZoneInfo(city.timezone)).date()
        return render.service_card(translations(locale), locale, 1, card, today)


async def purge_hourly(sessions: async_sessionmaker[AsyncSession], retention_days: int) -> None:
    """Delete the messages of conversations past their retention, now and every hour."""
    while True:
        try:
            async with transaction(sessions) as session:
                now = dt.datetime.now(dt.UTC)
                removed = await handoff.purge(session, now=now, retention_days=retention_days)
            log.info("handover.purge emptied=%d", removed)
        except (SQLAlchemyError, OSError) as error:
            log.warning("handover.purge failed: %s", type(error).__name__)
        await asyncio.sleep(PURGE_INTERVAL_S)
