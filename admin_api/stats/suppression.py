"""Small-count suppression of one week's table, audited so that no hidden figure can be derived.

Every answer of the statistics API is built from one table per ISO week: the week's events
counted per *fine cell*, one value in every column dimension (city, district, category,
language, channel, outcome, feedback). A *figure* is a sum of fine cells that some question
can ask for: the cells agreeing on some dimensions, whatever the others (Tangier's health
questions that week, the week's total, one fine cell). Each figure is the set of fine cells it
sums, so two questions that sum the same cells (grouped by district, or by city and district)
ask for the same figure and get the same answer.

`protect` decides, for one week, which figures are hidden:

1. Primary: every figure counting 1 to k-1 events (k is `STATS_MIN_COUNT`).
2. Audit: the published figures are linear equations over the fine cells; the published fine
   cells are known numbers, the hidden ones unknowns. A hidden figure can be derived exactly
   when its unknowns are a linear combination of the equations (subtracting and adding any
   published figures). That is decided exactly, by elimination over the rationals.
3. Each derivable hidden figure gets a complement: among the published figures sharing its
   unknowns, the finest; in it, the smallest published fine cell is hidden (a new unknown in
   every figure that holds it), or, if it holds none, that figure itself. Then the audit
   again, until it finds nothing derivable. Hiding only removes equations, so this ends.

Periods are then sums of weeks, and a period's cell is shown only if every week's figure in it
is shown (see `service.py`): every published number of every answer is a sum of published
week figures, the weeks do not share fine cells, so no combination of answers, for any periods,
groupings and filters, determines a hidden figure. What this does not cover is written in the
README ("Suppression").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from math import gcd
from typing import Any

Key = tuple[str | None, ...]
# A figure: the set of fine cells it sums, bit i for the i-th fine cell in key order.
Figure = int
_Row = dict[int, int]


def order(key: Sequence[str | None]) -> tuple[tuple[bool, str], ...]:
    """A total order of keys holding None, for deterministic ties."""
    return tuple((value is None, value or "") for value in key)


def projection(width: int, mask: int) -> Callable[[Key], Key]:
    """Return a function giving the values a key keeps in the dimensions of `mask`."""
    kept = [index for index in range(width) if mask >> index & 1]
    return lambda key: tuple(key[index] for index in kept)


@dataclass(frozen=True, slots=True)
class Protection:
    """One week's fine cells in key order with their counts, and the figures kept hidden."""

    keys: tuple[Key, ...]
    counts: tuple[int, ...]
    hidden: frozenset[Figure]


def figures_of(keys: Sequence[Key], counts: Sequence[int]) -> dict[Figure, int]:
    """Return every figure of the week (every grouping's every cell) with its count."""
    width = len(keys[0])
    figures: dict[Figure, int] = {}
    for mask in range(1 << width):
        project = projection(width, mask)
        groups: dict[Any, list[int]] = {}
        for index, key in enumerate(keys):
            group = groups.setdefault(project(key), [0, 0])
            group[0] |= 1 << index
            group[1] += counts[index]
        for bits, count in groups.values():
            figures[bits] = count
    return figures


class _Echelon:
    """Integer rows in echelon form, each keyed by its lowest column (its pivot)."""

    def __init__(self) -> None:
        self.rows: dict[int, _Row] = {}

    def reduce(self, row: _Row) -> _Row:
        """Return what is left of `row` once every pivot it holds is eliminated."""
        row = dict(row)
        while row:
            pivot = min(row)
            basis = self.rows.get(pivot)
            if basis is None:
                return row
            factor, scale = row[pivot], basis[pivot]
            merged = {col: value * scale for col, value in row.items()}
            for col, value in basis.items():
                merged[col] = merged.get(col, 0) - factor * value
            row = _normalised({col: value for col, value in merged.items() if value})
        return row

    def add(self, row: _Row) -> None:
        """Add `row` to the span (nothing if it is in it already)."""
        rest = self.reduce(row)
        if rest:
            self.rows[min(rest)] = rest


