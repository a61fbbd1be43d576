"""A volunteer's answer outside WhatsApp's 24-hour window: held, announced by the template,
delivered when the person writes back; or refused when no template is configured.

The person's side is the real dialogue (PostgreSQL, Redis); the volunteer's side the service
functions the portal calls; the relay queues on the real outbound stream and the real sender
posts to the Cloud API stand-in, which refuses free-form messages outside the window as Meta
does.
"""

from __future__ import annotations

import datetime as dt

import pytest
from redis.asyncio import Redis
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin_api.accounts.models import Role
from admin_api.accounts.service import create_account
from bot import queue, sender
from bot.dialogue import Dialogue
from bot.outbound import Outbound
from bot.relay import Relay
from bot.whatsapp import window
from bot.whatsapp.render import template_language
from bot.whatsapp.send import WhatsAppClient
from core.usage import UsageEvent
from handoff import errors
from handoff import service as handoff
from handoff.models import Handover, HandoverDesk, HandoverMessage
from nlu.client import NLUClient
from services_directory.listings.models import Organization
from tests.helpers.conversation import Conversation
from tests.helpers.dialogue import make_dialogue
from tests.helpers.settings import PSEUDONYM_KEY
from tests.helpers.streams import read_new
from tests.standins.whatsapp_api import WhatsAppStandIn

KEY = PSEUDONYM_KEY.encode()
WA_ID = "212600000042"
TEMPLATE = "dalil_volunteer_answered"
TEAM = "Association Écoute"

Api = tuple[WhatsAppStandIn, WhatsAppClient]


@pytest.fixture(autouse=True)
async def alone(session: AsyncSession) -> None:
    """Hide conversations other tests committed (deleted in this test's rolled-back transaction)."""
    await session.execute(delete(Handover))
    await session.execute(delete(UsageEvent))


