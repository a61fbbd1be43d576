"""`dalil stats purge` on the embedded default (a SQLite file)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from tests.helpers.cli import run_dalil


def test_stats_purge_deletes_questions_past_their_retention(tmp_path: Path) -> None:
    assert run_dalil(tmp_path, "db", "upgrade").returncode == 0
    today = dt.datetime.now(dt.UTC).date()
    with sqlite3.connect(tmp_path / "dalil.db") as connection:
        connection.executemany(
            "INSERT INTO unmet_question (day, city, language, text) VALUES (?, ?, ?, ?)",
            [((today - dt.timedelta(days=age)).isoformat(), "lyon", "fr", f"{age} days")
             for age in (1, 20, 40)],
        )  # fmt: skip
    purged = run_dalil(tmp_path, "stats", "purge", "--days", "30")
    assert purged.returncode == 0, purged.stderr
    assert "Removed 1 unanswered question(s) kept longer than 30 days." in purged.stdout
    again = run_dalil(tmp_path, "stats", "purge")
    assert "Removed 0" in again.stdout
    with sqlite3.connect(tmp_path / "dalil.db") as connection:
        left = [row[0] for row in connection.execute("SELECT text FROM unmet_question")]
    assert sorted(left) == ["1 days", "20 days"]
    assert run_dalil(tmp_path, "stats", "purge", "--days", "0").returncode != 0
