"""The `dalil` command run as a newcomer runs it: the demo profile on a SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_dalil(
    tmp_path: Path, *args: str, typed: str | None = None, **environment: str
) -> subprocess.CompletedProcess[str]:
    """Run `dalil *args` in `tmp_path` (no .env there), with `typed` on its standard input."""
    env = {
        **os.environ,
        "DALIL_PROFILE": "demo",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'dalil.db'}",
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-m", "dalil.cli", *args],
        cwd=tmp_path,
        env=env,
        input=typed,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
