"""Needs named in a word or two ("avocat", "sakan", "food bank"), which the model misses alone.

A message of a few words gives the model little to go on, and many people write so on a
cheap phone. When the model is not sure what such a message asks (under CONFIDENT, and never
its emergency), a word of one topic's list in it answers that topic. The lists live in
`topic_words.yml` (per topic, then per language, Arabizi and Finglish with Arabic and
Persian), read as the safety net reads its phrases: the same normalisation and no accents,
and a message's words are also read without an elided article or a glued Arabic prefix.
Words of two topics decide nothing, and words of danger are the safety net's: they come
first.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from nlu.safety import word_forms, words

FILE = Path(__file__).with_name("topic_words.yml")
# The model's intents (DESIGN.md): a topic of the lists must be one of its `find_*`.
DOMAIN = Path(__file__).with_name("rasa") / "domain.yml"
# Longer messages say more than their topic's name: the model reads them.
MOST_WORDS = 3

# A topic's list of words that count only written with these very letters, not folded as the
# safety net reads: Dari "مکتب" (school) is Arabic "مكتب" (office) once Persian letters are
# written as Arabic ones.
AS_WRITTEN = "as_written"
# Words as written: a Persian half-space (ZWNJ) ends one, as in "مکتب‌ها".
_WRITTEN_WORDS = re.compile(r"\w+")

Entry = tuple[str, ...]


def _read(path: Path) -> dict[Entry, str]:
    """Each entry's words, and the intent of its topic (`find_<topic>`)."""
    return _read_both(path)[0]


def _read_both(path: Path) -> tuple[dict[Entry, str], dict[Entry, str]]:
    """The entries read as the safety net reads, and those read only as written."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    intents = set(yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["intents"])
    entries: dict[Entry, str] = {}
    as_written: dict[Entry, str] = {}
    for topic, languages in raw.items():
        intent = f"find_{topic}"
        if intent not in intents:
            raise ValueError(f"{path.name}: {topic!r} is not a topic of the model")
        for language, entries_written in languages.items():
            for written in entries_written:
                if language == AS_WRITTEN:
                    as_written[_written(str(written))] = intent
                elif entry := tuple(words(str(written))):
                    entries[entry] = intent
    return entries, as_written


def _written(text: str) -> Entry:
    return tuple(_WRITTEN_WORDS.findall(text.casefold()))


_ENTRIES, _AS_WRITTEN = _read_both(FILE)


def named_topic(text: str) -> str | None:
    """Return the intent of the one topic `text`, of MOST_WORDS words at most, names."""
    forms = word_forms(text)
    if not forms or len(forms) > MOST_WORDS:
        return None
    found = _named(forms) | _named_as_written(text)
    return found.pop() if len(found) == 1 else None


def topics_named(text: str) -> set[str]:
    """Return the intents of every topic a word of `text` names, however long it is."""
    return _named(word_forms(text)) | _named_as_written(text)


# Arabizi glues the article or a preposition to the next word as Arabic does: "l9raya" (the
# school), "ltbib", "flmadrasa". A word in Latin letters is also read without one, where
# what is left is a word of this many letters at least.
_GLUED_LATIN = ("el", "l", "fl", "bl", "wl", "f", "b", "w")
_UNGLUED_LETTERS = 4


def _unglued(forms: set[str]) -> set[str]:
    return forms | {
        form[len(prefix) :]
        for form in forms
        if form.isascii()
        for prefix in _GLUED_LATIN
        if form.startswith(prefix) and len(form) - len(prefix) >= _UNGLUED_LETTERS
    }


def _named(forms: list[set[str]]) -> set[str]:
    forms = [_unglued(word) for word in forms]
    return {
        intent
        for entry, intent in _ENTRIES.items()
        for start in range(len(forms) - len(entry) + 1)
        if all(word in forms[start + i] for i, word in enumerate(entry))
    }


def _named_as_written(text: str) -> set[str]:
    written = _written(text)
    return {
        intent
        for entry, intent in _AS_WRITTEN.items()
        for start in range(len(written) - len(entry) + 1)
        if written[start : start + len(entry)] == entry
    }
