"""Run every benchmark and print medians and tails in one table (and build/bench.json)."""

from __future__ import annotations

import asyncio
import json
import sys

from bench import nlu_parse, pipeline, search
from core.settings import PROJECT_ROOT


async def main() -> None:
    """Run the benchmarks one after the other (never concurrently: they share 2 cores)."""
    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else None
    chosen = {
        "search_sqlite": lambda: search.run("sqlite"),
        "search_postgresql": lambda: search.run("postgresql"),
        "nlu_parse": nlu_parse.run,
        "pipeline": pipeline.run,
    }
    results: dict[str, dict[str, float]] = {}
    for name, bench in chosen.items():
        if only is None or name in only:
            results[name] = await bench()
    if "--train" in sys.argv:
        results["nlu_train"] = {"seconds": await asyncio.to_thread(nlu_parse.train_seconds)}
    for name, figures in results.items():
        line = "  ".join(f"{key}={value}" for key, value in figures.items())
        print(f"{name:18} {line}")
    out = PROJECT_ROOT / "build" / "bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    asyncio.run(main())
