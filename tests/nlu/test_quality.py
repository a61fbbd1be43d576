"""The quality gate: the trained model on the development set, through the bot's client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nlu import evaluate
from nlu.client import NLUClient
from nlu.language import LanguageIdentifier
from nlu.normalize import normalize
from nlu.training_data import DATA_DIR, read_examples
from tests.conftest import RASA_TOKEN

DEV_SET = Path(evaluate.__file__).parent / "eval" / "dev.yml"
# Written later by other hands than both, to check what the development set says; scored,
# never trained on and never used to choose data (nlu/README.md).
HOLDOUT_SET = Path(evaluate.__file__).parent / "eval" / "holdout.yml"
LANGUAGES = {"ar", "fr", "en", "es", "it", "pt", "de", "fa", "uk", "tr"}


@pytest.fixture(scope="module")
async def scores(
    rasa_url: str, identifier: LanguageIdentifier, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    client = NLUClient(rasa_url, token=RASA_TOKEN, identifier=identifier, timeout_s=30)
    try:
        predictions = await evaluate.predict(client, evaluate.read_labelled(DEV_SET))
    finally:
        await client.aclose()
    result = evaluate.report(predictions)
    # Kept for whoever reads a failing run: every miss, one JSON line each.
    out = tmp_path_factory.mktemp("nlu") / "dev-predictions.jsonl"
    evaluate.write_predictions(out, [p for p in predictions if p.intent != p.predicted])
    print(json.dumps({k: result[k] for k in ("accuracy", "macro_f1", "per_language")}, indent=1))
    return result


@pytest.mark.parametrize(("path", "least"), [(DEV_SET, 10), (HOLDOUT_SET, 6)])
def test_the_evaluation_sets_cover_every_language_and_intent(path: Path, least: int) -> None:
    examples = evaluate.read_labelled(path)
    counts: dict[tuple[str | None, str], int] = {}
    for example in examples:
        base = example.intent.split("/")[0]
        counts[(example.lang, base)] = counts.get((example.lang, base), 0) + 1
    assert {lang for lang, _ in counts} == LANGUAGES
    assert min(counts.values()) >= least


@pytest.mark.parametrize("path", [DEV_SET, HOLDOUT_SET])
def test_the_evaluation_sets_are_never_trained_on(path: Path) -> None:
    trained = {normalize(e.text) for path in DATA_DIR.glob("*.yml") for e in read_examples(path)}
    shared = [e.text for e in evaluate.read_labelled(path) if normalize(e.text) in trained]
    assert shared == []


def test_the_evaluation_sets_share_nothing() -> None:
    dev = {normalize(e.text) for e in evaluate.read_labelled(DEV_SET)}
    assert [e.text for e in evaluate.read_labelled(HOLDOUT_SET) if normalize(e.text) in dev] == []


def test_macro_f1(scores: dict[str, Any]) -> None:
    assert scores["macro_f1"] >= 0.90, scores["confusions"][:15]


def test_every_language(scores: dict[str, Any]) -> None:
    low = {k: v for k, v in scores["per_language"].items() if v["macro_f1"] < 0.85}
    assert low == {}


def test_emergencies_are_not_missed(scores: dict[str, Any]) -> None:
    assert scores["per_intent"]["emergency"]["recall"] >= 0.98


def test_out_of_scope_is_recognised(scores: dict[str, Any]) -> None:
    assert scores["per_intent"]["out_of_scope"]["recall"] >= 0.80
