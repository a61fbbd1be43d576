"""No sequence of statistics answers lets anyone subtract their way to a hidden figure.

Random event tables are written to PostgreSQL, then a random sequence of questions (periods,
groupings, filters) is asked of the statistics service. Every answer cell is a sum of *atoms*,
the (week, fine cell) counts; a shown cell is a linear equation over them, a hidden one a sum
someone would like to know. "Derived" means: some combination of shown figures, added and
subtracted (differences of overlapping periods, a coarse table minus a fine one, a filtered
slice against a grouping), equals the hidden sum for every possible table. That is decided
exactly, over the rationals, by `Span` (tests/helpers/span.py), which knows nothing of the
service.
Atoms that count nothing are treated as known zeros, which only helps the attacker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from admin_api.stats.service import Period, Table, build_table, month_of, week_of
from core.usage import UsageEvent
from tests.helpers.span import Span

K = 5
# Four Mondays of 2025: W12 and W13 are in March, W14 and W15 in April (by their Thursdays).
MONDAYS = [dt.date(2025, 3, 17) + dt.timedelta(weeks=n) for n in range(4)]
VALUES: dict[str, list[str | None]] = {
    "city": ["tangier", "amman"],
    "district": [None, "medina"],
    "category": ["health", "legal", None],
    "language": ["ar", "fr"],
    "channel": ["telegram", "whatsapp"],
    "outcome": ["results", "no_result"],
}
DIMENSIONS = tuple(VALUES)
FILTERABLE = ("city", "category", "language", "channel")

Atom = tuple[int, tuple[str | None, ...]]


def test_the_checker_finds_a_difference_of_two_periods() -> None:
    """Tangier's two-week count minus its first week's count is its second week's."""
    span = Span()
    first, second = (0, ("tangier",)), (1, ("tangier",))
    span.add(frozenset({first, second}))
    assert not span.holds(frozenset({second}))
    span.add(frozenset({first}))
    assert span.holds(frozenset({second}))
    # And through a longer chain: a + b, b + c, a + c give each of them.
    chain = Span()
    a, b, c = (0, ("a",)), (0, ("b",)), (0, ("c",))
    for pair in ({a, b}, {b, c}, {a, c}):
        chain.add(frozenset(pair))
    assert chain.holds(frozenset({a}))


@dataclass(frozen=True)
class Question:
    """A question to the statistics service: weeks first..last, groupings and filters."""

    first: int
    last: int
    group_by: tuple[str, ...]
    filters: tuple[tuple[str, str], ...]


events = st.dictionaries(
    st.tuples(
        st.integers(0, len(MONDAYS) - 1),
        st.tuples(*(st.sampled_from(VALUES[name]) for name in DIMENSIONS)),
    ),
    st.integers(1, 14),
    min_size=1,
    max_size=24,
)


@st.composite
def questions(draw: st.DrawFn) -> Question:
    first = draw(st.integers(0, len(MONDAYS) - 1))
    last = draw(st.integers(first, len(MONDAYS) - 1))
    time = draw(st.sampled_from([(), ("week",), ("month",)]))
    columns = draw(st.lists(st.sampled_from(DIMENSIONS), max_size=2, unique=True))
    names = draw(st.lists(st.sampled_from(FILTERABLE), max_size=2, unique=True))
    filters = tuple((name, draw(st.sampled_from([v for v in VALUES[name] if v]))) for name in names)
    return Question(first, last, (*time, *columns) or ("week",), filters)


def _atoms(
    truth: dict[Atom, int], question: Question, values: dict[str, str | None]
) -> frozenset[Atom]:
    """The atoms a cell (or, with no grouped values, the answer's total) sums."""
    wanted = {**dict(question.filters), **values}
    found = set()
    for atom in truth:
        week, key = atom
        if not question.first <= week <= question.last:
            continue
        labels = {"week": week_of(MONDAYS[week]), "month": month_of(MONDAYS[week])}
        fields = {**labels, **dict(zip(DIMENSIONS, key, strict=True))}
        if all(fields[name] == value for name, value in wanted.items()):
            found.add(atom)
    return frozenset(found)


def _figures(
    truth: dict[Atom, int], question: Question, table: Table
) -> list[tuple[frozenset[Atom], int | None]]:
    """Each figure the answer gives, as the atoms it sums and its count (None: hidden)."""
    figures = [(_atoms(truth, question, cell.values), cell.count) for cell in table.cells]
    return [*figures, (_atoms(truth, question, {}), table.total)]


async def _ask(session: AsyncSession, question: Question) -> Table:
    period = Period(MONDAYS[question.first], MONDAYS[question.last] + dt.timedelta(days=6))
    return await build_table(
        session, group_by=question.group_by, period=period, filters=dict(question.filters),
        min_count=K,
    )  # fmt: skip


async def _write(session: AsyncSession, truth: dict[Atom, int]) -> None:
    for (week, key), count in truth.items():
        fields = dict(zip(DIMENSIONS, key, strict=True))
        day = MONDAYS[week] + dt.timedelta(days=count % 7)
        session.add_all(
            UsageEvent(day=day, intent="find_health", **fields) for _ in range(count)
        )  # fmt: skip
    await session.flush()


def assert_nothing_hidden_is_derived(
    truth: dict[Atom, int], figures: Sequence[tuple[frozenset[Atom], int | None]]
) -> None:
    """Every shown figure is right, small ones are hidden, and no hidden one is derived."""
    span = Span()
    for atoms, count in figures:
        exact = sum(truth[atom] for atom in atoms)
        if count is not None:
            assert count == exact, "a shown figure is wrong"
            assert exact == 0 or exact >= K, f"a count of {exact} is shown"
            span.add(atoms)
    for atoms, count in figures:
        if count is None:
            assert not span.holds(atoms), (
                f"the hidden sum of {sorted(atoms)} ({sum(truth[a] for a in atoms)}) "
                "is a combination of shown figures"
            )


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(truth=events, asked=st.lists(questions(), min_size=2, max_size=7))
async def test_no_hidden_figure_is_derived_from_any_sequence_of_answers(
    pg_engine: AsyncEngine, truth: dict[Atom, int], asked: list[Question]
) -> None:
    async with pg_engine.connect() as connection:
        outer = await connection.begin()
        try:
            async with AsyncSession(bind=connection) as session:
                await _write(session, truth)
                figures = []
                for question in asked:
                    figures += _figures(truth, question, await _ask(session, question))
        finally:
            await outer.rollback()
    assert_nothing_hidden_is_derived(truth, figures)
