"""What a long message says after its "and": the part the model reads on its own."""

from __future__ import annotations

import pytest

from bot.dialogue.two_needs import after_and


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("necesito un medico para mi hijo y tambien donde dormir", " donde dormir"),
        ("ich brauche einen arzt für mein kind und eine wohnung", " eine wohnung"),
        # "And also" wins over a later plain "and".
        ("I need a lawyer and also food and clothes for my kids", " food and clothes for my kids"),
        ("je cherche un médecin pour ma fille et un logement", " un logement"),
        ("I need a doctor and", None),  # nothing after it
        ("a doctor and a lawyer", None),  # too short to say two things
        ("I need a doctor for my son now", None),  # no "and"
        # Read too: the model finds the same need there, which adds nothing.
        ("mi hermano y yo buscamos un medico", " yo buscamos un medico"),
    ],
)
def test_what_follows_and(text: str, rest: str | None) -> None:
    assert after_and(text) == rest
