"""A message handled twice is answered the same, and counted once.

A worker can die after the dialogue ran and before its replies were queued; another worker
then handles the message again. So the dialogue writes what it decided (the replies, and the
state they leave) in the same database transaction as the turn's other effects (usage
events, subscriptions, kept questions): either all of them happened or none did. A second run
of the same message finds the row and answers from it, without counting, paging or
subscribing again. Its chat's later messages cannot have been handled in between: they wait
behind it in their lane (bot/queue.py).

Rows are keyed by a keyed hash of the channel, chat and platform message id and hold no text
the person wrote. The replies can say more than the person wants kept, though (the distances
to services from a point they shared, the city they chose), and `/forget` cannot find a row by
its chat. So what was decided is kept only `DECIDED_KEEP_S`, far longer than a takeover takes
(a worker takes a pending entry over after a minute; a restarted app at once), then erased:
the row stays, empty, until `KEEP_S`, so that a message handled again later still changes
nothing; it is answered with an apology and the menu, never with silence.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import DateTime, ScalarSelect, String, Text, delete, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.messages import IncomingMessage, Reply
from bot.state import ConversationState
from core.db import Base, transaction
from core.pseudonym import pseudonym

log = logging.getLogger(__name__)

KEEP_S = 24 * 3600
DECIDED_KEEP_S = 600
PURGE_INTERVAL_S = 60.0
# What an erased row holds in place of the replies (a row's JSON list is never empty text).
ERASED = ""


class HandledTurn(Base):
    """What the dialogue decided for one incoming message."""

    __tablename__ = "handled_turn"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    replies: Mapped[str] = mapped_column(Text)  # JSON list of Reply.to_dict()
    state: Mapped[str | None] = mapped_column(Text)  # JSON of the state after; None: forgotten
    handled_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


@dataclass(frozen=True, slots=True)
class Decided:
    """The replies of a turn already handled, and the state it left (None: erased)."""

    replies: list[Reply]
    state: ConversationState | None
    # Handled so long ago that what was decided has been erased: neither is known.
    erased: bool = False


def turn_key(pseudonym_key: bytes, message: IncomingMessage) -> str:
    """The row's key: one message of one chat, not reversible to either."""
    return pseudonym(pseudonym_key, message.channel, f"{message.chat_id}/{message.message_id}")


async def find(
    session: AsyncSession, key: str, also: ScalarSelect[Any]
) -> tuple[Decided | None, Any]:
    """Return what was decided for the message `key`, if it was handled already, and the value
    of `also`, asked in the same round trip (a turn begins by asking both)."""
    stored = select(HandledTurn.replies, HandledTurn.state).where(HandledTurn.key == key)
    replies = stored.with_only_columns(HandledTurn.replies).scalar_subquery()
    state = stored.with_only_columns(HandledTurn.state).scalar_subquery()
    row = (await session.execute(select(replies, state, also))).one()
    stored_replies, stored_state, value = row
    if stored_replies is None:  # never NULL in a row: there is none
        return None, value
    if stored_replies == ERASED:
        return Decided([], None, erased=True), value
    decided = [Reply.from_dict(reply) for reply in json.loads(stored_replies)]
    return Decided(decided, _state(stored_state)), value


def _state(stored: str | None) -> ConversationState | None:
    if stored is None:
        return None
    # Only the fields the state has now: a row may predate a change of the state's shape.
    known = {field.name for field in dataclasses.fields(ConversationState)}
    values = {name: value for name, value in json.loads(stored).items() if name in known}
    return ConversationState(**values)


def remember(
    session: AsyncSession,
    key: str,
    replies: list[Reply],
    state: ConversationState | None,
    now: dt.datetime,
) -> None:
    """Write what was decided, in the transaction of the turn's other effects."""
    session.add(
        HandledTurn(
            key=key,
            replies=json.dumps([reply.to_dict() for reply in replies], ensure_ascii=False),
            state=json.dumps(dataclasses.asdict(state)) if state is not None else None,
            handled_at=now,
        )
    )


async def erase_decided(session: AsyncSession, now: dt.datetime) -> int:
    """Erase the replies and the state of the rows older than `DECIDED_KEEP_S`; return how
    many."""
    oldest_kept = now - dt.timedelta(seconds=DECIDED_KEEP_S)
    result = await session.execute(
        update(HandledTurn)
        .where(HandledTurn.handled_at < oldest_kept, HandledTurn.replies != ERASED)
        .values(replies=ERASED, state=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def purge(session: AsyncSession, now: dt.datetime) -> int:
    """Delete the rows older than `KEEP_S`; return how many."""
    oldest_kept = now - dt.timedelta(seconds=KEEP_S)
    result = await session.execute(delete(HandledTurn).where(HandledTurn.handled_at < oldest_kept))
    return int(getattr(result, "rowcount", 0) or 0)


async def purge_regularly(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Erase what was decided and delete old rows, now and then every `PURGE_INTERVAL_S`,
    until cancelled."""
    while True:
        try:
            async with transaction(sessions) as session:
                now = dt.datetime.now(dt.UTC)
                erased = await erase_decided(session, now)
                removed = await purge(session, now)
            if erased or removed:
                log.info("replay.purge erased=%d removed=%d", erased, removed)
        except (SQLAlchemyError, OSError) as error:
            log.warning("replay.purge failed: %s", type(error).__name__)
        await asyncio.sleep(PURGE_INTERVAL_S)
