"""A choice typed in words: the ordinals and refusals, as read whole."""

from __future__ import annotations

import pytest

from bot.dialogue import choice_typed
from bot.dialogue.phrasebook import normalised
from nlu.safety import mentions_danger


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("The second!", 2),
        ("le premier", 1),
        ("la deuxième", 2),
        ("der Erste", 1),
        ("üçüncü", 3),
        ("الأول", 1),
        ("دومی", 2),
        # Levantine Arabizi (a QA pass: "awwal wa7ad" got the list again).
        ("awwal wa7ad", 1),
        ("el tene", 2),
        ("el louwel", 1),  # Tunisian: "Sorry, I did not understand"
        ("ettheni", 2),
        ("second school", None),  # a need with the word in it
        ("prima", None),  # Italian "before"
        ("cuarto", None),  # Spanish "room"
    ],
)
def test_ordinals_are_read_whole(text: str, place: int | None) -> None:
    assert choice_typed.ordinal(text) == place


@pytest.mark.parametrize(
    "text", ["None of these.", "keins davon", "ولا واحد", "Ninguno", "жоден з них", "ни один"]
)
def test_refusals_are_read_whole(text: str) -> None:
    assert choice_typed.refused(text)


@pytest.mark.parametrize("text", ["no quiero nada", "no, I need a doctor", "nothing works"])
def test_a_message_with_a_refusal_in_it_is_not_one(text: str) -> None:
    assert not choice_typed.refused(text)


def test_no_ordinal_names_two_places_and_no_phrase_is_danger() -> None:
    places: dict[str, int] = {}
    for ordinals in choice_typed._ORDINALS.values():
        for place, writtens in enumerate(ordinals, start=1):
            for written in writtens:
                assert places.setdefault(normalised(written), place) == place, written
                assert not mentions_danger(written), written
    for refusals in choice_typed._NONE.values():
        for refusal in refusals:
            assert not mentions_danger(refusal), refusal
