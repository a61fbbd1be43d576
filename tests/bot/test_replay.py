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


async def test_decisions_are_kept_a_day_and_hold_no_chat_id(
    dialogue_without_nlu: Dialogue,
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
) -> None:
    person = Conversation(dialogue_without_nlu, chat_id="5550777", language_hint="en")
    # Tests that ran a real app committed their turns; this test's transaction (rolled back
    # afterwards) starts without them, so that the purge counts only this one.
    await session.execute(delete(HandledTurn))
    await person.say("/start")
    rows = list(await session.scalars(select(HandledTurn)))
    assert len(rows) == 1
    assert "5550777" not in f"{rows[0].key} {rows[0].replies} {rows[0].state}"
    later = rows[0].handled_at + dt.timedelta(seconds=replay.KEEP_S - 60)
    assert await replay.purge(session, later) == 0
    assert await replay.purge(session, later + dt.timedelta(seconds=120)) == 1
