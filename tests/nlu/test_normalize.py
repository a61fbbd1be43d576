"""Normalisation is the same at training and parse time, so it must be exact."""

from __future__ import annotations

import pytest

from nlu.normalize import normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أين أجد طبيبًا؟", "اين اجد طبيبا؟"),  # hamza alef forms, tanwin
        ("إسعاف", "اسعاف"),
        ("مستشفـــى", "مستشفي"),  # tatweel and alef maqsura
        ("شكرااااا", "شكراا"),  # repeated letters
        ("کار می‌خواهم", "كار ميخواهم"),  # Persian kaf and ye; the half-space joins
        ("Médecin À LYON", "médecin à lyon"),
        ("saaaalam 👋🏽 ça va", "saalam ça va"),
        ("3andi mochkil m3a lwra9", "3andi mochkil m3a lwra9"),  # Arabizi digits are letters
        ("appelle le 112 ou le 3919", "appelle le 112 ou le 3919"),  # numbers never collapse
        ("ﻣﺮﺣﺒﺎ", "مرحبا"),  # presentation forms → NFKC
        ("   \n\t ", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_idempotent() -> None:
    text = "أَهْلاً Salaaam!! je suis à Tanger 🙏"
    assert normalize(normalize(text)) == normalize(text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("İMDAT", "imdat"),  # Turkish capital dotted I
        ("мене б’є", "мене б'є"),  # curly apostrophe
        ("می‌خوام", "ميخوام"),  # Persian half-space, ye
        ("un’ambulanza", "un'ambulanza"),
    ],
)
def test_apostrophes_half_spaces_and_turkish_i(raw: str, expected: str) -> None:
    assert normalize(raw) == expected
