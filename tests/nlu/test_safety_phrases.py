"""The safety net's phrase files: one per language the bot speaks, each line one phrase."""

from __future__ import annotations

from bot.i18n import SUPPORTED_LOCALES
from nlu.safety import PHRASES_DIR


def test_every_language_of_the_bot_has_its_phrases() -> None:
    assert {path.stem for path in PHRASES_DIR.glob("*.txt")} == set(SUPPORTED_LOCALES)


def test_no_line_holds_two_phrases() -> None:
    # The list was once a "|"-separated string; a separator left in would make one phrase of
    # two that never occurs.
    joined = [
        f"{path.name}: {line}"
        for path in PHRASES_DIR.glob("*.txt")
        for line in path.read_text(encoding="utf-8").splitlines()
        if "|" in line and not line.startswith("#")
    ]
    assert joined == []
