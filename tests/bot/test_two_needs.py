"""What a long message says after its "and", and before it: parts the model reads alone."""

from __future__ import annotations

import pytest

from bot.dialogue.two_needs import around_and


@pytest.mark.parametrize(
    ("text", "rest", "head"),
    [
        (
            "necesito un medico para mi hijo y tambien donde dormir",
            " donde dormir",
            "necesito un medico para mi hijo ",
        ),
        (
            "ich brauche einen arzt für mein kind und eine wohnung",
            " eine wohnung",
            "ich brauche einen arzt für mein kind ",
        ),
        # "And also" wins over a later plain "and".
        (
            "I need a lawyer and also food and clothes for my kids",
            " food and clothes for my kids",
            "I need a lawyer ",
        ),
        ("بدي ورق و اكل بعمان هلق الله يخليك", " اكل بعمان هلق الله يخليك", "بدي ورق "),
        ("I need a doctor for my son and", None, "I need a doctor for my son "),  # nothing after
        ("a doctor and a lawyer", None, None),  # too short to say two things
        ("I need a doctor for my son now", None, None),  # no "and"
        # Read too: the model finds the same need there, which adds nothing.
        ("mi hermano y yo buscamos un medico", " yo buscamos un medico", "mi hermano "),
    ],
)
def test_what_follows_and_and_what_comes_before(
    text: str, rest: str | None, head: str | None
) -> None:
    assert around_and(text) == (rest, head)
