"""Words of each myth's topic ("impuestos", "free houses", "crime"), to check the model's pick.

The response selector always names one of the myths it was trained on, even for a myth the
campaign does not answer ("los inmigrantes no pagan impuestos" got the fact about jobs) or
for the wrong one of those it knows ("المهاجرين ما بيدفعوا ضرايب" got the one about crime).
The lists in `myth_words.yml`, per topic and then per language, are read as the safety net
reads its phrases (`nlu.topic_words` reads the same way). The dialogue decides what the words
change (bot/dialogue/myths.py).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from nlu.safety import word_forms, words

FILE = Path(__file__).with_name("myth_words.yml")

Entry = tuple[str, ...]


def _read(path: Path) -> dict[Entry, str]:
    """Each entry's words, and the topic (a rumour's key) it is a word of."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries: dict[Entry, str] = {}
    for topic, languages in raw.items():
        for written_entries in languages.values():
            for written in written_entries:
                if entry := tuple(words(str(written))):
                    entries[entry] = str(topic)
    return entries


_ENTRIES = _read(FILE)
TOPICS = frozenset(_ENTRIES.values())


def myths_named(text: str) -> set[str]:
    """Return the topics (rumour keys) a word of `text` names."""
    forms = word_forms(text)
    return {
        topic
        for entry, topic in _ENTRIES.items()
        for start in range(len(forms) - len(entry) + 1)
        if all(word in forms[start + i] for i, word in enumerate(entry))
    }
