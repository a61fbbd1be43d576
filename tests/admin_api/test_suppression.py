"""One week's protection: small figures hidden, and no hidden figure a sum of shown ones."""

from __future__ import annotations

import itertools
import random

from admin_api.stats.suppression import Key, Protection, figures_of, projection, protect
from tests.helpers.span import Span

K = 5


def _grouped(protection: Protection, mask: int) -> dict[Key, int | None]:
    """The cells of the grouping `mask` (bit i keeps dimension i): count, or None if hidden."""
    width = len(protection.keys[0])
    project = projection(width, mask)
    cells: dict[Key, tuple[int, int]] = {}
    for index, key in enumerate(protection.keys):
        bits, count = cells.get(project(key), (0, 0))
        cells[project(key)] = (bits | 1 << index, count + protection.counts[index])
    return {
        cell: None if bits in protection.hidden else count for cell, (bits, count) in cells.items()
    }


def assert_protected(counts: dict[Key, int], protection: Protection) -> None:
    """Small figures are hidden, and none hidden is a combination of the shown ones."""
    figures = figures_of(protection.keys, protection.counts)
    assert {bits for bits, n in figures.items() if n < K} <= protection.hidden
    span = Span()
    for bits in figures:
        if bits not in protection.hidden:
            span.add(frozenset(i for i in range(len(protection.keys)) if bits >> i & 1))
    for bits in protection.hidden:
        atoms = frozenset(i for i in range(len(protection.keys)) if bits >> i & 1)
        assert not span.holds(atoms), [protection.keys[i] for i in atoms]
    assert sum(protection.counts) == sum(n for n in counts.values() if n > 0)


def test_small_cells_are_hidden_and_a_second_cell_protects_the_total() -> None:
    counts: dict[Key, int] = {("health",): 40, ("legal",): 3, ("housing",): 12, ("jobs",): 0}
    protection = protect(counts, K)
    # The total 55 is shown: with only "legal" hidden, 55 - 40 - 12 would be 3.
    assert _grouped(protection, 1) == {("health",): 40, ("legal",): None, ("housing",): None}
    assert _grouped(protection, 0) == {(): 55}
    assert_protected(counts, protection)


def test_nothing_is_hidden_when_every_count_reaches_the_threshold() -> None:
    counts: dict[Key, int] = {("a", "x"): 5, ("a", "y"): 9, ("b", "x"): 7, ("b", "y"): 50}
    assert protect(counts, K).hidden == frozenset()
    assert protect({("a",): 1, ("b",): 2}, 1).hidden == frozenset()
    assert protect({}, K).hidden == frozenset()


def test_coarse_figures_stay_shown_and_fine_cells_close_the_rectangle() -> None:
    counts: dict[Key, int] = {
        ("tangier", "health"): 30, ("tangier", "legal"): 12, ("tangier", "housing"): 20,
        ("lyon", "health"): 25, ("lyon", "legal"): 2, ("lyon", "housing"): 15,
    }  # fmt: skip
    protection = protect(counts, K)
    assert_protected(counts, protection)
    assert _grouped(protection, 0b01) == {("lyon",): 42, ("tangier",): 62}
    assert _grouped(protection, 0b10) == {("health",): 55, ("housing",): 35, ("legal",): 14}
    fine = _grouped(protection, 0b11)
    assert {cell for cell, count in fine.items() if count is None} == {
        ("lyon", "legal"), ("lyon", "housing"), ("tangier", "legal"), ("tangier", "housing"),
    }  # fmt: skip


def test_a_cell_alone_in_its_line_takes_its_line_total_with_it() -> None:
    # Tangier's total would be 202 - 200: so either 200 or the total is hidden as well.
    counts: dict[Key, int] = {("tangier", "legal"): 2, ("tangier", "health"): 200}
    protection = protect(counts, K)
    assert_protected(counts, protection)
    assert _grouped(protection, 0b11)[("tangier", "legal")] is None


def test_three_dimensions_converge_to_a_protected_and_deterministic_pattern() -> None:
    generator = random.Random(20261126)
    districts, channels, categories = ["d1", "d2", "d3", "d4"], ["tg", "wa", "web"], list("abcde")
    counts: dict[Key, int] = {
        key: generator.choice([0, 1, 2, 3, 4, 6, 9, 15, 40])
        for key in itertools.product(districts, channels, categories)
    }
    protection = protect(counts, K)
    assert_protected(counts, protection)
    # The week's total and the channel table are read most; they are shown here.
    assert _grouped(protection, 0)[()] is not None
    assert None not in _grouped(protection, 0b010).values()
    shuffled = list(counts.items())
    generator.shuffle(shuffled)
    assert protect(dict(shuffled), K) == protection


def test_none_is_a_value_like_any_other() -> None:
    counts: dict[Key, int] = {(None, "x"): 2, ("a", "x"): 9, (None, "y"): 8, ("a", "y"): 30}
    protection = protect(counts, K)
    assert_protected(counts, protection)
    assert _grouped(protection, 0b11)[(None, "x")] is None


def test_the_handovers_total_is_hidden_beside_a_hidden_part() -> None:
    import datetime as dt

    from admin_api.stats.handovers import shown
    from handoff.service import Figures

    # 6 in all, 5 open, 1 closed by a volunteer: the total would give the 1 away.
    one_closed = Figures(
        total=6, open=5, outcomes={"closed_by_volunteer": 1}, answered=1,
        median_first_answer=dt.timedelta(minutes=3),
    )  # fmt: skip
    figures = shown(one_closed, K)
    assert figures["closed_by_volunteer"] is None
    assert figures["total"] is None
    assert figures["open"] == 5
    assert figures["median_minutes"] is None
    # Every part shown (or nothing there): the total too.
    enough = Figures(
        total=11, open=5, outcomes={"closed_by_volunteer": 6}, answered=6,
        median_first_answer=dt.timedelta(minutes=3),
    )  # fmt: skip
    assert shown(enough, K)["total"] == 11
