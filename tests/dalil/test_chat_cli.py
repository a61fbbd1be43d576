"""`dalil chat`: the dialogue in a terminal, on the embedded default, through the real Rasa."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.cli import run_dalil
from tests.helpers.settings import RASA_TOKEN, REDIS_URL


def _chat(tmp_path: Path, rasa_url: str, typed: str) -> str:
    chatted = run_dalil(
        tmp_path, "chat", typed=typed, RASA_URL=rasa_url, RASA_TOKEN=RASA_TOKEN, REDIS_URL=REDIS_URL
    )
    assert chatted.returncode == 0, chatted.stderr[-2000:]
    return chatted.stdout


def test_a_terminal_conversation_twice(tmp_path: Path, rasa_url: str, redis: object) -> None:
    assert run_dalil(tmp_path, "db", "upgrade").returncode == 0
    assert run_dalil(tmp_path, "directory", "load-sample").returncode == 0

    first = _chat(tmp_path, rasa_url, "/start\nI need a doctor in Lyon\n/quit\n")
    assert "Welcome to Dalil" in first
    assert "Lyon" in first
    assert "[1]" in first  # the buttons, numbered to be pressed by typing the number

    # A second run numbers its messages again from one: it must not be answered with what
    # the first run was told (the dialogue replays a message id it has seen).
    second = _chat(tmp_path, rasa_url, "/help\n/quit\n")
    assert "Welcome to Dalil" not in second
    assert "/language, /city, /forget" in second
