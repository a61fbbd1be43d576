"""Handed-over conversations: opened by the bot, taken and answered in the portal, purged.

Both sides call these functions: the bot (the person's side) opens a conversation, adds the
person's messages and ends it; the portal (the volunteer's side) lists, takes, answers and
closes. Services flush; the caller's transaction commits. Volunteers are shown a label and a
language, never the chat id or the pseudonym.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass

from sqlalchemy import ScalarSelect, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.usage import FEEDBACK_OUTCOME, HANDOVER_INTENT, UsageEvent
from handoff import errors
from handoff.models import (
    CLOSED,
    CLOSED_BY_VOLUNTEER,
    ENDED_BY_PERSON,
    ESCALATED,
    EXPIRED,
    FORGOTTEN,
    NOTICE,
    OPEN_STATES,
    PERSON,
    REENGAGE,
    TAKEN,
    VOLUNTEER,
    WAITING,
    Handover,
    HandoverContact,
    HandoverDesk,
    HandoverMessage,
)

# Letters and digits nobody confuses when reading a label aloud (no 0/O, 1/I/L).
_LABEL_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# WhatsApp lets a business write freely for 24 hours after the person's last message.
WHATSAPP_WINDOW = dt.timedelta(hours=24)
# The longest message a volunteer or a person can put in the conversation.
MAX_TEXT = 4000


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who looks at conversations in the portal: a volunteer of an association, or the city."""

    account_id: int
    organization_id: str | None
    city_team: bool


def new_label() -> str:
    """Return a short label that names a conversation to volunteers and says nothing else."""
    return "".join(secrets.choice(_LABEL_ALPHABET) for _ in range(5))


async def desks(session: AsyncSession, *, city_id: str, category: str | None) -> list[HandoverDesk]:
    """Return the desks that answer conversations of a city and category, by organisation."""
    statement = select(HandoverDesk).where(HandoverDesk.city_id == city_id)
    if category is not None:
        statement = statement.where(
            or_(HandoverDesk.category.is_(None), HandoverDesk.category == category)
        )
    else:
        statement = statement.where(HandoverDesk.category.is_(None))
    return list((await session.scalars(statement.order_by(HandoverDesk.organization_id))).all())


async def city_desks(session: AsyncSession, *, city_id: str) -> list[HandoverDesk]:
    """Return every desk of a city, whatever the category it answers."""
    statement = select(HandoverDesk).where(HandoverDesk.city_id == city_id)
    return list((await session.scalars(statement.order_by(HandoverDesk.organization_id))).all())


async def set_desk(
    session: AsyncSession,
    *,
    organization_id: str,
    city_id: str,
    category: str | None,
    byday: str,
    opens_at: str,
    closes_at: str,
) -> HandoverDesk:
    """Let an association answer a city's conversations (of one category), with its hours."""
    statement = select(HandoverDesk).where(
        HandoverDesk.organization_id == organization_id,
        HandoverDesk.city_id == city_id,
        HandoverDesk.category.is_(None) if category is None else HandoverDesk.category == category,
    )
    desk = (await session.scalars(statement)).one_or_none()
    if desk is None:
        desk = HandoverDesk(organization_id=organization_id, city_id=city_id, category=category)
        session.add(desk)
    desk.byday, desk.opens_at, desk.closes_at = byday, opens_at, closes_at
    await session.flush()
    return desk


async def active(session: AsyncSession, key: str) -> Handover | None:
    """Return the open conversation of chat `key`, if it has one."""
    return (await session.scalars(select(Handover).where(Handover.id == active_id(key)))).first()


def active_id(key: str) -> ScalarSelect[int]:
    """The id of the open conversation of chat `key` (NULL if none), to ask with other things."""
    statement = select(Handover.id).where(Handover.key == key, Handover.state.in_(OPEN_STATES))
    return statement.order_by(Handover.id.desc()).limit(1).scalar_subquery()


async def open_conversation(
    session: AsyncSession,
    *,
    key: str,
    channel: str,
    sealed_chat_id: str,
    city_id: str,
    category: str | None,
    language: str,
    now: dt.datetime,
) -> Handover:
    """Open a conversation waiting for a volunteer (or return the one already open)."""
    existing = await active(session, key)
    if existing is not None:
        return existing
    handover = Handover(
        key=key, channel=channel, sealed_chat_id=sealed_chat_id, label=new_label(),
        city_id=city_id, category=category, language=language, state=WAITING,
        show_name=False, created_at=now,
    )  # fmt: skip
    session.add(handover)
    await session.flush()
    return handover


