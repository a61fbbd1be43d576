"""A message whose turn meets the database out of reach waits for it, then gets an apology.

The database here is a real asyncpg engine pointed at a port nobody listens on: what a worker
meets while PostgreSQL is down. The crash test (`tests/dalil/test_crash_processes.py`) stops
a real PostgreSQL mid-burst and sees the waiting messages answered once it is back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from bot import queue, worker
from bot.dialogue import Dialogue
from bot.dialogue.respond import Unavailable
from bot.messages import IncomingMessage
from core.db import create_engine, session_factory, unavailable
from nlu.client import NLUClient
from tests.helpers.dialogue import make_dialogue
from tests.helpers.streams import entries, outbound, read_new
from tests.standins.server import free_port

MESSAGE = IncomingMessage("telegram", "5550002", "778", "command", text="/help")


@pytest.fixture
async def unreachable(redis: Redis, nlu: NLUClient) -> AsyncIterator[Dialogue]:
    engine = create_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/dalil")
    yield make_dialogue(session_factory(engine), redis, nlu)
    await engine.dispose()


async def test_the_turn_raises_unavailable_with_an_apology_to_send_later(
    unreachable: Dialogue,
) -> None:
    with pytest.raises(Unavailable) as raised:
        await unreachable.respond(MESSAGE)
    assert unavailable(raised.value.__cause__ or raised.value)
    (apology,) = raised.value.apology
    assert apology.text == "Sorry, something went wrong on my side. Please try again soon."


async def test_a_young_message_stays_queued_and_an_old_one_gets_the_apology(
    redis: Redis, unreachable: Dialogue
) -> None:
    await queue.ensure_groups(redis)
    assert await queue.accept(redis, "tg:1:778", MESSAGE)
    ((entry_id, fields),) = await read_new(redis, queue.WORKERS, "w", queue.INBOUND)
    with pytest.raises(Unavailable):
        await worker.handle(redis, unreachable.respond, entry_id, fields["message"])
    assert await entries(redis, queue.OUTBOUND) == []
    assert await redis.xlen(queue.INBOUND) == 1  # still there, to be tried again
    # Held as long as allowed: the person is answered rather than left in silence.
    await worker.handle(redis, unreachable.respond, entry_id, fields["message"], hold_s=0)
    (reply,) = await outbound(redis)
    assert reply.reply is not None
    assert reply.reply.text == "Sorry, something went wrong on my side. Please try again soon."
    assert await redis.xlen(queue.INBOUND) == 0
