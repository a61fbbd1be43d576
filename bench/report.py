"""Write the figures of build/bench.json into docs/performance.md, with each gate's verdict.

`python -m bench.report` replaces what stands between the two markers of the document (the
machine, the run, the tables and the gates); the prose around them stays. Run it after
`make bench` (or `python -m bench` with `--only` groups: the groups not run are said to be
missing).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.settings import PROJECT_ROOT

BEGIN = "<!-- bench figures: begin (written by python -m bench.report) -->"
END = "<!-- bench figures: end -->"
DOCUMENT = PROJECT_ROOT / "docs" / "performance.md"
FIGURES = PROJECT_ROOT / "build" / "bench.json"

# (group, figure, what it is, the gate: a test of the figure and how it reads)
Gate = tuple[str, str, str, Callable[[float], bool], str]
GATES: list[Gate] = [
    ("pipeline", "ratio", "end to end, distinct texts, ÷ Rasa's own parse rate",
     lambda v: v >= 0.9, "≥ 0.9"),
    ("mix", "ratio", "end to end, realistic mix, ÷ Rasa's own parse rate",
     lambda v: v >= 2.0, "≥ 2"),
    ("latency", "at_50_p95_ms", "p95 webhook-to-send at 50 msg/s (ms)",
     lambda v: v <= 100, "≤ 100"),
    ("workers", "ratio", "two worker processes ÷ one (parses cached)",
     lambda v: v >= 1.7, "≥ 1.7"),
]  # fmt: skip


def _command(*args: str) -> str:
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return "unknown"
    return out.stdout.strip() or "unknown"


def machine() -> list[str]:
    """The machine the figures were measured on: cores, memory, versions."""
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), "unknown",
    )  # fmt: skip
    postgres = _command("psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version")
    redis = _command("redis-cli", "INFO", "server")
    redis = next((x.split(":")[1] for x in redis.splitlines() if x.startswith("redis_version")), "")
    return [
        f"- CPU: {os.cpu_count()} cores ({cpu}); memory {memory_kb / 1024 / 1024:.1f} GB",
        f"- Python {platform.python_version()} (app), "
        f"{_command(str(PROJECT_ROOT / '.venv-nlu' / 'bin' / 'python'), '--version')} (Rasa)",
        f"- PostgreSQL {(postgres or 'unknown').split()[0]}, Redis {redis or 'unknown'}",
        f"- Linux {platform.release()}",
    ]


def _table(name: str, figures: dict[str, Any]) -> list[str]:
    rows = [f"**{name}**", "", "| figure | value |", "|---|---|"]
    rows += [f"| `{key}` | {value} |" for key, value in figures.items()]
    return [*rows, ""]


def render(results: dict[str, dict[str, Any]]) -> str:
    """The text between the markers for the figures `results`."""
    run = results.get("run", {})
    lines = [BEGIN, "", "### Machine and run", "", *machine()]
    lines.append(
        f"- Run: finished {run.get('at', 'unknown')}, {run.get('seconds', '?')} s in all; groups: "
        f"{', '.join(name for name in results if name != 'run')}; load average (1 min) "
        f"{run.get('load_at_start', '?')} at the start, {run.get('load_at_end', '?')} at the end"
    )
    if run.get("group_seconds"):
        spent = ", ".join(f"{name} {seconds} s" for name, seconds in run["group_seconds"].items())
        lines.append(f"- Time per group: {spent}")
    lines += ["", "### Gates (issue 12)", ""]
    lines += ["| gate | figure | needed | verdict |", "|---|---|---|---|"]
    for group, key, what, holds, needed in GATES:
        value = results.get(group, {}).get(key)
        verdict = "not run" if value is None else ("met" if holds(value) else "**not met**")
        lines.append(f"| {what} | {value if value is not None else '–'} | {needed} | {verdict} |")
    lines += ["", "### Figures (build/bench.json)", ""]
    for name, figures in results.items():
        if name != "run":
            lines += _table(name, figures)
    return "\n".join([*lines, END])


def main() -> None:
    """Replace the figures in docs/performance.md with those of build/bench.json."""
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else FIGURES
    results = json.loads(source.read_text())
    document = DOCUMENT.read_text()
    before, _, rest = document.partition(BEGIN)
    _, found, after = rest.partition(END)
    if not found:
        raise SystemExit(f"{DOCUMENT} lacks the markers {BEGIN!r} … {END!r}")
    DOCUMENT.write_text(before + render(results) + after)
    print(f"{DOCUMENT} now holds the figures of {source}")


if __name__ == "__main__":
    main()