async def add_person_message(
    session: AsyncSession, handover: Handover, text: str, now: dt.datetime
) -> None:
    """Put what the person wrote in their conversation."""
    message = HandoverMessage(
        handover_id=handover.id, author=PERSON, text=text[:MAX_TEXT], created_at=now
    )
    session.add(message)
    await session.flush()


async def last_ended(session: AsyncSession, key: str, *, since: dt.datetime) -> Handover | None:
    """Return the person's conversation that ended last, if it ended after `since`."""
    statement = select(Handover).where(
        Handover.key == key, Handover.state == CLOSED, Handover.ended_at >= since
    )
    return (await session.scalars(statement.order_by(Handover.ended_at.desc()).limit(1))).first()


async def end_by_person(session: AsyncSession, handover: Handover, now: dt.datetime) -> None:
    """End the conversation at the person's request (/end)."""
    handover.state, handover.outcome, handover.ended_at = CLOSED, ENDED_BY_PERSON, now
    await session.flush()


async def forget(session: AsyncSession, key: str, now: dt.datetime) -> int:
    """Delete at once every message of chat `key`'s conversations, and what leads back to it.

    The rows stay, without key, chat id or texts, for the anonymous counts. Return how many
    conversations there were.
    """
    ids = list((await session.scalars(select(Handover.id).where(Handover.key == key))).all())
    if not ids:
        return 0
    await session.execute(delete(HandoverMessage).where(HandoverMessage.handover_id.in_(ids)))
    await session.execute(
        update(Handover)
        .where(Handover.id.in_(ids), Handover.state.in_(OPEN_STATES))
        .values(state=CLOSED, outcome=FORGOTTEN, ended_at=now)
    )
    await session.execute(
        update(Handover).where(Handover.id.in_(ids)).values(key=None, sealed_chat_id=None)
    )
    return len(ids)


async def purge(session: AsyncSession, *, now: dt.datetime, retention_days: int) -> int:
    """Delete the messages of conversations ended more than `retention_days` ago.

    A conversation left open with nothing written for that long is closed as expired and
    emptied too: nothing is kept for ever. Return how many conversations were emptied.
    """
    cutoff = now - dt.timedelta(days=retention_days)
    recent = select(HandoverMessage.id).where(
        HandoverMessage.handover_id == Handover.id, HandoverMessage.created_at >= cutoff
    )
    await session.execute(
        update(Handover)
        .where(
            Handover.state.in_(OPEN_STATES),
            Handover.created_at < cutoff,
            ~recent.exists(),
        )
        .values(state=CLOSED, outcome=EXPIRED, ended_at=now)
    )
    ended = select(Handover.id).where(
        Handover.ended_at <= now, Handover.key.is_not(None),
        or_(Handover.ended_at < cutoff, Handover.outcome == EXPIRED),
    )  # fmt: skip
    ids = list((await session.scalars(ended)).all())
    if ids:
        await session.execute(delete(HandoverMessage).where(HandoverMessage.handover_id.in_(ids)))
        await session.execute(
            update(Handover).where(Handover.id.in_(ids)).values(key=None, sealed_chat_id=None)
        )
    return len(ids)


# The volunteer's side ------------------------------------------------------------------------


def _visible(viewer: Viewer) -> object:
    """The condition on Handover that says which conversations `viewer` may see."""
    if viewer.city_team:
        return Handover.id.is_not(None)
    return answers_for(viewer.organization_id, Handover.city_id, Handover.category)


def answers_for(organization_id: object, city_id: object, category: object) -> object:
    """The condition that an organisation has a desk for conversations of a city and topic
    (each argument a value or a column)."""
    desk = select(HandoverDesk.id).where(
        HandoverDesk.organization_id == organization_id,
        HandoverDesk.city_id == city_id,
        or_(HandoverDesk.category.is_(None), HandoverDesk.category == category),
    )
    return desk.exists()


async def inbox(session: AsyncSession, viewer: Viewer) -> list[Handover]:
    """Return the open conversations `viewer` may see: escalated, then waiting, oldest first."""
    statement = select(Handover).where(
        Handover.state.in_(OPEN_STATES),
        _visible(viewer),  # type: ignore[arg-type]
    )
    if not viewer.city_team:
        statement = statement.where(
            or_(Handover.state == WAITING, Handover.volunteer_id == viewer.account_id)
        )
    # Escalated first; then waiting before taken ("waiting" > "taken"); oldest first.
    order = (Handover.escalated_at.is_(None), Handover.state.desc(), Handover.created_at)
    return list((await session.scalars(statement.order_by(*order))).all())


