"""Reply language from short messages, written here and not taken from the training data."""

from __future__ import annotations

import pytest

from nlu.language import (
    LanguageIdentifier,
    dominant_script,
    own_letters,
    own_words,
    shared_greeting,
)
from nlu.training_data import examples_by_language

MESSAGES = [
    ("ma fille a de la fièvre depuis hier", "fr"),
    ("est-ce qu'il existe un foyer pour dormir ce soir", "fr"),
    ("bonsoir, ou puis-je apprendre le français gratuitement", "fr"),
    ("my son needs to go to school here", "en"),
    ("is there somewhere I can take a shower", "en"),
    ("how do I renew my residence card", "en"),
    ("wach kayn chi blasa n3ass fiha lyoum", "ar"),
    ("bghit nqra l3arbiya", "ar"),
    ("ana mrid w ma3andich lwra9", "ar"),
    ("ابني مريض ومحتاج طبيب", "ar"),
    ("وين فيني لاقي شغل", "ar"),
    ("mi hijo tiene tos desde el lunes", "es"),
    ("donde puedo dormir esta noche", "es"),
    ("mio figlio deve andare a scuola", "it"),
    ("cerco lavoro come muratore", "it"),
    ("onde posso tomar banho de graça", "pt"),
    ("preciso de um advogado urgente", "pt"),
    ("wo kann ich deutsch lernen", "de"),
    ("mein kind hat fieber seit gestern", "de"),
    ("پسرم مریض است دکتر کجا پیدا کنم", "fa"),
    ("من جای خواب ندارم", "fa"),
    ("де можна безкоштовно поїсти", "uk"),
    ("okula nasıl kayıt olurum", "tr"),
    ("is bulmak istiyorum acil", "tr"),
]


@pytest.mark.parametrize(("text", "language"), MESSAGES)
def test_identifies_short_messages(
    identifier: LanguageIdentifier, text: str, language: str
) -> None:
    guess = identifier.identify(text)
    assert guess is not None
    assert guess.language == language


# Short messages whose words say their language more than their letters do: "migrants are
# dangerous" (a myth) read as French, "I am in danger" as German, "delete my data" as Spanish.
SHORT = [
    ("migrants are dangerous", "en"),
    ("I am in danger", "en"),
    ("delete my data", "en"),
    ("refugees are criminals", "en"),
    ("les migrants sont dangereux", "fr"),
    ("los migrantes son peligrosos", "es"),
    ("i migranti sono pericolosi", "it"),
    ("os migrantes são perigosos", "pt"),
    ("Migranten sind gefährlich", "de"),
    ("göçmenler tehlikeli", "tr"),
    # A word as phones type it, without its accent: "ola" read as Arabizi.
    ("ola", "pt"),
]


@pytest.mark.parametrize(("text", "language"), SHORT)
def test_identifies_short_messages_by_their_words(
    identifier: LanguageIdentifier, text: str, language: str
) -> None:
    guess = identifier.identify(text)
    assert guess is not None
    assert guess.language == language


def test_none_of_these_are_training_examples() -> None:
    seen = {t.casefold() for texts in examples_by_language().values() for t in texts}
    assert not {text.casefold() for text, _ in MESSAGES + SHORT} & seen


@pytest.mark.parametrize("text", ["", "123 456", "🙂🙂", "https://example.org/x", "   ", "a@b.org"])
def test_no_letters_means_no_guess(identifier: LanguageIdentifier, text: str) -> None:
    assert identifier.identify(text) is None


def test_unsupported_scripts_are_not_guessed(identifier: LanguageIdentifier) -> None:
    assert (
        identifier.identify("ሰላም ሓኪም ኣበይ ክረክብ") is None
    )  # Tigrinya: not an interface language yet


def test_dominant_script() -> None:
    assert dominant_script("salam أهلا بيك") == "ARABIC"
    assert dominant_script("Привіт") == "CYRILLIC"
    assert dominant_script("42") is None


def test_ambiguous_text_gives_no_guess() -> None:
    identifier = LanguageIdentifier({"fr": ["bonjour"], "en": ["bonjour"]})
    assert identifier.identify("bonjour") is None


@pytest.mark.parametrize(
    ("text", "languages"),
    [
        ("slm", ("ar", "fa", "tr")),
        ("Salam alaikum!", ("ar", "fa", "tr")),
        ("Salaaaam 👋", ("ar", "fa", "tr")),
        ("سلام", ("ar", "fa")),
        ("سلام!", ("ar", "fa")),
        # Each of these says its language: Turkish, Persian letters, Persian words, Arabic.
        ("selam", ()),
        ("merhaba", ()),
        ("سلام علیکم", ()),
        ("سلام، خوبی؟", ()),
        ("السلام عليكم", ()),
        # A greeting with more after it is no bare greeting.
        ("salam, ana f tanja", ()),
    ],
)
def test_a_greeting_written_alike_in_several_languages_names_them(
    text: str, languages: tuple[str, ...]
) -> None:
    assert shared_greeting(text) == languages


def test_own_letters_are_those_no_other_language_of_dalils_writes() -> None:
    assert own_letters("کمک میخوام", "fa")
    assert own_letters("پسرم مریضه", "fa")
    assert not own_letters("كيف حالك", "fa")  # Arabic kaf and ya
    assert not own_letters("باشه", "fa")  # Persian, but in letters both write
    assert own_letters("yardım lazım", "tr")
    assert not own_letters("doktor lazim", "tr")
    # The local languages of Dalil's cities come into any conversation there.
    assert not own_letters("Segurança Social", "pt")
    assert not own_letters("Ärztin", "de")
    assert not own_letters("ok", "tr")
    assert not own_letters("ok", "fr")  # French has no letter of its own here


@pytest.mark.parametrize(
    ("text", "language", "own"),
    [
        # Finglish and Turkish typed without their letters: words only they write.
        ("komak mikham", "fa", True),
        ("khoone nadaram", "fa", True),
        ("yardim istiyorum", "tr", True),
        ("nerede doktor var", "tr", True),
        # Arabizi and English words Finglish writes too say nothing.
        ("ana f lyon", "fa", False),
        ("man dar", "fa", False),
        ("lazim doktor", "tr", False),  # Levantine Arabizi writes "lazim" too
    ],
)
def test_own_words_are_those_no_other_language_of_dalils_writes(
    text: str, language: str, own: bool
) -> None:
    assert own_words(text, language) == own
