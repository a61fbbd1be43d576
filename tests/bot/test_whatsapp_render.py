"""Replies rendered for WhatsApp stay within its limits, whatever the dialogue says."""

from __future__ import annotations

from typing import Any

import pytest

from bot.dialogue import render as dialogue_render
from bot.i18n import SUPPORTED_LOCALES, translations
from bot.messages import Button, Reply, Template
from bot.splitting import clusters, shorten, split_text, units
from bot.whatsapp.render import render
from tests.standins.whatsapp_api import problems

CARD = "\n".join(
    [
        "{n}. Consultation médicale gratuite sans papiers",
        "📍 23 Rue des Siaghines, Medina",
        "📞 +212 539 00 01 01",
        "🕒 lun.–ven. 09:00–13:00",
        "🗣 arabe, français, anglais, espagnol",
        "✅ Ouvert à tous, sans papiers",
        "💶 Gratuit",
    ]
)


def _buttons(n: int, label: str = "Option") -> tuple[tuple[Button, ...], ...]:
    return tuple((Button(f"{label} {i}", f"opt:{i}"),) for i in range(1, n + 1))


def _valid(messages: list[dict[str, Any]]) -> None:
    for message in messages:
        assert problems({"messaging_product": "whatsapp", "to": "1", **message}) == []
        if message["type"] == "interactive":
            assert units(message["interactive"]["body"]["text"]) <= 1024


def _choices(message: dict[str, Any]) -> list[dict[str, str]]:
    action = message["interactive"]["action"]
    if message["interactive"]["type"] == "button":
        return [b["reply"] for b in action["buttons"]]
    return [row for section in action["sections"] for row in section["rows"]]


def test_no_buttons_is_plain_text() -> None:
    (message,) = render(Reply("Goodbye. Write to me any time."))
    assert message == {
        "type": "text",
        "text": {"preview_url": False, "body": "Goodbye. Write to me any time."},
    }


@pytest.mark.parametrize(
    ("count", "kind"), [(1, "button"), (3, "button"), (4, "list"), (10, "list")]
)
def test_the_number_of_choices_picks_the_type(count: int, kind: str) -> None:
    (message,) = render(Reply("Which city are you in?", _buttons(count)))
    _valid([message])
    assert message["interactive"]["type"] == kind
    assert [c["id"] for c in _choices(message)] == [f"opt:{i}" for i in range(1, count + 1)]


def test_more_than_ten_choices_go_in_several_lists_in_order() -> None:
    messages = render(Reply("Choose your language:", _buttons(23)))
    _valid(messages)
    assert [len(_choices(m)) for m in messages] == [10, 10, 3]
    assert messages[0]["interactive"]["body"]["text"] == "Choose your language:"
    assert [m["interactive"]["body"]["text"] for m in messages[1:]] == ["(2/3)", "(3/3)"]
    ids = [c["id"] for m in messages for c in _choices(m)]
    assert ids == [f"opt:{i}" for i in range(1, 24)]


def test_long_titles_are_shortened_between_characters_with_an_ellipsis() -> None:
    labels = [
        "🤝 Food and support for families",
        "👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦",
        "⚖️⚖️⚖️⚖️⚖️⚖️⚖️⚖️⚖️⚖️⚖️⚖️",
    ]
    reply = Reply("?", (tuple(Button(label, f"x:{i}") for i, label in enumerate(labels)),))
    (message,) = render(reply)
    _valid([message])
    titles = [c["title"] for c in _choices(message)]
    assert titles[0] == "🤝 Food and support…"
    for label, title in zip(labels, titles, strict=True):
        kept = title.removesuffix("…")
        assert title.endswith("…")
        assert label.startswith(kept)
        assert clusters(label)[: len(clusters(kept))] == clusters(kept)  # no torn emoji


def test_a_shortened_row_keeps_its_whole_label_as_description() -> None:
    long_name = "Centre d'accueil et d'orientation des personnes migrantes"
    reply = Reply("?", (*_buttons(3), (Button(long_name, "city:x"),)))
    (message,) = render(reply)
    _valid([message])
    row = _choices(message)[-1]
    assert row["title"] == shorten(long_name, 24)
    assert row["description"] == long_name
    assert "description" not in _choices(message)[0]


