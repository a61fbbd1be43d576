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
        # A QA pass: each got "Sorry, I did not understand".
        "اطلاعاتم رو پاک کن",
        "اطلاعات منو پاک کنید لطفا",
        "etelaatamo pak kon",
        "ممكن تمسح بياناتي؟",
        "ms7 data dyali 3afak",
    ],
)
def test_asking_to_be_forgotten_is_recognised_in_every_language(text: str) -> None:
    assert erasure.asked(text)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # From a QA pass: each got "I did not understand", the help text, "Which city are you
        # in?" or the emergency numbers alone; the first was answered in Spanish.
        ("delete my data", "en"),
        ("please delete all my info", "en"),
        ("supprimez toutes mes données svp", "fr"),
        ("je veux que vous effacez mes infos", "fr"),
        ("borra todo lo que sabes de mi", "es"),
        ("quero apagar os meus dados", "pt"),
        ("elimina os meus dados", "pt"),
        ("elimina i miei dati", "it"),
        ("видаліть будь ласка всю інформацію про мене", "uk"),
        ("удалите мои данные", "uk"),  # Russian, as many Ukrainians write: answered in Ukrainian
        ("удали мои данные пожалуйста", "uk"),
        # Everything about me: each got the emergency numbers alone (the model's, 0.97 and
        # 0.57), or "Sorry, I did not understand".
        ("cancella tutto su di me", "it"),
        ("apague tudo sobre mim", "pt"),
        ("borra todo sobre mí", "es"),
        ("efface tout sur moi", "fr"),
    ],
)
def test_asking_to_be_forgotten_in_other_words_is_recognised_with_its_language(
    text: str, language: str
) -> None:
    assert erasure.asked_in(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "I forgot my passport at the office",
        "where can I print my data for the job centre",
        "j'ai oublié mes papiers",
        "se me olvidaron los datos de la cita",
        "my phone deleted my photos",
        "la préfecture a perdu mes données",
        "where can I delete an old bus ticket",
        # a need with the words inside: the model reads it as any message
        "I need a lawyer in Lyon because my landlord wants to throw us out and delete my data",
    ],
)
def test_ordinary_messages_are_not_asking_to_be_forgotten(text: str) -> None:
    assert not erasure.asked(text)
