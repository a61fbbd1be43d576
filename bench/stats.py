"""Percentiles of timings."""

from __future__ import annotations

import statistics


def summary(samples_s: list[float]) -> dict[str, float]:
    """Return p50, p95 and max of `samples_s` in milliseconds, rounded to 0.01."""
    ordered = sorted(samples_s)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
        "n": len(ordered),
    }
