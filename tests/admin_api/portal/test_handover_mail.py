"""The city team's e-mail about a request nobody took in time, through a real SMTP server.

The person asks through the real dialogue (PostgreSQL, Redis), the relay escalates the
request, and the mailer hands the e-mail to an aiosmtpd server running in the test process.
"""

from __future__ import annotations

import datetime as dt
import email
import logging
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from redis.asyncio import Redis
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin_api.portal.handover_mail import EscalationMailer
from bot.dialogue import Dialogue
from bot.relay import Relay
from core.usage import UsageEvent
from handoff import service as handoff
from handoff.models import Handover, HandoverDesk
from nlu.client import NLUClient
from services_directory.listings.models import Organization
from tests.helpers.conversation import Conversation
from tests.helpers.dialogue import make_dialogue
from tests.helpers.settings import PSEUDONYM_KEY
from tests.standins.server import free_port

CHAT_ID = "5550991"
WROTE = "Mon propriétaire veut me mettre dehors demain"
TEAM = "equipe-ville@lyon.example"
SENDER = "dalil@lyon.example"


class Inbox:
    """What the SMTP server received."""

    def __init__(self) -> None:
        self.received: list[tuple[Envelope, EmailMessage]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content
        raw = content if isinstance(content, bytes) else (content or "").encode()
        message = email.message_from_bytes(raw, _class=EmailMessage, policy=default)
        self.received.append((envelope, message))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, str]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, f"smtp://127.0.0.1:{port}"
    controller.stop()


@pytest.fixture(autouse=True)
async def alone(session: AsyncSession) -> None:
    """Hide conversations other tests committed (deleted in this rolled-back transaction)."""
    await session.execute(delete(Handover))
    await session.execute(delete(UsageEvent))


async def _escalated(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, dialogue: Dialogue,
    session: AsyncSession,
) -> tuple[Handover, dt.datetime]:  # fmt: skip
    """A person in Lyon asks for a volunteer about housing; nobody takes it for 31 minutes."""
    session.add(Organization(id="org-toit", name="Un Toit", description=""))
    await session.flush()
    session.add(
        HandoverDesk(
            organization_id="org-toit", city_id="lyon", category=None,
            byday="MO,TU,WE,TH,FR,SA,SU", opens_at="00:00", closes_at="23:59",
        )
    )  # fmt: skip
    await session.flush()
    asked = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=45)
    nlu: NLUClient = dialogue._nlu
    person = Conversation(
        make_dialogue(sessions, redis, nlu, clock=lambda: asked), chat_id=CHAT_ID,
        language_hint="fr",
    )  # fmt: skip
    await person.hands_over("fr", "lyon", "housing", WROTE)
    relay = Relay(sessions, redis, PSEUDONYM_KEY.encode(), escalate_minutes=30)
    now = asked + dt.timedelta(minutes=31)
    assert await relay.escalate_once(now) == 1
    handover = (await session.scalars(select(Handover))).one()
    return handover, now


async def test_the_city_team_gets_one_e_mail_without_texts_or_ids_even_after_a_restart(
    smtp: tuple[Inbox, str], sessions: async_sessionmaker[AsyncSession], redis: Redis,
    dialogue_without_nlu: Dialogue, session: AsyncSession,
) -> None:  # fmt: skip
    inbox, url = smtp
    handover, now = await _escalated(sessions, redis, dialogue_without_nlu, session)
    await handoff.set_contact(session, city_id="lyon", email=TEAM, language="fr")
    mailer = EscalationMailer(sessions, url, SENDER, base_url="https://dalil.lyon.example")
    assert await mailer.run_once(now) == 1
    ((envelope, message),) = inbox.received
    assert (envelope.mail_from, envelope.rcpt_tos) == (SENDER, [TEAM])
    assert message["Subject"] == f"Dalil : la demande {handover.label} attend un bénévole"
    body = message.get_content()
    assert f"Conversation : {handover.label}" in body
    assert "Ville : Lyon" in body
    assert "Langue : Français" in body
    assert "Thème : Logement" in body
    assert "En attente depuis : 31 minutes" in body
    assert f"https://dalil.lyon.example/portal/handovers/{handover.id}" in body
    assert CHAT_ID not in message.as_string()
    assert WROTE not in message.as_string()
    assert (handover.key or "-") not in message.as_string()

    assert await mailer.run_once(now + dt.timedelta(minutes=1)) == 0, "once"
    restarted = EscalationMailer(sessions, url, SENDER, base_url="https://dalil.lyon.example")
    assert await restarted.run_once(now + dt.timedelta(minutes=2)) == 0, "once, after a restart"
    assert len(inbox.received) == 1


async def test_a_mail_server_that_is_down_gets_the_e_mail_on_the_next_round(
    smtp: tuple[Inbox, str], sessions: async_sessionmaker[AsyncSession], redis: Redis,
    dialogue_without_nlu: Dialogue, session: AsyncSession,
) -> None:  # fmt: skip
    inbox, url = smtp
    _handover, now = await _escalated(sessions, redis, dialogue_without_nlu, session)
    await handoff.set_contact(session, city_id="lyon", email=TEAM, language="en")
    down = EscalationMailer(sessions, f"smtp://127.0.0.1:{free_port()}", SENDER)
    assert await down.run_once(now) == 0
    back = EscalationMailer(sessions, url, SENDER)
    assert await back.run_once(now) == 1
    ((_envelope, message),) = inbox.received
    assert "Nobody has taken this request for a volunteer in time." in message.get_content()


async def test_without_smtp_the_request_is_still_flagged_and_counted_and_it_is_said_once(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, dialogue_without_nlu: Dialogue,
    session: AsyncSession, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    handover, now = await _escalated(sessions, redis, dialogue_without_nlu, session)
    await handoff.set_contact(session, city_id="lyon", email=TEAM, language="fr")
    mailer = EscalationMailer(sessions, None, None)
    with caplog.at_level(logging.INFO, logger="admin_api.portal.handover_mail"):
        assert await mailer.run_once(now) == 0
        assert await mailer.run_once(now + dt.timedelta(minutes=1)) == 0
    said = [r for r in caplog.records if "no e-mail is sent" in r.getMessage()]
    assert len(said) == 1
    assert await handoff.escalated_count(session) == 1
    await session.refresh(handover)
    assert handover.escalated_at is not None
    assert handover.escalation_mailed_at is None