async def _visible_one(session: AsyncSession, viewer: Viewer, handover_id: int) -> Handover:
    statement = select(Handover).where(
        Handover.id == handover_id,
        _visible(viewer),  # type: ignore[arg-type]
    )
    handover = (await session.scalars(statement)).one_or_none()
    if handover is None:
        raise errors.NotFound("no such conversation")
    return handover


async def get(session: AsyncSession, viewer: Viewer, handover_id: int) -> Handover:
    """Return one conversation `viewer` may see (404 otherwise, whether absent or not theirs).

    A volunteer sees a waiting conversation of their desks, to take it, and the ones they
    took, until they are erased; a conversation another volunteer took is theirs alone (and
    the city team's), also once it has ended.
    """
    handover = await _visible_one(session, viewer, handover_id)
    if not viewer.city_team and handover.state != WAITING and not _mine(viewer, handover):
        raise errors.NotFound("no such conversation")
    return handover


async def messages(
    session: AsyncSession, handover: Handover, *, after: int = 0
) -> list[HandoverMessage]:
    """Return the messages of a conversation after message id `after`, in order."""
    statement = select(HandoverMessage).where(
        HandoverMessage.handover_id == handover.id, HandoverMessage.id > after
    )
    return list((await session.scalars(statement.order_by(HandoverMessage.id))).all())


async def take(
    session: AsyncSession,
    viewer: Viewer,
    handover_id: int,
    now: dt.datetime,
    *,
    team: str,
    volunteer_name: str | None = None,
) -> None:
    """Take a waiting conversation; of two volunteers taking it at once, exactly one wins.

    The person is told that a volunteer of `team` (the association's name) reads now, and
    the volunteer's name only when they chose to give it.
    """
    await _visible_one(session, viewer, handover_id)
    # One conditional UPDATE: the database lets only one of two at once find it waiting.
    result = await session.execute(
        update(Handover)
        .where(Handover.id == handover_id, Handover.state == WAITING)
        .values(
            state=TAKEN,
            volunteer_id=viewer.account_id,
            taken_at=now,
            show_name=volunteer_name is not None,
        )
        .returning(Handover.id)
    )
    if result.first() is None:
        raise errors.AlreadyTaken("another volunteer took this conversation")
    who = {"team": team} | ({"volunteer": volunteer_name} if volunteer_name else {})
    _notice(session, handover_id, "taken", now, text=json.dumps(who, ensure_ascii=False))
    await session.flush()


async def reassign(
    session: AsyncSession, viewer: Viewer, handover_id: int, volunteer_id: int | None
) -> None:
    """Give a conversation to another volunteer, or back to the inbox (city team only)."""
    if not viewer.city_team:
        raise errors.NotFound("no such conversation")
    handover = await get(session, viewer, handover_id)
    if handover.state == CLOSED:
        raise errors.Ended("this conversation has ended")
    handover.volunteer_id = volunteer_id
    handover.state = TAKEN if volunteer_id is not None else WAITING
    await session.flush()


def _own(viewer: Viewer, handover: Handover) -> None:
    if handover.state == CLOSED:
        raise errors.Ended("this conversation has ended")
    if handover.state != TAKEN or (
        handover.volunteer_id != viewer.account_id and not viewer.city_team
    ):
        raise errors.AlreadyTaken("take the conversation before answering")


def _mine(viewer: Viewer, handover: Handover) -> bool:
    return handover.volunteer_id == viewer.account_id


def _window_closed(handover: Handover, last_person: dt.datetime | None, now: dt.datetime) -> bool:
    closed = last_person is None or now - last_person > WHATSAPP_WINDOW
    return handover.channel == "whatsapp" and closed


async def _last_inbound(session: AsyncSession, handover: Handover) -> dt.datetime | None:
    """When the person last wrote: their last message, or anything else they sent since."""
    statement = select(HandoverMessage.created_at).where(
        HandoverMessage.handover_id == handover.id, HandoverMessage.author == PERSON
    )
    last = (await session.scalars(statement.order_by(HandoverMessage.id.desc()).limit(1))).first()
    # Read from the database, not the loaded row: the bot's transaction may have written it.
    since = await session.scalar(select(Handover.last_inbound_at).where(Handover.id == handover.id))
    return max((at for at in (last, since) if at is not None), default=None)