class Clock:
    """The dialogue's time, moved by the test."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


async def _volunteer(session: AsyncSession) -> handoff.Viewer:
    organization = Organization(id="org-listen", name=TEAM, description="")
    session.add(organization)
    await session.flush()
    session.add(
        HandoverDesk(
            organization_id=organization.id, city_id="tangier", category=None,
            byday="MO,TU,WE,TH,FR,SA,SU", opens_at="00:00", closes_at="23:59",
        )
    )  # fmt: skip
    account = await create_account(
        session, name="Samira", role=Role.ASSOCIATION, organization_id=organization.id
    )
    return handoff.Viewer(account.id, organization.id, city_team=False)


async def _person_writes(person: Conversation, redis: Redis, clock: Clock, text: str) -> None:
    """The person writes on WhatsApp: the webhook opens the window, the worker answers."""
    await window.record_inbound(redis, KEY, WA_ID, int(clock.now.timestamp()))
    await person.write(text)


async def _handed_over(
    person: Conversation, session: AsyncSession, volunteer: handoff.Viewer, clock: Clock
) -> Handover:
    await person.hands_over("ar", "tangier", "health", "أحتاج إلى طبيب لابنتي")
    handover = (await session.scalars(select(Handover))).one()
    await handoff.take(session, volunteer, handover.id, clock.now, team=TEAM)
    return handover


async def _handed_over_long_ago(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, dialogue: Dialogue,
    session: AsyncSession,
) -> tuple[Conversation, Clock, handoff.Viewer, Handover]:  # fmt: skip
    """A person in Tangier handed over to a volunteer 25 hours ago: the window has closed."""
    volunteer = await _volunteer(session)
    nlu: NLUClient = dialogue._nlu
    clock = Clock(dt.datetime.now(dt.UTC) - dt.timedelta(hours=25))
    person = Conversation(
        make_dialogue(sessions, redis, nlu, clock=clock), chat_id=WA_ID, channel="whatsapp",
        language_hint="ar",
    )  # fmt: skip
    return person, clock, volunteer, await _handed_over(person, session, volunteer, clock)


async def _send_all(redis: Redis, client: WhatsAppClient) -> None:
    """Run the real sender over what the relay queued."""
    await queue.ensure_groups(redis)
    for entry_id, fields in await read_new(redis, queue.SENDERS, "t", queue.OUTBOUND):
        await sender.handle(
            redis, {"whatsapp": client.send}, entry_id, Outbound.from_fields(fields),
            base_delay_s=0.01,
        )  # fmt: skip


async def test_an_answer_after_the_window_goes_as_the_template_then_itself_on_reply(
    whatsapp: Api, sessions: async_sessionmaker[AsyncSession], redis: Redis,
    dialogue_without_nlu: Dialogue, session: AsyncSession,
) -> None:  # fmt: skip
    stand_in, client = whatsapp
    person, clock, volunteer, handover = await _handed_over_long_ago(
        sessions, redis, dialogue_without_nlu, session
    )
    relay = Relay(sessions, redis, KEY, whatsapp_template=TEMPLATE)
    assert await relay.run_once() == 1, "the 'taken' notice"
    stand_in.close_window(WA_ID)
    await _send_all(redis, client)
    assert stand_in.sent() == [], "outside the window no free-form notice goes out"

    now = dt.datetime.now(dt.UTC)
    first = await handoff.answer(
        session, volunteer, handover.id, now, text="تعالي يوم الثلاثاء", reengage_team=TEAM
    )
    second = await handoff.answer(
        session, volunteer, handover.id, now, text="واسألي عن سميرة", reengage_team=TEAM
    )
    await handoff.close(session, volunteer, handover.id, now)
    assert (first.held, second.held) == (True, True)
    assert await relay.run_once() == 1, "only the notice: the answers wait for the person"
    await _send_all(redis, client)
    (call,) = stand_in.sent()
    assert call.type == "template"
    assert call.template == (TEMPLATE, "ar", [TEAM])
    assert call.body["template"]["components"] == [
        {"type": "body", "parameters": [{"type": "text", "text": TEAM}]}
    ]
    assert await relay.run_once() == 0, "nothing more goes out before the person writes"

    clock.now = dt.datetime.now(dt.UTC)
    stand_in.person_wrote(WA_ID)
    await _person_writes(person, redis, clock, "شكرا")
    assert await relay.run_once() == 3
    await _send_all(redis, client)
    texts = [c.text for c in stand_in.sent()[1:]]
    assert texts[:2] == ["🙋 تعالي يوم الثلاثاء", "🙋 واسألي عن سميرة"], "in the order written"
    assert texts[2].startswith("أنهى المتطوع المحادثة"), "then the end of the conversation"
    held = await session.scalars(select(HandoverMessage.held))
    assert not any(held.all())


async def test_without_the_template_the_answer_is_refused_and_nothing_is_kept(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, dialogue_without_nlu: Dialogue,
    session: AsyncSession,
) -> None:  # fmt: skip
    _person, _clock, volunteer, handover = await _handed_over_long_ago(
        sessions, redis, dialogue_without_nlu, session
    )
    with pytest.raises(errors.WindowClosed):
        await handoff.answer(session, volunteer, handover.id, dt.datetime.now(dt.UTC), text="؟")
    authors = await session.scalars(
        select(HandoverMessage.author).where(HandoverMessage.handover_id == handover.id)
    )
    assert "volunteer" not in authors.all()


async def test_a_command_reopens_the_window_too(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, dialogue_without_nlu: Dialogue,
    session: AsyncSession,
) -> None:  # fmt: skip
    person, clock, volunteer, handover = await _handed_over_long_ago(
        sessions, redis, dialogue_without_nlu, session
    )
    clock.now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    await person.say("/help")
    answer = await handoff.answer(
        session, volunteer, handover.id, dt.datetime.now(dt.UTC), text="نعم", reengage_team=TEAM
    )
    assert not answer.held, "the window is open: the answer goes at once"


def test_template_languages_fall_back_where_meta_has_none() -> None:
    assert [template_language(x) for x in ("ar", "pt", "fa", "uk", "tr")] == [
        "ar", "pt_PT", "fa", "uk", "tr",
    ]  # fmt: skip
    assert [template_language(x) for x in ("ti", "bm", "ps", "xx")] == ["en", "fr", "fa", "en"]
