"""A message handled a second time (its worker died before queueing the replies) is answered
the same way, and nothing it did is done again."""

from __future__ import annotations

import datetime as dt

from redis.asyncio import Redis
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dialogue import Dialogue, replay
from bot.dialogue.replay import HandledTurn
from bot.state import StateStore
from core.pseudonym import pseudonym
from core.usage import UsageEvent
from tests.helpers.conversation import Conversation, listed
from tests.helpers.settings import PSEUDONYM_KEY

MEDINA = (35.7860, -5.8130)  # Tangier


async def _events(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(UsageEvent)) or 0)


async def test_more_results_redelivered_shows_the_same_page_and_counts_once(
    dialogue_without_nlu: Dialogue, session: AsyncSession, redis: Redis
) -> None:
    person = Conversation(dialogue_without_nlu, language_hint="en")
    await person.say("/start")
    await person.press("lang:en")
    await person.press("city:tangier")
    first = await person.press("cat:health")
    await person.press("more")
    second = person.replies
    counted = await _events(session)

    again = await person.redelivered()
    assert again == second  # not the page after it
    assert listed(again[-1])[0][0] == listed(first)[-1][0] + 1
    assert await _events(session) == counted  # the usage event is not counted twice
    key = pseudonym(PSEUDONYM_KEY.encode(), "telegram", person.chat_id)
    assert (await StateStore(redis, ttl_s=60).load(key)).page == 2


async def test_forget_redelivered_still_forgets(
    dialogue_without_nlu: Dialogue, redis: Redis
) -> None:
    person = Conversation(dialogue_without_nlu, language_hint="fr")
    await person.say("/start")
    await person.press("lang:fr")
    await person.say("/forget")
    erased = await redis.keys("conv:*")
    await person.redelivered()
    assert erased == []
    assert await redis.keys("conv:*") == []


async def test_decisions_are_erased_in_minutes_and_the_rows_after_a_day(
    dialogue_without_nlu: Dialogue,
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
) -> None:
    person = Conversation(dialogue_without_nlu, chat_id="5550777", language_hint="en")
    # Tests that ran a real app committed their turns; this test's transaction (rolled back
    # afterwards) starts without them, so that the purge counts only this one.
    await session.execute(delete(HandledTurn))
    await person.say("/start")
    await person.press("lang:en")
    await person.press("city:tangier")
    await person.press("cat:health")
    await person.press("where")
    nearest = await person.share_location(*MEDINA)
    assert "🚶" in nearest.text  # distances from the point the person shared
    rows = list(await session.scalars(select(HandledTurn).order_by(HandledTurn.handled_at)))
    assert len(rows) == 6
    assert "5550777" not in " ".join(f"{r.key} {r.replies} {r.state}" for r in rows)
    assert "🚶" in rows[-1].replies
    handled = rows[-1].handled_at

    soon = handled + dt.timedelta(seconds=replay.DECIDED_KEEP_S - 60)
    assert await replay.erase_decided(session, soon) == 0
    later = handled + dt.timedelta(seconds=replay.DECIDED_KEEP_S + 60)
    assert await replay.erase_decided(session, later) == 6
    assert await replay.erase_decided(session, later) == 0  # erased once
    for row in await session.scalars(select(HandledTurn)):
        await session.refresh(row)
        assert (row.replies, row.state) == (replay.ERASED, None)

    day = handled + dt.timedelta(seconds=replay.KEEP_S - 60)
    assert await replay.purge(session, day) == 0
    assert await replay.purge(session, day + dt.timedelta(seconds=120)) == 6


async def test_a_message_handled_again_after_its_decision_was_erased_changes_nothing(
    dialogue_without_nlu: Dialogue, session: AsyncSession, redis: Redis
) -> None:
    person = Conversation(dialogue_without_nlu, language_hint="fr")
    await person.say("/start")
    await person.press("lang:fr")
    await person.press("city:tangier")
    await person.press("cat:health")
    await person.press("more")
    counted = await _events(session)
    key = pseudonym(PSEUDONYM_KEY.encode(), "telegram", person.chat_id)
    state = await StateStore(redis, ttl_s=60).load(key)
    assert state.page == 2

    now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=replay.DECIDED_KEEP_S + 60)
    assert await replay.erase_decided(session, now) >= 5
    (again,) = await person.redelivered()
    assert again.text.startswith("Désolé")  # the apology, in the person's language
    assert "cat:health" in [b.payload for row in again.buttons for b in row]  # and the menu
    assert await _events(session) == counted
    assert await StateStore(redis, ttl_s=60).load(key) == state
