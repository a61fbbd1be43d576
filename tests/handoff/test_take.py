"""Two volunteers taking the same conversation at once: exactly one wins, on real PostgreSQL.

Each volunteer's request has its own connection and transaction, as two portal requests do;
the second one's conditional UPDATE waits for the first's row lock and then finds the
conversation taken.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from admin_api.accounts.models import Account, Role
from admin_api.accounts.service import create_account
from handoff import errors
from handoff import service as handoff
from handoff.models import Handover, HandoverDesk, HandoverMessage
from services_directory.listings.models import Organization

NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
async def waiting(pg_engine: AsyncEngine) -> AsyncIterator[tuple[int, list[handoff.Viewer]]]:
    """A committed conversation waiting in Lyon, and two volunteers of the desk that sees it."""
    org_id = f"org-{uuid.uuid4().hex[:8]}"
    async with AsyncSession(pg_engine) as session, session.begin():
        session.add(Organization(id=org_id, name="Accueil Lyon", description=""))
        await session.flush()
        session.add(HandoverDesk(organization_id=org_id, city_id="lyon", category=None))
        viewers = []
        for name in ("Samira", "Karim"):
            account = await create_account(
                session, name=name, role=Role.ASSOCIATION, organization_id=org_id
            )
            viewers.append(handoff.Viewer(account.id, org_id, city_team=False))
        handover = await handoff.open_conversation(
            session, key=uuid.uuid4().hex, channel="telegram", sealed_chat_id="sealed",
            city_id="lyon", category="legal", language="ar", now=NOW,
        )  # fmt: skip
        handover_id = handover.id
    yield handover_id, viewers
    async with AsyncSession(pg_engine) as session, session.begin():
        await session.execute(delete(Handover).where(Handover.id == handover_id))
        await session.execute(delete(Account).where(Account.organization_id == org_id))
        await session.execute(delete(Organization).where(Organization.id == org_id))


async def test_two_volunteers_taking_at_once_exactly_one_wins(
    pg_engine: AsyncEngine, waiting: tuple[int, list[handoff.Viewer]]
) -> None:
    handover_id, (samira, karim) = waiting
    async with AsyncSession(pg_engine) as first, AsyncSession(pg_engine) as second:
        async with first.begin():
            await handoff.take(first, samira, handover_id, NOW, team="Accueil Lyon")
            # Karim presses "take" before Samira's request has committed.
            karim_takes = asyncio.create_task(_take_in_own_transaction(second, karim, handover_id))
            await asyncio.sleep(0.5)
            assert not karim_takes.done(), "the second UPDATE waits for the first one's lock"
        with pytest.raises(errors.AlreadyTaken):
            await karim_takes
    async with AsyncSession(pg_engine) as session:
        handover = await session.get(Handover, handover_id)
        assert handover is not None
        assert (handover.state, handover.volunteer_id) == ("taken", samira.account_id)
        notices = await session.scalars(
            select(HandoverMessage.notice).where(HandoverMessage.handover_id == handover_id)
        )
        assert notices.all() == ["taken"], "the person is told once"


async def test_many_volunteers_at_once_one_winner(
    pg_engine: AsyncEngine, waiting: tuple[int, list[handoff.Viewer]]
) -> None:
    handover_id, viewers = waiting
    sessions = [AsyncSession(pg_engine) for _ in range(6)]
    outcomes = await asyncio.gather(
        *(
            _take_in_own_transaction(session, viewers[i % 2], handover_id)
            for i, session in enumerate(sessions)
        ),
        return_exceptions=True,
    )
    for session in sessions:
        await session.close()
    assert sum(outcome is None for outcome in outcomes) == 1
    assert all(isinstance(o, errors.AlreadyTaken) for o in outcomes if o is not None)


async def _take_in_own_transaction(
    session: AsyncSession, viewer: handoff.Viewer, handover_id: int
) -> None:
    async with session.begin():
        await handoff.take(session, viewer, handover_id, NOW, team="Accueil Lyon")


async def test_once_taken_a_conversation_is_the_taker_s_alone_also_after_it_ends(
    pg_engine: AsyncEngine, waiting: tuple[int, list[handoff.Viewer]]
) -> None:
    handover_id, (samira, karim) = waiting
    async with AsyncSession(pg_engine) as session, session.begin():
        # Waiting: every volunteer of the desk may open it, to take it.
        assert (await handoff.get(session, karim, handover_id)).id == handover_id
        await handoff.take(session, samira, handover_id, NOW, team="Accueil Lyon")
    for ended in (False, True):
        async with AsyncSession(pg_engine) as session, session.begin():
            if ended:
                await handoff.close(session, samira, handover_id, NOW)
        async with AsyncSession(pg_engine) as session:
            assert (await handoff.get(session, samira, handover_id)).id == handover_id
            with pytest.raises(errors.NotFound):
                await handoff.get(session, karim, handover_id)
    async with AsyncSession(pg_engine) as session:
        handover = await session.get(Handover, handover_id)
        assert handover is not None
        assert handover.state == "closed"
        city = handoff.Viewer(account_id=0, organization_id=None, city_team=True)
        assert (await handoff.get(session, city, handover_id)).id == handover_id
