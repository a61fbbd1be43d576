"""The handovers' figures as readers see them: counts and times, small counts hidden.

What the city team and authorities read of the conversations handed over to volunteers:
how many, how they ended, the median time to a first answer, and whether people said the
volunteer helped. Never a text; any count below STATS_MIN_COUNT is hidden.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from admin_api.deps import Caller, require
from admin_api.stats.reading import READERS
from handoff import service as handoff
from handoff.models import CLOSED_BY_VOLUNTEER, ENDED_BY_PERSON, EXPIRED, FORGOTTEN

OUTCOMES = (CLOSED_BY_VOLUNTEER, ENDED_BY_PERSON, FORGOTTEN, EXPIRED)


def shown(figures: handoff.Figures, minimum: int) -> dict[str, int | None]:
    """Return the figures, each None when it is below `minimum` (STATS_MIN_COUNT)."""

    def count(value: int) -> int | None:
        return value if value == 0 or value >= minimum else None

    median = figures.median_first_answer
    parts = {
        "open": count(figures.open),
        **{outcome: count(figures.outcomes.get(outcome, 0)) for outcome in OUTCOMES},
    }
    # The total is the sum of the parts: shown beside one hidden part, it would give it away
    # (6 in all, 5 open and nothing else ended: the hidden one is 1).
    hidden_part = any(value is None for value in parts.values())
    return {
        "total": None if hidden_part else count(figures.total),
        **parts,
        # A median of fewer than `minimum` waits could single out one conversation.
        "median_minutes": round(median.total_seconds() / 60)
        if median is not None and figures.answered >= minimum
        else None,
        "helped": count(figures.helped),
        "not_helped": count(figures.not_helped),
    }


async def read(caller: Caller, session: AsyncSession, minimum: int) -> dict[str, int | None]:
    """Return the handovers' figures for a reader of statistics (403 for anyone else)."""
    require(caller, *READERS)
    return shown(await handoff.figures(session), minimum)