async def answer(
    session: AsyncSession,
    viewer: Viewer,
    handover_id: int,
    now: dt.datetime,
    *,
    text: str = "",
    service_id: str | None = None,
    reengage_team: str | None = None,
) -> HandoverMessage:
    """Add the volunteer's answer (a text or a service card) for the relay to deliver.

    On WhatsApp more than 24 hours after the person last wrote, only an approved template may
    reach them: with `reengage_team` (the template is configured) the answer is held and a
    notice goes out as the template, saying a volunteer of that team answered; the held
    answers go out when the person writes again (`person_wrote`). Without it, WindowClosed.
    """
    handover = await get(session, viewer, handover_id)
    _own(viewer, handover)
    held = _window_closed(handover, await _last_inbound(session, handover), now)
    if held and reengage_team is None:
        raise errors.WindowClosed(
            "WhatsApp allows no answer more than 24 hours after the person's last message"
        )
    if held and not await _held_exists(session, handover.id):
        # One template per silence: the person is told once, however many answers wait.
        _notice(session, handover.id, REENGAGE, now, text=json.dumps({"team": reengage_team}))
        await session.flush()  # the notice's id comes before the answer's: it goes out first
    message = HandoverMessage(
        handover_id=handover.id, author=VOLUNTEER, text=text[:MAX_TEXT], service_id=service_id,
        held=held, created_at=now,
    )  # fmt: skip
    session.add(message)
    if handover.first_answer_at is None:
        handover.first_answer_at = now
    await session.flush()
    return message


async def _held_exists(session: AsyncSession, handover_id: int) -> bool:
    statement = select(HandoverMessage.id).where(
        HandoverMessage.handover_id == handover_id, HandoverMessage.held.is_(True)
    )
    return (await session.scalars(statement.limit(1))).first() is not None


async def person_wrote(session: AsyncSession, key: str, now: dt.datetime) -> int:
    """Note that chat `key` wrote (WhatsApp's window is open again): release the held answers.

    The relay then delivers them, in order. Return how many were held.
    """
    await session.execute(
        update(Handover)
        .where(Handover.key == key, Handover.state.in_(OPEN_STATES))
        .values(last_inbound_at=now)
    )
    mine = select(Handover.id).where(Handover.key == key)
    result = await session.execute(
        update(HandoverMessage)
        .where(HandoverMessage.held.is_(True), HandoverMessage.handover_id.in_(mine))
        .values(held=False)
        .returning(HandoverMessage.id)
    )
    return len(result.all())


async def close(session: AsyncSession, viewer: Viewer, handover_id: int, now: dt.datetime) -> None:
    """End the conversation from the portal; the person is told, and gets the menu back."""
    handover = await get(session, viewer, handover_id)
    _own(viewer, handover)
    handover.state, handover.outcome, handover.ended_at = CLOSED, CLOSED_BY_VOLUNTEER, now
    _notice(session, handover.id, "closed", now)
    await session.flush()


def taken_by(notice: HandoverMessage) -> tuple[str, str | None]:
    """Return the team, and the volunteer's name if they gave it, of a "taken" notice."""
    who = json.loads(notice.text)
    return str(who["team"]), who.get("volunteer")


def _notice(
    session: AsyncSession, handover_id: int, kind: str, now: dt.datetime, *, text: str = ""
) -> None:
    notice = HandoverMessage(
        handover_id=handover_id, author=NOTICE, notice=kind, text=text, created_at=now
    )
    session.add(notice)


# The relay ---------------------------------------------------------------------------------


async def undelivered(
    session: AsyncSession, *, limit: int = 50
) -> list[tuple[HandoverMessage, Handover]]:
    """Return volunteer messages and notices not yet queued for the person, oldest first.

    A held answer, and whatever of its conversation came after it, waits until released:
    the person gets them in the order they were written. The rows are locked (others
    skipped), so two relays never take the same message.
    """
    earlier = aliased(HandoverMessage)
    held_before = select(earlier.id).where(
        earlier.handover_id == HandoverMessage.handover_id,
        earlier.held.is_(True),
        earlier.id <= HandoverMessage.id,
    )
    statement = (
        select(HandoverMessage, Handover)
        .join(Handover, Handover.id == HandoverMessage.handover_id)
        .where(
            HandoverMessage.author != PERSON,
            HandoverMessage.delivered_at.is_(None),
            ~held_before.exists(),
        )
        .order_by(HandoverMessage.id)
        .limit(limit)
        .with_for_update(of=HandoverMessage, skip_locked=True)
    )
    return [(message, handover) for message, handover in (await session.execute(statement)).all()]


