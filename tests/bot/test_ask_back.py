"""When the NLU is unsure, the bot asks which topic is meant instead of guessing.

Rasa is played by a local stand-in answering with Rasa 3.6's payloads, behind the real
client: the client decides whether it is sure, the dialogue asks.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack

import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dialogue import Dialogue, render
from bot.i18n import translations
from core.usage import UsageEvent
from nlu.client import NLUClient, ParseResult
from nlu.language import LanguageIdentifier
from tests.helpers.conversation import Conversation, payloads
from tests.helpers.dialogue import make_dialogue
from tests.helpers.settings import RASA_TOKEN
from tests.standins.rasa import RasaStandIn, Understanding
from tests.standins.server import serve

_ARABIC = re.compile(r"[\u0600-\u06FF]")
_NUMBERED = re.compile(r"^(\d+)\. ", re.MULTILINE)

# Education or jobs (a course can be either): sure enough to act, not sure enough to guess.
SCHOOL_OR_WORK = (
    ("find_education", 0.55),
    ("find_jobs", 0.35),
    ("find_legal", 0.04),
    ("find_social_support", 0.03),
    ("greet", 0.02),
    ("out_of_scope", 0.01),
)

MakeDialogue = Callable[[Understanding], Awaitable[Dialogue]]


@pytest.fixture
async def rasa_says(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, identifier: LanguageIdentifier
) -> AsyncIterator[MakeDialogue]:
    """Dialogues whose Rasa (a stand-in, over HTTP) understands every text as told."""
    async with AsyncExitStack() as stack:

        async def make(understanding: Understanding) -> Dialogue:
            rasa = RasaStandIn(lambda _text: understanding, token=RASA_TOKEN)
            url = await stack.enter_async_context(serve(rasa.app))
            client = NLUClient(url, token=RASA_TOKEN, identifier=identifier)
            stack.push_async_callback(client.aclose)
            return make_dialogue(sessions, redis, client)

        yield make


@pytest.fixture
async def before(session: AsyncSession) -> int:
    """The last usage event before the test: tests that ran a real app committed theirs."""
    return await session.scalar(select(func.max(UsageEvent.id))) or 0


async def _events(session: AsyncSession, after: int) -> list[tuple[str, str, str | None, str]]:
    rows = await session.scalars(
        select(UsageEvent).where(UsageEvent.id > after).order_by(UsageEvent.id)
    )
    return [(e.language, e.intent, e.city, e.outcome) for e in rows]


def _numbered(text: str) -> list[int]:
    return [int(n) for n in _NUMBERED.findall(text)]


# The question, and what comes after it. ----------------------------------------------------


async def test_french_unsure_question_is_asked_back_and_the_city_named_is_kept(
    rasa_says: MakeDialogue, session: AsyncSession, before: int
) -> None:
    fr = translations("fr")
    unsure = Understanding(SCHOOL_OR_WORK, entities=(("city", "lyon", "Lyon"),))
    person = Conversation(await rasa_says(unsure), chat_id="5550301")

    asked = await person.say("je cherche des cours à Lyon")
    assert asked.text == fr.gettext("Do you mean:") == "Vous voulez dire :"
    assert payloads(asked) == ["cat:education", "cat:jobs", "menu", "emergency"]
    assert not asked.rtl
    assert await _events(session, before) == [("fr", "find_education", "lyon", "asked_back")]

    results = await person.press("cat:education")
    assert results.text.startswith("📚 Éducation à Lyon :")
    assert _numbered(results.text)[:1] == [1]
    assert ("fr", "find_education", "lyon", "results") in await _events(session, before)


async def test_arabic_unsure_question_without_a_city_asks_the_city_after_the_topic(
    rasa_says: MakeDialogue, session: AsyncSession, before: int
) -> None:
    ar = translations("ar")
    person = Conversation(await rasa_says(Understanding(SCHOOL_OR_WORK)), chat_id="5550302")

    asked = await person.say("أبحث عن دروس")
    assert asked.text == ar.gettext("Do you mean:") != "Do you mean:"
    assert _ARABIC.search(asked.text)
    assert asked.rtl
    assert payloads(asked) == ["cat:education", "cat:jobs", "menu", "emergency"]

    which_city = await person.press("cat:education")
    assert which_city.text == ar.gettext("Which city are you in?")
    results = await person.press("city:tangier")
    assert results.text.startswith("📚 التعليم في طنجة:")
    assert results.rtl
    assert _numbered(results.text)[:1] == [1]
    outcomes = [outcome for _, _, _, outcome in await _events(session, before)]
    assert outcomes == ["asked_back", "asked_city", "results"]


async def test_a_number_typed_picks_that_topic_of_the_question(
    rasa_says: MakeDialogue, session: AsyncSession, before: int
) -> None:
    # "1" typed under "Do you mean:" got the help text: people answer numbered choices so.
    unsure = Understanding(SCHOOL_OR_WORK, entities=(("city", "lyon", "Lyon"),))
    person = Conversation(await rasa_says(unsure), chat_id="5550305")
    await person.say("je cherche des cours à Lyon")
    jobs = await person.say("2")
    assert jobs.text.startswith("💼 Emploi à Lyon :")
    assert ("fr", "find_jobs", "lyon", "results") in await _events(session, before)

    # In Arabic digits, with a dot after it, the same.
    arabic = Conversation(await rasa_says(unsure), chat_id="5550306", language_hint="ar")
    await arabic.say("أبحث عن دروس في ليون")
    education = await arabic.say("١.")
    assert education.text.startswith("📚 التعليم في ليون:")
    assert education.rtl


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("4", "🚨"),  # the last button, the emergency numbers
        ("3", "What do you need?"),  # "Something else": the whole menu
    ],
)
async def test_a_number_picks_the_other_buttons_too(
    rasa_says: MakeDialogue, first: str, then: str
) -> None:
    person = Conversation(await rasa_says(Understanding(SCHOOL_OR_WORK)), chat_id="5550307")
    await person.say("I am looking for courses")
    await person.say(first)
    assert person.replies[0].text.startswith(then)


async def test_a_number_is_a_choice_only_right_after_the_question(
    rasa_says: MakeDialogue,
) -> None:
    unsure = Understanding(SCHOOL_OR_WORK, entities=(("city", "lyon", "Lyon"),))
    person = Conversation(await rasa_says(unsure), chat_id="5550308")
    await person.say("I am looking for courses in Lyon")
    beyond = await person.say("7")  # no 7th button: a number alone, answered with the menu
    assert "cat:health" in payloads(beyond)
    assert not beyond.text.startswith(("📚", "💼", "🚨"))
    await person.say("I am looking for courses in Lyon")
    results = await person.press("cat:education")
    assert results.text.startswith("📚 Education in Lyon:")
    later = await person.say("2")  # under a list, "2" is not the jobs of the question before
    assert not later.text.startswith("💼")


async def test_something_else_shows_the_whole_menu(rasa_says: MakeDialogue) -> None:
    person = Conversation(await rasa_says(Understanding(SCHOOL_OR_WORK)), chat_id="5550303")
    await person.say("I am looking for courses")
    menu = await person.press("menu")
    assert menu.text == "What do you need?"
    assert payloads(menu)[-1] == "emergency"
    assert "cat:health" in payloads(menu)


# Danger is never asked back. ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "understanding"),
    [
        (
            "aidez-moi vite, quelqu'un est blessé",
            Understanding((("emergency", 0.95), ("find_health", 0.03), ("find_legal", 0.02))),
        ),
        (
            "il me frappe, où dormir ce soir à Lyon",
            Understanding(
                (("find_housing", 0.55), ("find_legal", 0.35), ("find_social_support", 0.10)),
                entities=(("city", "lyon", "Lyon"),),
            ),
        ),
    ],
    ids=["the model is sure", "words of danger in a split ranking"],
)
async def test_an_emergency_is_never_asked_back(
    rasa_says: MakeDialogue, text: str, understanding: Understanding
) -> None:
    fr = translations("fr")
    person = Conversation(await rasa_says(understanding), chat_id="5550304")
    await person.say(text)
    first = person.replies[0]
    assert first.text.startswith(fr.gettext("🚨 If you are in danger, call now:"))
    assert all(reply.text != fr.gettext("Do you mean:") for reply in person.replies)


# The layout, without any server. -----------------------------------------------------------


def test_the_question_offers_each_topic_then_the_menu_then_emergency() -> None:
    result = ParseResult(
        intent="find_health",
        confidence=0.6,
        choices=("find_health", "rumour", "find_social_support"),
    )
    reply = render.ask_back(translations("en"), "en", result.choices)
    assert reply.text == "Do you mean:"
    assert [[(b.label, b.payload) for b in row] for row in reply.buttons] == [
        [("🩺 Health", "cat:health")],
        [("💬 Myths and facts", "myths")],
        [("🤝 Food and support", "cat:social_support")],
        [("Something else", "menu")],
        [("🚨 Emergency", "emergency")],
    ]
    persian = render.ask_back(translations("fa"), "fa", result.choices)
    assert persian.rtl
    assert persian.text != reply.text


# Answered in words, as to a person (the real model asks; what is typed needs none). --------


async def _in_lyon(person: Conversation, locale: str) -> None:
    await person.say("/start")
    await person.press(f"lang:{locale}")
    await person.press("city:lyon")


@pytest.mark.parametrize(
    ("asked", "typed", "locale", "then"),
    [
        # "le premier" got another question (legal help, food), "el segundo" the numbers.
        ("je veux apprendre un métier", "le premier", "fr", "📚 Éducation à Lyon"),
        ("je veux apprendre un métier", "Le deuxième !", "fr", "💼 Emploi à Lyon"),
        ("i need a course to get a job", "the second", "en", "📚 Education in Lyon"),
        ("voglio imparare un mestiere", "il primo", "it", "📚 Istruzione a Lione"),
    ],
)
async def test_a_place_typed_in_words_picks_that_button(
    dialogue: Dialogue, asked: str, typed: str, locale: str, then: str
) -> None:
    person = Conversation(dialogue, chat_id="5550320", language_hint=locale)
    await _in_lyon(person, locale)
    question = await person.say(asked)
    assert question.text == translations(locale).gettext("Do you mean:")
    results = await person.say(typed)
    assert results.text.startswith(then)


@pytest.mark.parametrize(
    ("typed", "locale"),
    [
        ("none of these", "en"),  # "Sorry, I did not understand"
        ("no", "en"),
        ("aucun", "fr"),
        ("nessuno di questi", "it"),
        ("ninguno", "es"),  # read by the model as a greeting: "Hello! What do you need?"
        ("keins davon", "de"),
    ],
)
async def test_none_of_these_typed_is_something_else(
    dialogue: Dialogue, typed: str, locale: str
) -> None:
    person = Conversation(dialogue, chat_id="5550321", language_hint=locale)
    await _in_lyon(person, locale)
    question = await person.say(
        {"en": "i need a course to get a job", "fr": "je veux apprendre un métier",
         "it": "voglio imparare un mestiere", "es": "nos quitan el trabajo",
         "de": "ich brauche papiere und essen"}[locale]
    )  # fmt: skip
    assert payloads(question)[-2:] == ["menu", "emergency"]
    menu = await person.say(typed)
    assert menu.text == translations(locale).gettext("What do you need?")
    assert payloads(menu)[-1] == "emergency"


async def test_words_of_a_choice_are_a_choice_only_under_the_question(
    dialogue: Dialogue,
) -> None:
    person = Conversation(dialogue, chat_id="5550322")
    await _in_lyon(person, "en")
    await person.say("i need a course to get a job")
    await person.say("the second")
    # Under the list of results, nothing was offered to pick: "no" is read as any message.
    after = await person.say("none of these")
    assert after.text != "What do you need?"


@pytest.mark.parametrize(
    ("asked", "answer", "locale"),
    [
        ("ich brauche papiere und essen", "ich brauche papiere und essen", "de"),
        ("je veux apprendre un métier", "je veux apprendre un métier", "fr"),
    ],
)
async def test_the_same_question_is_not_asked_twice_in_a_row(
    dialogue: Dialogue, asked: str, answer: str, locale: str
) -> None:
    person = Conversation(dialogue, chat_id="5550323", language_hint=locale)
    await _in_lyon(person, locale)
    question = await person.say(asked)
    assert question.text == translations(locale).gettext("Do you mean:")
    menu = await person.say(answer)
    assert menu.text == translations(locale).gettext("What do you need?")
    assert "cat:social_support" in payloads(menu)
    assert payloads(menu)[-1] == "emergency"


@pytest.mark.parametrize(
    ("asked", "answer", "locale", "first", "second"),
    [
        # "beides" got the same question again, "both" the help, "les deux" "Sorry, I did not
        # understand", "tutti e due" a greeting, in a QA pass.
        ("ich brauche papiere und essen", "beides", "de", "🤝", "cat:legal"),
        ("i need a course to get a job", "both", "en", "💼", "cat:education"),
        ("je veux apprendre un métier", "les deux", "fr", "📚", "cat:jobs"),
        ("voglio imparare un mestiere", "tutti e due", "it", "📚", "cat:legal"),
    ],
)
async def test_both_typed_is_the_first_topic_with_the_second_under_it(
    dialogue: Dialogue, asked: str, answer: str, locale: str, first: str, second: str
) -> None:
    person = Conversation(dialogue, chat_id="5550324", language_hint=locale)
    await _in_lyon(person, locale)
    question = await person.say(asked)
    assert question.text == translations(locale).gettext("Do you mean:")
    results = await person.say(answer)
    assert results.text.startswith(first)
    assert payloads(results)[0] == second
