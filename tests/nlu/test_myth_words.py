"""Words of the myths' topics: the lists, and what they find."""

from __future__ import annotations

import pytest
import yaml

from nlu import myth_words
from nlu.safety import words

SEEDED = {"take_jobs", "more_benefits", "increase_crime"}


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        ("los inmigrantes no pagan impuestos", {"pay_taxes"}),
        ("they get free houses", {"more_benefits"}),
        ("suriyeliler işlerimizi alıyor", {"take_jobs"}),
        ("Ausländer bekommen kostenlose Wohnungen", {"more_benefits"}),
        ("والجريمة زادت بسبب المهاجرين", {"increase_crime"}),  # a glued Arabic prefix
        ("they take our jobs and pay no taxes", {"take_jobs", "pay_taxes"}),
        ("is it true?", set()),  # Turkish "iş" is not written as English "is"
        ("I need help", set()),
        ("يا جماعة بدي مساعدة", set()),  # a plea for help is no myth about benefits
    ],
)
def test_the_topics_a_message_names(text: str, topics: set[str]) -> None:
    assert myth_words.myths_named(text) == topics


def test_every_seeded_myth_has_words_in_the_ten_languages_and_no_entry_two_topics() -> None:
    lists = yaml.safe_load(myth_words.FILE.read_text(encoding="utf-8"))
    assert set(lists) >= SEEDED
    seen: dict[tuple[str, ...], str] = {}
    for topic, languages in lists.items():
        assert set(languages) == {"en", "fr", "es", "it", "pt", "de", "ar", "fa", "uk", "tr"}
        for entries in languages.values():
            for entry in entries:
                read = tuple(words(str(entry)))
                assert seen.setdefault(read, topic) == topic, entry
