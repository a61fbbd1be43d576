"""The served model's linear classifier, as Rasa answers with it (a real server, the trained
model): the shape of DIET's and the ResponseSelector's answers, the rumour keys folded back."""

from __future__ import annotations

from typing import Any

import httpx
import yaml

from nlu.training import CONFIG
from tests.helpers.settings import RASA_TOKEN


async def _parse(rasa_url: str, text: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=rasa_url, params={"token": RASA_TOKEN}) as http:
        response = await http.post("/model/parse", json={"text": text}, timeout=30)
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body


def test_the_served_pipeline_is_the_linear_one_without_tensorflow() -> None:
    names = [step["name"] for step in yaml.safe_load(CONFIG.read_text())["pipeline"]]
    assert "dalil_linear_intents.LinearIntentClassifier" in names
    assert not {"DIETClassifier", "ResponseSelector"} & set(names)


async def test_the_ranking_has_the_shape_of_diets(rasa_url: str) -> None:
    body = await _parse(rasa_url, "where can i see a doctor in lyon")
    ranking = body["intent_ranking"]
    scores = [item["confidence"] for item in ranking]
    assert body["intent"] == ranking[0] == {"name": "find_health", "confidence": scores[0]}
    assert scores == sorted(scores, reverse=True)
    assert 0 < sum(scores) <= 1.0 + 1e-6
    assert len(ranking) == 10
    # One `rumour`, whatever the number of keys: the keys are the selector's business.
    names = [item["name"] for item in ranking]
    assert len(names) == len(set(names))
    assert not [name for name in names if "/" in name]


async def test_a_rumour_is_folded_back_as_the_selector_gives_it(rasa_url: str) -> None:
    body = await _parse(rasa_url, "do migrants get more benefits than locals")
    assert body["intent"]["name"] == "rumour"
    selector = body["response_selector"]
    assert selector["all_retrieval_intents"] == ["rumour"]
    answer = selector["rumour"]["response"]
    assert answer["intent_response_key"] == "rumour/more_benefits"
    assert answer["utter_action"] == "utter_rumour/more_benefits"
    assert answer["responses"]
    keys = selector["rumour"]["ranking"]
    assert keys[0]["intent_response_key"] == "rumour/more_benefits"
    assert keys[0]["confidence"] == answer["confidence"]
    # The keys share the rumour's probability: their confidences are shares of it.
    assert abs(sum(key["confidence"] for key in keys) - 1.0) < 1e-4
    assert {key["intent_response_key"] for key in keys} >= {
        "rumour/take_jobs",
        "rumour/more_benefits",
        "rumour/increase_crime",
    }
