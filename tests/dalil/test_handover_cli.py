"""`dalil handover desk`: an association answers a city's conversations, on the embedded default."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.cli import run_dalil


def test_a_desk_is_set_then_changed_and_bad_hours_are_refused(tmp_path: Path) -> None:
    assert run_dalil(tmp_path, "db", "upgrade").returncode == 0
    assert run_dalil(tmp_path, "directory", "load-sample").returncode == 0
    desk = ["handover", "desk", "--organization", "tng-sample-org-1", "--city", "tangier"]
    first = run_dalil(tmp_path, *desk, "--days", "MO,WE")
    assert first.returncode == 0, first.stderr
    assert "answers tangier (every category), MO,WE" in first.stdout
    again = run_dalil(tmp_path, *desk, "--days", "TU", "--opens", "10:00", "--closes", "12:00")
    assert again.returncode == 0, again.stderr
    assert again.stdout.split(":")[0] == first.stdout.split(":")[0], "the same desk, changed"
    wrong_day = run_dalil(tmp_path, *desk, "--days", "MONDAY")
    assert wrong_day.returncode != 0
    assert "iCalendar days" in wrong_day.stderr
    wrong_hour = run_dalil(tmp_path, *desk, "--opens", "9h")
    assert wrong_hour.returncode != 0
    assert "HH:MM" in wrong_hour.stderr