def _normalised(row: _Row) -> _Row:
    divisor = 0
    for value in row.values():
        divisor = gcd(divisor, value)
    return {col: value // divisor for col, value in row.items()} if divisor > 1 else row


def _indices(bits: int) -> list[int]:
    indices = []
    while bits:
        low = bits & -bits
        indices.append(low.bit_length() - 1)
        bits ^= low
    return indices


def _row(bits: int) -> _Row:
    return dict.fromkeys(_indices(bits), 1)


def _unknowns(hidden: Iterable[Figure]) -> int:
    """The hidden fine cells: the figures of one cell each."""
    unknown = 0
    for bits in hidden:
        if bits & (bits - 1) == 0:
            unknown |= bits
    return unknown


def derivable(figures: Iterable[Figure], hidden: frozenset[Figure] | set[Figure]) -> list[Figure]:
    """Return the hidden figures that a linear combination of the published ones determines."""
    unknown = _unknowns(hidden)
    echelon = _Echelon()
    for bits in sorted({bits & unknown for bits in figures if bits not in hidden} - {0}):
        echelon.add(_row(bits))
    return [bits for bits in sorted(hidden) if not echelon.reduce(_row(bits & unknown))]


class _Complements:
    """Chooses what to hide so that a derivable figure no longer is (the module's step 3)."""

    def __init__(self, figures: Mapping[Figure, int], counts: Sequence[int]) -> None:
        self.counts = counts
        self.rank = {bits: (bits.bit_count(), count, bits) for bits, count in figures.items()}
        # For each fine cell, the figures holding it, finest and smallest first.
        self.holding: list[list[Figure]] = [[] for _ in counts]
        for bits in sorted(figures, key=self.rank.__getitem__):
            for index in _indices(bits):
                self.holding[index].append(bits)

    def choose(self, target: Figure, hidden: set[Figure], unknown: int) -> Figure | None:
        """Return the figure to hide next for `target`, None if nothing published shares it.

        A published fine cell is hidden rather than a figure wherever one fits: a new unknown
        in the finest equation, so coarse figures, the ones people read, stay shown.
        """
        cells = _indices(target & unknown)
        finest = self._finest(cells, hidden, unknown) or self._finest(cells, hidden, 0)
        if finest is None:
            # An earlier complement of this round took its last equation: it is safe already.
            return None
        known = _indices(finest & ~unknown)
        if not known:
            return finest
        return 1 << min(known, key=lambda index: (self.counts[index], index))

    def _finest(self, cells: list[int], hidden: set[Figure], unknown: int) -> Figure | None:
        """The finest published figure holding one of `cells` (and a known cell, if `unknown`)."""
        found = [
            next((bits for bits in self.holding[index]
                  if bits not in hidden and (not unknown or bits & ~unknown)), None)
            for index in cells
        ]  # fmt: skip
        return min((bits for bits in found if bits is not None), key=self.rank.__getitem__,
                   default=None)  # fmt: skip


def protect(counts: Mapping[Key, int], min_count: int) -> Protection:
    """Return the week's fine cells and the figures hidden so that none can be derived."""
    keys = tuple(sorted((key for key, count in counts.items() if count > 0), key=order))
    values = tuple(counts[key] for key in keys)
    if not keys:
        return Protection(keys, values, frozenset())
    figures = figures_of(keys, values)
    hidden = {bits for bits, count in figures.items() if count < min_count}
    complements = _Complements(figures, values)
    while found := derivable(figures, hidden):
        unknown = _unknowns(hidden)
        for target in found:
            chosen = complements.choose(target, hidden, unknown)
            if chosen is not None:
                hidden.add(chosen)
                unknown |= chosen if chosen & (chosen - 1) == 0 else 0
    return Protection(keys, values, frozenset(hidden))


def protection(counts: Mapping[Key, int], min_count: int) -> Protection:
    """Return `protect`'s answer, computed once for a week that does not change."""
    cells = tuple(sorted(counts.items(), key=lambda item: order(item[0])))
    return _cached(cells, min_count)


@lru_cache(maxsize=512)
def _cached(cells: tuple[tuple[Key, int], ...], min_count: int) -> Protection:
    # Keyed by the counts themselves: a complete week's table does not change, and a week
    # whose counts did (a late event, a purge) is simply another key.
    return protect(dict(cells), min_count)
