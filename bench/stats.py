"""Percentiles of timings."""

from __future__ import annotations

import statistics


def _at(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(samples_s: list[float]) -> dict[str, float]:
    """Return p50, p95 and max of `samples_s` in milliseconds, rounded to 0.01."""
    ordered = sorted(samples_s)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(_at(ordered, 0.95) * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
        "n": len(ordered),
    }


def percentiles(samples_s: list[float]) -> dict[str, float]:
    """Return p50, p95 and p99 of `samples_s` in milliseconds, and how many there were."""
    ordered = sorted(samples_s)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(_at(ordered, 0.95) * 1000, 1),
        "p99_ms": round(_at(ordered, 0.99) * 1000, 1),
        "n": len(ordered),
    }
