"""Run every benchmark and print medians and tails in one table (and build/bench.json).

`python -m bench [--only a,b] [--train]`: the groups are search_sqlite, search_postgresql,
nlu_parse, sender, pipeline, ingest, mix, latency and workers; the last five run the app
against one Rasa server started for them all.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bench import ingest, latency, mix, nlu_parse, pipeline, search, sender, workers
from bench.nlu_parse import RasaServer, serve_rasa
from core.settings import PROJECT_ROOT

APP_BENCHES: dict[str, Callable[[RasaServer], Awaitable[dict[str, float]]]] = {
    "pipeline": pipeline.run_on,
    "ingest": ingest.run_on,
    "mix": mix.run_on,
    "latency": latency.run_on,
    "workers": workers.run_on,
}


async def main() -> None:
    """Run the benchmarks one after the other (never concurrently: they share 2 cores)."""
    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else None
    chosen = {
        "search_sqlite": lambda: search.run("sqlite"),
        "search_postgresql": lambda: search.run("postgresql"),
        "nlu_parse": nlu_parse.run,
        "sender": sender.run,
    }
    results: dict[str, dict[str, Any]] = {}
    began, load_at_start = time.monotonic(), round(os.getloadavg()[0], 2)
    took: dict[str, float] = {}
    for name, bench in chosen.items():
        if only is None or name in only:
            begin = time.monotonic()
            results[name] = await bench()
            took[name] = round(time.monotonic() - begin, 1)
    app_benches = {n: b for n, b in APP_BENCHES.items() if only is None or n in only}
    if app_benches:
        async with serve_rasa() as rasa:
            for name, app_bench in app_benches.items():
                begin = time.monotonic()
                results[name] = await app_bench(rasa)
                took[name] = round(time.monotonic() - begin, 1)
    if "--train" in sys.argv:
        results["nlu_train"] = {"seconds": await asyncio.to_thread(nlu_parse.train_seconds)}
        took["nlu_train"] = results["nlu_train"]["seconds"]
    for name, figures in results.items():
        line = "  ".join(f"{key}={value}" for key, value in figures.items())
        print(f"{name:18} {line}")
    results["run"] = {
        "seconds": round(time.monotonic() - began, 1),
        "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "python": platform.python_version(),
        # What else the machine ran: the 1-minute load average (on 2 cores).
        "load_at_start": load_at_start,
        "load_at_end": round(os.getloadavg()[0], 2),
        # How long each group took, in seconds (the whole run should stay under 10 minutes).
        "group_seconds": took,
    }
    out = PROJECT_ROOT / "build" / "bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    asyncio.run(main())
