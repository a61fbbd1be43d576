"""The decision over the model's ranking: act, ask which topic, or show the numbers."""

from __future__ import annotations

import pytest

from nlu.client import NLUClient
from nlu.decision import EMERGENCY_BAR, FALLBACK, Decision, decide
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


def test_the_model_emergency_is_answered_even_unsure() -> None:
    sure = decide([("emergency", 0.97), ("find_health", 0.02)])
    assert sure == Decision("emergency", 0.97)
    # Under the fallback threshold, with a topic close behind: the numbers all the same.
    # The likeliest need is kept, to be answered after the numbers.
    unsure = decide([("emergency", 0.35), ("find_jobs", 0.31), ("find_mobility", 0.29)])
    assert unsure == Decision("emergency", 0.35, need="find_jobs")
    assert decide([("emergency", EMERGENCY_BAR), ("greet", 0.2)]) == Decision(
        "emergency", EMERGENCY_BAR
    )
    # Under the bar, the model has no first intent worth acting on.
    scattered = decide([("emergency", 0.25), ("find_health", 0.24), ("greet", 0.2)])
    assert scattered == Decision("out_of_scope", 0.25)
    # Another intent first: the emergency in second place is not acted on by itself.
    second = decide([("find_housing", 0.54), ("emergency", 0.46)])
    assert second == Decision("find_housing", 0.54)


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