def test_titles_that_shortening_made_equal_stay_distinct() -> None:
    reply = Reply(
        "?", ((Button("Association Al Amal Nord", "a"), Button("Association Al Amal Sud", "b")),)
    )
    (message,) = render(reply)
    _valid([message])
    titles = [c["title"] for c in _choices(message)]
    assert len(set(titles)) == 2


def test_a_long_reply_is_split_between_services_and_the_buttons_come_last() -> None:
    cards = [CARD.format(n=n) for n in range(1, 9)]
    text = "\n\n".join(["🩺 Santé à Tanger :", *cards])
    messages = render(Reply(text, _buttons(3)))
    _valid(messages)
    assert [m["type"] for m in messages] == ["text", "interactive"]
    shown = [m["text"]["body"] if m["type"] == "text" else m["interactive"]["body"]["text"]
             for m in messages]  # fmt: skip
    assert "\n\n".join(shown) == text  # nothing lost, nothing cut inside a service
    for part in shown:
        assert all(block in [*cards, "🩺 Santé à Tanger :"] for block in part.split("\n\n"))


def test_a_very_long_text_is_split_at_4096() -> None:
    text = "\n\n".join(CARD.format(n=n) for n in range(1, 40))
    messages = render(Reply(text))
    _valid(messages)
    assert len(messages) > 2
    assert "\n\n".join(m["text"]["body"] for m in messages) == text


def test_a_single_giant_block_is_cut_at_a_line_end() -> None:
    block = "\n".join(f"line {i} " + "x" * 60 for i in range(100))
    chunks = split_text(block, 1024)
    assert all(units(c) <= 1024 for c in chunks)
    assert "\n".join(chunks) == block


def test_a_template_renders_by_name_and_language() -> None:
    reply = Reply("ignored outside the window", template=Template("dalil_menu", "fr"))
    assert Reply.from_dict(reply.to_dict()) == reply
    assert Reply.from_dict({"text": "old entry", "buttons": []}).template is None


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_menu_of_the_dialogue_fits(locale: str) -> None:
    t = translations(locale)
    replies = [
        dialogue_render.menu(t, locale, t.gettext("What do you need?")),
        Reply(t.gettext("Choose your language:"), dialogue_render.language_buttons()),
        # Three topics, "something else" and emergency: five rows of one list.
        dialogue_render.ask_back(t, locale, ("find_social_support", "rumour", "find_legal")),
    ]
    for reply in replies:
        messages = render(reply)
        _valid(messages)
        assert all(len(_choices(m)) <= 10 for m in messages if m["type"] == "interactive")


def test_a_payload_too_long_for_whatsapp_is_refused_not_cut() -> None:
    with pytest.raises(ValueError, match="payload"):
        render(Reply("?", ((Button("Long", "x" * 300),),)))


def test_the_ask_back_question_is_one_list_with_emergency_last() -> None:
    choices = ("find_social_support", "rumour", "find_legal")
    (message,) = render(dialogue_render.ask_back(translations("uk"), "uk", choices))
    _valid([message])
    assert message["interactive"]["type"] == "list"
    assert [c["id"] for c in _choices(message)] == [
        "cat:social_support", "myths", "cat:legal", "menu", "emergency",
    ]  # fmt: skip


def test_the_button_that_opens_a_list_has_a_word_in_the_replys_language() -> None:
    # A "☰" alone says nothing to many readers; a campaign's message has no language: the
    # symbol alone.
    expected = {
        "fr": "☰ Choisir", "ar": "☰ اختر", "fa": "☰ انتخاب کنید", "uk": "☰ Вибрати",
        "de": "☰ Auswählen", "en": "☰ Choose",
    }  # fmt: skip
    for language, label in expected.items():
        reply = Reply("?", _buttons(5)).in_language(language)
        (message,) = render(reply)
        _valid([message])
        assert message["interactive"]["action"]["button"] == label
    for language in SUPPORTED_LOCALES:
        (message,) = render(Reply("?", _buttons(5)).in_language(language))
        _valid([message])
    (unmarked,) = render(Reply("?", _buttons(5)))
    assert unmarked["interactive"]["action"]["button"] == "☰"
