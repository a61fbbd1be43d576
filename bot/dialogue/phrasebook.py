"""Plain phrases recognised in a short message, for what no intent of the NLU is for.

The NLU's intents are fixed (DESIGN.md). A few things people write are not a need but about
the conversation itself: "delete my data" (erasure.py), "which one is the nearest?", "that
did not help" (followups.py). A handful of phrases per language recognises them in a message
of a few words; a longer message is a need with such words in it, and goes to the model.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640]")  # Arabic vowel marks and tatweel
_NOT_WORD = re.compile(r"[^\w]+")
# An apostrophe joins what it splits: "didn't" is written "didnt" as often.
_APOSTROPHES = re.compile(r"['’ʼ`´]")
# Persian joins "می" and "نمی" before a verb, and "تر", "ترین", "ها" after a word, with a
# zero-width non-joiner; on a phone they are as often glued or typed after a space.
_PERSIAN_JOINS = re.compile(
    r"\u200c|(?<!\w)(?:ن?می) +(?=\w)|(?<=\w) +(?=(?:تر|ترین|تره|تری|ها|های|هام)(?!\w))"
)


def normalised(text: str) -> str:
    """Return `text` lower case, without accents, vowel marks, apostrophes or punctuation."""
    text = _APOSTROPHES.sub("", text)
    text = unicodedata.normalize("NFKD", text.casefold().replace("ı", "i"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    # Persian is typed with Arabic letters' forms too: one form each.
    text = _MARKS.sub("", text).replace("ي", "ی").replace("ك", "ک")
    text = _PERSIAN_JOINS.sub(lambda joint: joint.group().strip(" \u200c"), text)
    return " ".join(_NOT_WORD.sub(" ", text).split())


def typed_number(text: str) -> int | None:
    """Return the number a message is, as people answer a numbered list ("2", "2.", "٢)",
    "۲"), else None."""
    number = text.strip().rstrip(".)")
    return int(number) if number.isdecimal() else None


# A service of a numbered list named by its number in a sentence ("when does number 2 open",
# "le numéro 3 c'est où", "رقم ٢ وين"): the word for "number" in our languages, or its sign.
# Turkish puts the number first ("2 numara", "2 numaralı").
_NUMBER_NAMED = re.compile(
    r"(?<!\w)(?:number|nr\.?|no\.|n°|nº|#|№|numero|nummer|numara|номер|(?:ال)?رقم|شماره"
    r"|shomare|raqm|ra9m)\s*(\d{1,3})(?!\w)|(?<!\w)(\d{1,3})\s*numara"
)


def named_number(text: str) -> int | None:
    """Return the number a message names with a word for "number" ("is number 2 open?",
    "номер 3"), else None; accents do not count ("número"), the number's digits may be
    Arabic or Persian ("رقم ٢")."""
    plain = "".join(
        c for c in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(c)
    )
    found = _NUMBER_NAMED.search(plain)
    return int(found.group(1) or found.group(2)) if found else None


class Phrasebook:
    """Phrases per language, found whole-word in a message of `most_words` words at most."""

    def __init__(self, phrases: Mapping[str, Iterable[str]], *, most_words: int) -> None:
        self._known = tuple(
            {f" {normalised(phrase)} " for written in phrases.values() for phrase in written}
        )
        self._most_words = most_words

    def found(self, text: str) -> bool:
        """Tell whether `text` is short enough and says one of the phrases."""
        words = normalised(text)
        if not words or len(words.split()) > self._most_words:
            return False
        padded = f" {words} "
        return any(phrase in padded for phrase in self._known)

    def said(self, text: str) -> bool:
        """Tell whether `text` is one of the phrases and nothing more: "really?" alone doubts
        what was just said, "I really need help" is a need."""
        return f" {normalised(text)} " in self._known