async def escalate(session: AsyncSession, *, now: dt.datetime, minutes: int) -> int:
    """Mark the requests nobody took within `minutes` as escalated; return how many.

    The person is told too (an "escalated" notice the relay delivers): nobody was free yet,
    the city team knows, and the emergency numbers are one tap away.
    """
    cutoff = now - dt.timedelta(minutes=minutes)
    result = await session.execute(
        update(Handover)
        .where(
            Handover.state == WAITING,
            Handover.escalated_at.is_(None),
            Handover.created_at < cutoff,
        )
        .values(escalated_at=now)
        .returning(Handover.id)
    )
    escalated = [handover_id for (handover_id,) in result.all()]
    for handover_id in escalated:
        _notice(session, handover_id, ESCALATED, now)
    return len(escalated)


async def contacts(session: AsyncSession) -> dict[str, HandoverContact]:
    """Return the city team's notification address of each city that has one."""
    found = await session.scalars(select(HandoverContact))
    return {contact.city_id: contact for contact in found.all()}


async def set_contact(
    session: AsyncSession, *, city_id: str, email: str | None, language: str
) -> None:
    """Set (or, with None, remove) the address told of a city's escalated requests."""
    contact = await session.get(HandoverContact, city_id)
    if email is None:
        if contact is not None:
            await session.delete(contact)
    elif contact is None:
        session.add(HandoverContact(city_id=city_id, email=email, language=language))
    else:
        contact.email, contact.language = email, language
    await session.flush()


async def claim_escalation_mails(
    session: AsyncSession, *, now: dt.datetime, limit: int = 20
) -> list[Handover]:
    """Mark escalated requests, still waiting and never mailed, as mailed; return them.

    The mark is written before the e-mail goes: a crash in between loses an e-mail, never
    sends one twice. Rows other relays hold are skipped.
    """
    statement = (
        select(Handover)
        .where(
            Handover.state == WAITING,
            Handover.escalated_at.is_not(None),
            Handover.escalation_mailed_at.is_(None),
        )
        .order_by(Handover.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = list((await session.scalars(statement)).all())
    for handover in claimed:
        handover.escalation_mailed_at = now
    await session.flush()
    return claimed


async def unclaim_escalation_mail(session: AsyncSession, handover_id: int) -> None:
    """Let the e-mail of a request be tried again (the mail server refused or was down)."""
    await session.execute(
        update(Handover).where(Handover.id == handover_id).values(escalation_mailed_at=None)
    )


async def escalated_count(session: AsyncSession) -> int:
    """Count the requests still waiting that were escalated to the city team."""
    statement = select(func.count()).where(
        Handover.state == WAITING, Handover.escalated_at.is_not(None)
    )
    return int(await session.scalar(statement) or 0)


@dataclass(frozen=True, slots=True)
class Figures:
    """What the city team reads of the handovers: counts and times, never a text."""

    total: int
    open: int
    # Ended conversations by outcome (closed_by_volunteer, ended_by_person, forgotten).
    outcomes: dict[str, int]
    answered: int
    # The median time from the request to the volunteer's first answer.
    median_first_answer: dt.timedelta | None
    # The 👍 and 👎 given after a conversation ended: did the volunteer help?
    helped: int = 0
    not_helped: int = 0


async def figures(session: AsyncSession) -> Figures:
    """Count the conversations, their outcomes and the median time to a first answer."""
    rows = (
        await session.execute(
            select(Handover.state, Handover.outcome, Handover.created_at, Handover.first_answer_at)
        )
    ).all()
    outcomes: dict[str, int] = {}
    waits = []
    for state, outcome, created_at, first_answer_at in rows:
        if state == CLOSED and outcome:
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if first_answer_at is not None:
            waits.append(first_answer_at - created_at)
    waits.sort()
    median = None
    if waits:
        middle = len(waits) // 2
        median = waits[middle] if len(waits) % 2 else (waits[middle - 1] + waits[middle]) / 2
    still_open = sum(1 for state, *_ in rows if state in OPEN_STATES)
    ratings = await session.execute(
        select(UsageEvent.feedback, func.count())
        .where(UsageEvent.intent == HANDOVER_INTENT, UsageEvent.outcome == FEEDBACK_OUTCOME)
        .group_by(UsageEvent.feedback)
    )
    rated = {feedback: int(count) for feedback, count in ratings.all()}
    return Figures(
        len(rows), still_open, outcomes, len(waits), median,
        helped=rated.get("up", 0), not_helped=rated.get("down", 0),
    )  # fmt: skip
