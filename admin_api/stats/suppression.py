"""Small-count suppression of a statistics table: primary, then secondary until stable.

A table maps keys (one value per dimension, all keys the same length) to counts. A *slab* is the
set of cells that agree on some dimensions and vary over the others: a *line* varies over one
dimension (a row or a column in two dimensions), the whole table varies over all of them. Each
slab's sum is a number someone can read, either in this answer (the whole table's sum is its
`total`) or by asking the same question grouped by fewer dimensions or with a filter (the sum of
the row "Tangier" is the cell "Tangier" of a table grouped by city alone).

The rule, `suppress`:

1. Primary: every cell with 1 <= count < k is suppressed (k is `STATS_MIN_COUNT`).
2. Secondary: a slab must hold 0 or at least 2 suppressed cells. One that holds exactly one
   gets a second: among its unsuppressed non-zero cells, one that is not alone on a line of
   its own, then one that also completes another slab holding a single suppressed cell, then
   the smallest. This is repeated until no slab changes.
3. A slab whose only non-zero cell is suppressed is left as it is: its sum is that cell.

What it protects against:

- Reading a small count directly: never shown, not even as 0 (it is `null` and "<k").
- Subtraction inside one answer: the total minus the shown cells is the sum of two or more
  suppressed cells, never one of them.
- Subtraction against the same question grouped by fewer dimensions: every slab, so every
  cell of such a table, again covers two or more suppressed cells. The endpoints answer a
  filter (city=tangier) as a slice of the table grouped by that dimension too, so filtered
  answers are covered the same way.
- Repeating the question: the result is deterministic (ties go by count, then by key), so
  asking again never suppresses different cells and never shows their complement.

What it does not protect against (be honest with whoever publishes the figures):

- Linear combinations of several slabs from several answers. Two or more suppressed cells
  per slab is the classic rule of thumb, not a proof: with every row and column sum known,
  a suppressed cell that links two otherwise separate groups of suppressed cells is fixed by
  the equations. A complementary cell that is alone on one of its lines is worse: that line's
  sum, shown by a coarser table, is that cell. Such cells are chosen last, but sometimes they
  are the only choice.
- Tables computed independently: each answer applies the same rule to its own table, so the
  suppressed cells of one grouping need not match those of another, and a published cell of
  one may fill a gap in another. Date ranges are the main case: the API counts whole ISO
  weeks only, complete ones only, so two overlapping ranges differ by at least one whole
  week, but that week's total for a cell can still come out as a difference.
- Someone who sent some of the messages themselves (they can subtract their own), and
  anything outside these counts (knowing who was in town that week).

A stronger guarantee needs noise (differential privacy) or a fixed set of published tables
suppressed together; this rule is what a small city team can reason about and check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import itemgetter
from typing import Any

Key = tuple[str | None, ...]
# A slab: which dimensions it sums over (a bit mask), and the values of the others.
Slab = tuple[int, Any]


def _order(key: Key) -> tuple[tuple[bool, str], ...]:
    """A total order of keys holding None, for deterministic ties."""
    return tuple((value is None, value or "") for value in key)


def _projection(width: int, mask: int) -> Callable[[Key], Any]:
    """Return a function giving the values a key keeps outside the dimensions in `mask`."""
    kept = [index for index in range(width) if not mask >> index & 1]
    return itemgetter(*kept) if kept else lambda _key: ()


def suppress(counts: Mapping[Key, int], min_count: int) -> frozenset[Key]:
    """Return the keys whose counts must not be shown (primary and secondary suppression)."""
    cells = {key: count for key, count in counts.items() if count > 0}
    if not cells:
        return frozenset()
    width = len(next(iter(cells)))
    keys = sorted(cells, key=_order)
    projections = [(mask, _projection(width, mask)) for mask in range(1, 1 << width)]
    members: dict[Slab, list[Key]] = {}
    slabs_of: dict[Key, list[Slab]] = {}
    for key in keys:
        slabs = slabs_of[key] = [(mask, project(key)) for mask, project in projections]
        for slab in slabs:
            members.setdefault(slab, []).append(key)
    lines = [1 << index for index in range(width)]
    alone = {group[0] for (mask, _), group in members.items() if mask in lines and len(group) == 1}
    hidden = {key for key in keys if cells[key] < min_count}
    inside = {slab: sum(key in hidden for key in group) for slab, group in members.items()}

    def rank(key: Key, slab: Slab) -> tuple[bool, int, int, tuple[tuple[bool, str], ...]]:
        completes = sum(1 for other in slabs_of[key] if other != slab and inside[other] == 1)
        return (key in alone, -completes, cells[key], _order(key))

    changed = True
    while changed:
        changed = False
        for slab, group in members.items():
            if inside[slab] != 1:
                continue
            candidates = [key for key in group if key not in hidden]
            if not candidates:
                continue
            chosen = min(candidates, key=lambda key: rank(key, slab))
            hidden.add(chosen)
            for other in slabs_of[chosen]:
                inside[other] += 1
            changed = True
    return frozenset(hidden)
