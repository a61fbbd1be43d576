"""Exact linear algebra for checking that published figures do not determine a hidden one."""

from __future__ import annotations

from collections.abc import Hashable
from fractions import Fraction


class Span:
    """The rational span of 0/1 vectors over atoms, in reduced row echelon form."""

    def __init__(self) -> None:
        self.rows: dict[Hashable, dict[Hashable, Fraction]] = {}

    def _reduce(self, vector: dict[Hashable, Fraction]) -> dict[Hashable, Fraction]:
        vector = dict(vector)
        for pivot, row in self.rows.items():
            factor = vector.get(pivot, Fraction(0))
            if factor:
                for atom, value in row.items():
                    vector[atom] = vector.get(atom, Fraction(0)) - factor * value
        return {atom: value for atom, value in vector.items() if value}

    def add(self, atoms: frozenset[Hashable]) -> None:
        """Add the figure summing `atoms`."""
        rest = self._reduce(dict.fromkeys(atoms, Fraction(1)))
        if not rest:
            return
        pivot = min(rest, key=repr)
        scale = rest[pivot]
        rest = {atom: value / scale for atom, value in rest.items()}
        for row in self.rows.values():
            factor = row.get(pivot, Fraction(0))
            if factor:
                for atom, value in rest.items():
                    row[atom] = row.get(atom, Fraction(0)) - factor * value
                    if not row[atom]:
                        del row[atom]
        self.rows[pivot] = rest

    def holds(self, atoms: frozenset[Hashable]) -> bool:
        """Tell whether the sum of `atoms` is a linear combination of the figures added."""
        return not self._reduce(dict.fromkeys(atoms, Fraction(1)))
