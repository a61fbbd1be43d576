"""The decision over the model's ranking: act, ask which topic, or show the numbers."""

from __future__ import annotations

import pytest

from nlu import decision
from nlu.client import NLUClient
from nlu.decision import (
    EMERGENCY_BAR,
    FALLBACK,
    QUESTION_EMERGENCY_BAR,
    SHORT_EMERGENCY_BAR,
    SHORT_WORDS,
    Decision,
    asks,
    decide,
)
from tests.helpers.settings import make_settings
from tests.standins.rasa import answering
from tests.standins.server import serve


@pytest.mark.parametrize(
    ("ranking", "expected"),
    [
        # Confident: act on it.
        ([("find_jobs", 0.93), ("find_legal", 0.05)], Decision("find_jobs", 0.93)),
        # Unsure between topics: ask, likeliest first, at most three, none under 0.1.
        (
            [
                ("find_education", 0.55),
                ("find_jobs", 0.3),
                ("find_legal", 0.1),
                ("find_health", 0.04),
                ("greet", 0.01),
            ],
            Decision("find_education", 0.55, ("find_education", "find_jobs", "find_legal")),
        ),
        # Rasa's own fallback is not an intent: the ranking under it is what counts.
        (
            [("nlu_fallback", 0.5), ("find_housing", 0.49), ("find_social_support", 0.46)],
            Decision("out_of_scope", 0.49),
        ),
        (
            [("nlu_fallback", 0.5), ("find_housing", 0.52), ("find_social_support", 0.45)],
            Decision("find_housing", 0.52, ("find_housing", "find_social_support")),
        ),
        # Asking for a person is acted on from HUMAN_BAR; below it, a topic in sight is asked
        # about ("I want to talk to a lawyer" is a legal question).
        ([("talk_to_human", 0.85), ("find_legal", 0.1)], Decision("talk_to_human", 0.85)),
        (
            [("talk_to_human", 0.6), ("find_legal", 0.3)],
            Decision("find_legal", 0.3, ("find_legal",)),
        ),
        ([("talk_to_human", 0.6), ("greet", 0.3)], Decision("talk_to_human", 0.6)),
        # Unsure, but only one topic in sight, or not a topic at all: act.
        ([("find_health", 0.6), ("greet", 0.35)], Decision("find_health", 0.6)),
        ([("thanks", 0.6), ("find_health", 0.3)], Decision("thanks", 0.6)),
        # A goodbye, the one answer without a button, is acted on from GOODBYE_BAR; under
        # it a topic in sight is asked about, else the menu ("aiutatemi vi prego" was
        # "Goodbye": goodbye 0.56, emergency 0.41).
        ([("goodbye", 0.93), ("thanks", 0.05)], Decision("goodbye", 0.93)),
        ([("goodbye", 0.56), ("emergency", 0.41)], Decision("out_of_scope", 0.56)),
        (
            [("goodbye", 0.6), ("find_health", 0.13), ("emergency", 0.04)],
            Decision("find_health", 0.13, ("find_health",)),
        ),
        # Every rumour is one button.
        (
            [("rumour", 0.6), ("find_jobs", 0.3)],
            Decision("rumour", 0.6, ("rumour", "find_jobs")),
        ),
        # Too unsure to say anything.
        ([("find_jobs", 0.3), ("find_legal", 0.25)], Decision("out_of_scope", 0.3)),
        ([], Decision("out_of_scope", 0.0)),
    ],
)
def test_decide(ranking: list[tuple[str, float]], expected: Decision) -> None:
    assert decide(ranking, fallback=0.5) == expected


def test_the_model_emergency_over_its_bar_gets_the_numbers() -> None:
    sure = decide([("emergency", 0.97), ("find_health", 0.02)])
    assert sure == Decision("emergency", 0.97)
    # Over the bar but not confident, with a topic close behind: the numbers all the same.
    # The likeliest need is kept, to be answered after the numbers.
    unsure = decide([("emergency", EMERGENCY_BAR), ("find_jobs", 0.2), ("find_mobility", 0.15)])
    assert unsure == Decision("emergency", EMERGENCY_BAR, need="find_jobs")
    assert decide([("emergency", EMERGENCY_BAR), ("greet", 0.2)]) == Decision(
        "emergency", EMERGENCY_BAR
    )
    # Under the fallback threshold, the model has no first intent worth acting on.
    scattered = decide([("emergency", 0.25), ("find_health", 0.24), ("greet", 0.2)])
    assert scattered == Decision("out_of_scope", 0.25)
    # Another intent first: the emergency in second place is not acted on by itself.
    second = decide([("find_housing", 0.54), ("emergency", 0.46)])
    assert second == Decision("find_housing", 0.54)


