"""The same conversation in all ten languages, on Telegram, on WhatsApp and in the web chat."""

from __future__ import annotations

import re

import pytest

from bot.dialogue import Dialogue
from bot.i18n import SUPPORTED_LOCALES, is_rtl, translations
from nlu.training_data import DATA_DIR, read_examples
from tests.helpers.conversation import Conversation, listed, payloads

# "My child is ill, I need a doctor in Lyon", as people write it; none is a training example.
ASKED = {
    "ar": "ولدي مريض بزاف ومحتاج طبيب في ليون",
    "fr": "mon fils est malade il me faut un medecin sur lyon",
    "en": "my boy is sick and i need to find a doctor in lyon",
    "es": "mi niño esta enfermo necesito un medico en lyon",
    "it": "mio figlio sta male mi serve un medico a lione",
    "pt": "meu filho esta doente preciso de um medico em lyon",
    "de": "mein sohn ist krank ich brauche einen arzt in lyon",
    "fa": "پسرم مریض است و یک دکتر در لیون لازم دارم",
    "uk": "моя дитина хворіє, потрібен лікар у ліоні",
    "tr": "oğlum hasta lyon'da bir doktora ihtiyacım var",
}


@pytest.mark.parametrize("channel", ["telegram", "whatsapp", "web"])
@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_buttons_all_the_way_in_every_language(
    dialogue_without_nlu: Dialogue, locale: str, channel: str
) -> None:
    t = translations(locale)
    person = Conversation(dialogue_without_nlu, channel=channel)
    welcome = await person.say("/start")
    assert f"lang:{locale}" in payloads(welcome)
    ask_city = await person.press(f"lang:{locale}")
    assert ask_city.text == t.gettext("Which city are you in?")
    menu = await person.press("city:lyon")
    assert menu.text == t.gettext("What do you need?")
    assert menu.rtl == is_rtl(locale)
    results = await person.press("cat:health")
    header = results.text.split("\n")[0]
    assert t.gettext("🩺 Health") in header, header
    # The count in the header, in the plural form of its number in this language.
    count = int(re.findall(r"\d+", header)[-1])
    assert count > 5, header
    assert header.endswith(
        t.ngettext("{count} service", "{count} services", count).format(count=count)
    ), header
    assert len(listed(results)) == 5
    assert results.rtl == is_rtl(locale)
    assert t.gettext("👍 Useful") in [b.label for row in results.buttons for b in row]
    gone = await person.say("/forget")
    assert gone.text == t.gettext(
        "Done: I erased your language and city. Send /start to begin again."
    )
    assert "{" not in welcome.text
    assert "/forget" in welcome.text


def test_the_questions_below_are_not_training_examples() -> None:
    trained = {e.text.casefold() for path in DATA_DIR.glob("*.yml") for e in read_examples(path)}
    assert not {text.casefold() for text in ASKED.values()} & trained
    assert set(ASKED) == set(SUPPORTED_LOCALES)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_a_question_in_any_language_is_answered_in_that_language(
    dialogue: Dialogue, locale: str
) -> None:
    t = translations(locale)
    person = Conversation(dialogue)
    reply = await person.say(ASKED[locale])
    expected = t.gettext("{category} in {city}:").split("{")[0]
    assert t.gettext("🩺 Health") in reply.text.split("\n")[0], (locale, reply.text[:80])
    assert expected in reply.text
    assert reply.rtl == is_rtl(locale)
