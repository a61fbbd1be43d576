"""Small-count suppression: no total, row or column gives a hidden count away."""

from __future__ import annotations

import itertools
import random

from admin_api.stats.suppression import Key, suppress

K = 5


def _slabs(counts: dict[Key, int]) -> list[list[Key]]:
    """Every slab of the table: cells agreeing on some dimensions, varying over the rest."""
    width = len(next(iter(counts)))
    slabs: list[list[Key]] = []
    for mask in range(1, 1 << width):
        groups: dict[Key, list[Key]] = {}
        for key, count in counts.items():
            if count > 0:
                kept = tuple(v for i, v in enumerate(key) if not mask >> i & 1)
                groups.setdefault(kept, []).append(key)
        slabs.extend(groups.values())
    return slabs


def assert_protected(counts: dict[Key, int], hidden: frozenset[Key]) -> None:
    """Each slab hides 0 or 2+ cells, or its one hidden cell is its only non-zero cell."""
    assert {key for key, n in counts.items() if 0 < n < K} <= hidden
    for slab in _slabs(counts):
        inside = [key for key in slab if key in hidden]
        if len(inside) == 1:
            assert slab == inside, f"{inside[0]} is the only hidden cell of {slab}"


def test_small_cells_are_hidden_and_a_second_cell_protects_the_total() -> None:
    counts: dict[Key, int] = {("health",): 40, ("legal",): 3, ("housing",): 12, ("jobs",): 0}
    hidden = suppress(counts, K)
    # Total 55 is shown: with only "legal" hidden, 55 - 40 - 12 would be 3.
    assert hidden == {("legal",), ("housing",)}
    assert_protected(counts, hidden)


def test_nothing_is_hidden_when_every_count_reaches_the_threshold() -> None:
    counts: dict[Key, int] = {("a", "x"): 5, ("a", "y"): 9, ("b", "x"): 7, ("b", "y"): 50}
    assert suppress(counts, K) == frozenset()
    assert suppress({("a",): 1, ("b",): 2}, 1) == frozenset()
    assert suppress({}, K) == frozenset()


def test_two_small_cells_protect_each_other() -> None:
    counts: dict[Key, int] = {("a",): 2, ("b",): 4, ("c",): 30}
    assert suppress(counts, K) == {("a",), ("b",)}


def test_row_and_column_totals_do_not_reveal_a_single_hidden_cell() -> None:
    rows = {
        "r1": (3, 10, 12),
        "r2": (8, 20, 30),
        "r3": (9, 15, 25),
    }
    counts: dict[Key, int] = {
        (row, f"c{column + 1}"): n
        for row, values in rows.items()
        for column, n in enumerate(values)
    }
    hidden = suppress(counts, K)
    assert_protected(counts, hidden)
    # The smallest rectangle around (r1, c1), each complement the smallest that closes it.
    assert hidden == {("r1", "c1"), ("r1", "c2"), ("r2", "c1"), ("r2", "c2")}
    # What a reader can do with row sums: never isolate a hidden cell.
    row_total = sum(counts[("r1", c)] for c in ("c1", "c2", "c3"))
    shown = sum(counts[("r1", c)] for c in ("c1", "c2", "c3") if ("r1", c) not in hidden)
    assert row_total - shown == 3 + 10


def test_a_line_with_one_other_non_zero_cell_hides_that_cell_whatever_its_size() -> None:
    counts: dict[Key, int] = {("tangier", "legal"): 2, ("tangier", "health"): 200}
    assert suppress(counts, K) == {("tangier", "legal"), ("tangier", "health")}


def test_a_cell_alone_in_its_row_and_column_is_still_protected_by_the_total() -> None:
    # (lyon, legal) shares no row or column with anything, but the grand total would show it.
    counts: dict[Key, int] = {("lyon", "legal"): 2, ("tangier", "health"): 30}
    hidden = suppress(counts, K)
    assert hidden == {("lyon", "legal"), ("tangier", "health")}
    assert_protected(counts, hidden)


def test_a_cell_alone_on_its_own_line_is_the_last_choice_of_complement() -> None:
    # Row r1 needs a complement: (r1, c2) is alone in column c2, so a table grouped by column
    # would show it exactly; (r1, c3) is not alone, so it is chosen although it is larger.
    counts: dict[Key, int] = {
        ("r1", "c1"): 2, ("r1", "c2"): 10, ("r1", "c3"): 11,
        ("r2", "c1"): 6, ("r2", "c3"): 14,
    }  # fmt: skip
    hidden = suppress(counts, K)
    assert ("r1", "c3") in hidden
    assert ("r1", "c2") not in hidden
    assert_protected(counts, hidden)


def test_three_dimensions_converge_to_a_protected_and_deterministic_pattern() -> None:
    generator = random.Random(20261126)
    weeks, cities, categories = ["W1", "W2", "W3", "W4"], ["tng", "lyo", "vie"], list("abcde")
    counts: dict[Key, int] = {
        key: generator.choice([0, 1, 2, 3, 4, 6, 9, 15, 40])
        for key in itertools.product(weeks, cities, categories)
    }
    hidden = suppress(counts, K)
    assert_protected(counts, hidden)
    assert any(0 < counts[key] < K for key in hidden)
    assert len(hidden) < sum(1 for n in counts.values() if n > 0)
    shuffled = list(counts.items())
    generator.shuffle(shuffled)
    assert suppress(dict(shuffled), K) == hidden


def test_none_is_a_value_like_any_other() -> None:
    counts: dict[Key, int] = {(None, "x"): 2, ("a", "x"): 9, (None, "y"): 8, ("a", "y"): 30}
    hidden = suppress(counts, K)
    assert_protected(counts, hidden)
    assert (None, "x") in hidden