def test_a_short_message_needs_more_of_the_model_s_belief_in_an_emergency() -> None:
    # Between the two bars, a long message gets the numbers and a short one is asked about
    # (the question carries the emergency button): short plain danger is the safety net's.
    between = (EMERGENCY_BAR + SHORT_EMERGENCY_BAR) / 2
    ranking = [("emergency", between), ("find_health", 0.3), ("greet", 0.05)]
    assert decide(ranking, words=SHORT_WORDS).intent == "emergency"
    assert decide(ranking) == decide(ranking, words=SHORT_WORDS)
    asked = decide(ranking, words=SHORT_WORDS - 1)
    assert asked == Decision("find_health", 0.3, ("find_health",))
    sure = decide([("emergency", SHORT_EMERGENCY_BAR), ("find_health", 0.3)], words=2)
    assert sure.intent == "emergency"


def test_an_emergency_under_its_bar_is_asked_about(monkeypatch: pytest.MonkeyPatch) -> None:
    # With the bar above the fallback: a sure emergency gets the numbers; an unsure one is
    # asked about when a topic is in sight (the question carries the emergency button), else
    # the menu (which carries it too). Never the numbers by a guess.
    monkeypatch.setattr(decision, "EMERGENCY_BAR", 0.9)
    assert decide([("emergency", 0.95), ("find_health", 0.04)]) == Decision("emergency", 0.95)
    unsure = decide([("emergency", 0.7), ("find_health", 0.2), ("find_jobs", 0.05)])
    assert unsure == Decision("find_health", 0.2, ("find_health",))
    two = decide([("emergency", 0.6), ("find_legal", 0.25), ("find_housing", 0.12)])
    assert two == Decision("find_legal", 0.25, ("find_legal", "find_housing"))
    nothing_in_sight = decide([("emergency", 0.7), ("out_of_scope", 0.25), ("greet", 0.05)])
    assert nothing_in_sight == Decision("out_of_scope", 0.7)
    # Under the fallback threshold as well: the menu.
    assert decide([("emergency", 0.2), ("find_health", 0.15)], fallback=0.3) == Decision(
        "out_of_scope", 0.2
    )


async def test_an_unsure_emergency_with_words_of_danger_gets_the_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The safety net decides before the model's bar: words of danger are an emergency even
    # when the model, unsure, would have asked.
    monkeypatch.setattr(decision, "EMERGENCY_BAR", 0.9)
    body = {
        "intent": {"name": "emergency", "confidence": 0.6},
        "entities": [],
        "intent_ranking": [
            {"name": "emergency", "confidence": 0.6},
            {"name": "find_health", "confidence": 0.3},
        ],
    }
    async with serve(answering(body)) as url:
        client = NLUClient(url)
        try:
            asked = await client.parse("my friend is strange since this morning")
            assert (asked.intent, asked.choices) == ("find_health", ("find_health",))
            danger = await client.parse("my friend is not breathing")
            assert (danger.intent, danger.choices, danger.danger) == ("emergency", (), True)
        finally:
            await client.aclose()


async def test_the_client_offers_choices_and_never_with_words_of_danger() -> None:
    body = {
        "intent": {"name": "nlu_fallback", "confidence": 0.5},
        "entities": [{"entity": "city", "value": "lyon", "start": 0, "end": 4}],
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.5},
            {"name": "find_education", "confidence": 0.51},
            {"name": "find_jobs", "confidence": 0.47},
        ],
    }
    async with serve(answering(body)) as url:
        client = NLUClient(url)
        try:
            unsure = await client.parse("apprendre un métier à Lyon")
            assert (unsure.intent, unsure.choices) == (
                "find_education",
                ("find_education", "find_jobs"),
            )
            assert unsure.entity("city") == "lyon"
            danger = await client.parse("il a un couteau, apprendre un métier à Lyon")
            assert (danger.intent, danger.choices, danger.need) == (
                "emergency",
                (),
                "find_education",
            )
        finally:
            await client.aclose()


