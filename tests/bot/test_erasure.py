"""Asking in words to be forgotten: the phrases recognised, and what they must not catch."""

from __future__ import annotations

import pytest

from bot.dialogue import erasure


@pytest.mark.parametrize(
    "text",
    [
        "Delete my data please",
        "supprimez mes données svp",
        "Borra mis datos",
        "cancella i miei dati grazie",
        "Apague os meus dados",
        "Löschen Sie meine Daten!",
        "lösch alles über mich bitte",  # answered "In welcher Stadt sind Sie?"
        "verilerimi silin lütfen",
        "Видаліть мої дані",
        "لطفا اطلاعاتم را پاک کن",
        "احذف بياناتي من فضلك",
        "ms7 ma3lomati 3afak",
    ],
)
def test_asking_to_be_forgotten_is_recognised_in_every_language(text: str) -> None:
    assert erasure.asked(text)


@pytest.mark.parametrize(
    "text",
    [
        "I forgot my passport at the office",
        "where can I print my data for the job centre",
        "j'ai oublié mes papiers",
        "se me olvidaron los datos de la cita",
        "my phone deleted my photos",
        # a need with the words inside: the model reads it as any message
        "I need a lawyer in Lyon because my landlord wants to throw us out and delete my data",
    ],
)
def test_ordinary_messages_are_not_asking_to_be_forgotten(text: str) -> None:
    assert not erasure.asked(text)