def test_the_settings_default_is_the_bar_chosen_on_the_development_set() -> None:
    assert make_settings().nlu_fallback_threshold == FALLBACK


async def test_the_client_counts_the_words_of_the_message_for_the_emergency_bar() -> None:
    between = (EMERGENCY_BAR + SHORT_EMERGENCY_BAR) / 2
    body = {
        "intent": {"name": "emergency", "confidence": between},
        "entities": [],
        "intent_ranking": [
            {"name": "emergency", "confidence": between},
            {"name": "find_education", "confidence": 0.3},
        ],
    }
    long = "my son is nine and he was meant to be back from school an hour and a half ago"
    async with serve(answering(body)) as url:
        client = NLUClient(url)
        try:
            short = await client.parse("the school called about my son")
            assert (short.intent, short.choices) == ("find_education", ("find_education",))
            told = await client.parse(long)
            assert (told.intent, told.danger) == ("emergency", False)
        finally:
            await client.aclose()


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("what is the difference between a bachelor and a master?", True),
        ("¿cuánto cuesta el abono de transporte?", True),
        ("هل يمكنني التسجيل في المدرسة؟", True),
        ("do I need papers?  ", True),
        ("my son is not back from school", False),
        ("is he ok? he fell and does not move", False),
    ],
)
def test_a_question_is_a_message_that_ends_with_a_question_mark(text: str, question: bool) -> None:
    assert asks(text) is question


@pytest.mark.parametrize(
    ("text", "language", "question"),
    [
        # Asked without the question mark, as people type: a word that asks comes first.
        ("kifach nsajel weldi fel madrassa", "ar", True),
        ("where is the police station", "en", True),
        ("Cómo saco el padrón", "es", True),
        ("أين أجد طبيب أسنان", "ar", True),
        ("آیا کلاس زبان رایگان است", "fa", True),
        ("okul ücretsiz mi", "tr", True),
        # Not so: no word that asks first, another language's, or "ما" (also "not").
        ("help me find a school", "en", False),
        ("ما بقدر اتنفس", "ar", False),
        ("kifach nsajel weldi fel madrassa", None, False),
        ("como tirar o nif", "en", False),
    ],
)
def test_a_question_opens_with_a_word_that_asks_in_its_language(
    text: str, language: str | None, question: bool
) -> None:
    assert asks(text, language) is question


def test_the_models_emergency_in_a_question_needs_the_question_bar() -> None:
    under = (max(EMERGENCY_BAR, SHORT_EMERGENCY_BAR) + QUESTION_EMERGENCY_BAR) / 2
    ranking = [("emergency", under), ("find_education", 0.2), ("find_jobs", 0.1)]
    told = decide(ranking, words=14)
    assert told.intent == "emergency"
    asked = decide(ranking, words=14, question=True)
    assert (asked.intent, asked.choices) == ("find_education", ("find_education", "find_jobs"))
    sure = decide([("emergency", QUESTION_EMERGENCY_BAR)], words=3, question=True)
    assert sure.intent == "emergency"


async def test_the_client_reads_the_question_mark_and_words_of_danger_still_count() -> None:
    under = (max(EMERGENCY_BAR, SHORT_EMERGENCY_BAR) + QUESTION_EMERGENCY_BAR) / 2
    body = {
        "intent": {"name": "emergency", "confidence": under},
        "entities": [],
        "intent_ranking": [
            {"name": "emergency", "confidence": under},
            {"name": "find_education", "confidence": 0.3},
        ],
    }
    async with serve(answering(body)) as url:
        client = NLUClient(url)
        try:
            # The question mark is gone once normalised: the client reads the text as written.
            asked = await client.parse(
                "what separates a bachelor's degree from a master's degree in this country?"
            )
            assert (asked.intent, asked.danger) == ("find_education", False)
            told = await client.parse(
                "what separates a bachelor's degree from a master's degree in this country"
            )
            assert told.intent == "emergency"
            danger = await client.parse("what do I do, he is hitting me?")
            assert (danger.intent, danger.danger) == ("emergency", True)
        finally:
            await client.aclose()
