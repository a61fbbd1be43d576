"""Choosing the bars of `nlu.decision` for a model, on the sets that choose.

    .venv/bin/python -m nlu.tune_bars build/nlu-compare/t-….tar.gz
        [--sets dev,strangers,calm,plain,rough] [--fallback 0.25 0.3 ...]

Serves the model, asks Rasa once for every text of the sets given (the development set by
default; `strangers`, the development set of strangers' text, and `calm`, long calm messages by
other writers, beside it), then replays Rasa's
answers through the bot's client (language identification, safety net, decision) for every
combination of the fallback threshold, EMERGENCY_BAR, SHORT_EMERGENCY_BAR (with SHORT_WORDS),
QUESTION_EMERGENCY_BAR, CONFIDENT, GOODBYE_BAR and LEAST_CHOICE given, and
prints one JSON line each with the bars and, per set, the figures of the gates: macro-F1,
weakest language, emergency recall, false-emergency rate, out-of-scope recall, asked back and
the right topic offered (`dev_macro_f1`, `strangers_false_emergency`, ...), so one
combination can be judged on all of them at once. The held-out and external sets are never read
here: they cannot be named.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
from pathlib import Path
from typing import Any

import httpx

from core.settings import Settings
from nlu import decision, evaluate
from nlu.client import MAX_TEXT_CHARS, NLUClient, RasaHTTP
from nlu.compare import WORK, _serve, set_names
from nlu.language import LanguageIdentifier
from nlu.normalize import normalize

PORT = 5890


async def _answers(server: Any, texts: list[str]) -> dict[str, Any]:
    """Rasa's raw answer for every (normalised) text, once the server is ready."""
    answers: dict[str, Any] = {}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORT}", timeout=30) as http:
        for _ in range(300):
            try:
                if (await http.get("/status")).json().get("model_file"):
                    break
            except (httpx.HTTPError, ValueError):
                pass
            if server.poll() is not None:
                raise RuntimeError(f"Rasa exited with {server.returncode}: see {WORK}")
            await asyncio.sleep(1)
        for text in texts:
            response = await http.post("/model/parse", json={"text": text})
            response.raise_for_status()
            answers[text] = response.json()
    return answers


class _Stored(RasaHTTP):
    """Rasa's answers, stored once, given back for each parse without asking Rasa again."""

    def __init__(self, answers: dict[str, Any]) -> None:
        super().__init__("http://rasa.stored")
        self.answers = answers

    async def request(self, method: str, path: str, body: Any = None) -> Any:
        return self.answers[body["text"]]


def score(
    answers: dict[str, Any],
    examples: list[evaluate.LabelledExample],
    identifier: LanguageIdentifier,
    bars: dict[str, float],
) -> dict[str, Any]:
    """One set's figures with these bars, from Rasa's stored answers."""
    decision.EMERGENCY_BAR = bars["emergency_bar"]
    decision.SHORT_EMERGENCY_BAR = bars["short_emergency_bar"]
    decision.SHORT_WORDS = int(bars["short_words"])
    decision.QUESTION_EMERGENCY_BAR = bars["question_emergency_bar"]
    decision.CONFIDENT = bars["confident"]
    decision.GOODBYE_BAR = bars["goodbye_bar"]
    decision.LEAST_CHOICE = bars["least_choice"]

    client = NLUClient(
        "http://rasa.stored",
        fallback_threshold=bars["fallback"],
        identifier=identifier,
        http=_Stored(answers),
    )
    report = evaluate.report(asyncio.run(evaluate.predict(client, examples)))
    weakest = min(report["per_language"].items(), key=lambda item: item[1]["macro_f1"])
    return {
        **bars,
        "macro_f1": report["macro_f1"],
        "weakest": f"{weakest[0]} {weakest[1]['macro_f1']}",
        "emergency_recall": report["per_intent"].get("emergency", {}).get("recall"),
        "false_emergency": report["false_emergency_rate"],
        "out_of_scope_recall": report["per_intent"].get("out_of_scope", {}).get("recall"),
        "asked_back": report["asked_back_rate"],
        "right_topic_offered": report["asked_back_right_offered"],
    }


def score_sets(
    answers: dict[str, Any],
    sets: dict[str, list[evaluate.LabelledExample]],
    identifier: LanguageIdentifier,
    bars: dict[str, float],
) -> dict[str, Any]:
    """The bars, then every set's figures under them, each key prefixed with its set's name."""
    row: dict[str, Any] = dict(bars)
    for name, examples in sets.items():
        figures = score(answers, examples, identifier, bars)
        row.update({f"{name}_{key}": value for key, value in figures.items() if key not in bars})
    return row


def choosing_sets(values: list[str]) -> list[str]:
    """The sets named (apart or comma-separated), each one a set that may choose."""
    names = set_names(values)
    refused = [name for name in names if name not in evaluate.CHOOSING_SETS]
    if refused:
        raise argparse.ArgumentTypeError(
            f"bars are chosen on {' and '.join(evaluate.CHOOSING_SETS)} only, not {refused}"
        )
    return names


def main() -> None:
    """Run the grid from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument(
        "--sets", nargs="+", default=["dev"],
        help="the sets to score every combination on, apart or comma-separated: "
        + ", ".join(evaluate.CHOOSING_SETS),
    )  # fmt: skip
    served_fallback = Settings.model_fields["nlu_fallback_threshold"].default
    parser.add_argument("--fallback", nargs="+", type=float, default=[served_fallback])
    parser.add_argument("--emergency-bar", nargs="+", type=float, default=[decision.EMERGENCY_BAR])
    parser.add_argument(
        "--short-emergency-bar", nargs="+", type=float, default=[decision.SHORT_EMERGENCY_BAR]
    )
    parser.add_argument("--short-words", nargs="+", type=int, default=[decision.SHORT_WORDS])
    parser.add_argument(
        "--question-bar", nargs="+", type=float, default=[decision.QUESTION_EMERGENCY_BAR]
    )
    parser.add_argument("--confident", nargs="+", type=float, default=[decision.CONFIDENT])
    parser.add_argument("--goodbye-bar", nargs="+", type=float, default=[decision.GOODBYE_BAR])
    parser.add_argument("--least-choice", nargs="+", type=float, default=[decision.LEAST_CHOICE])
    args = parser.parse_args()
    try:
        names = choosing_sets(args.sets)
    except argparse.ArgumentTypeError as error:
        parser.error(str(error))
    sets = {name: evaluate.read_labelled(evaluate.EVAL_SETS[name]) for name in names}
    every = [example for examples in sets.values() for example in examples]
    texts = sorted({normalize(e.text)[:MAX_TEXT_CHARS] for e in every} - {""})
    WORK.mkdir(parents=True, exist_ok=True)
    server = _serve(Settings(_env_file=None).nlu_venv, args.model, PORT)
    try:
        answers = asyncio.run(_answers(server, texts))
    finally:
        server.terminate()
        server.wait(timeout=60)
    identifier = LanguageIdentifier.from_training_data()
    grid = itertools.product(
        args.fallback, args.emergency_bar, args.short_emergency_bar, args.short_words,
        args.question_bar, args.confident, args.goodbye_bar, args.least_choice,
    )  # fmt: skip
    bar_names = (
        "fallback", "emergency_bar", "short_emergency_bar", "short_words",
        "question_emergency_bar", "confident", "goodbye_bar", "least_choice",
    )  # fmt: skip
    for values in grid:
        bars = dict(zip(bar_names, values, strict=True))
        print(json.dumps(score_sets(answers, sets, identifier, bars)), flush=True)


if __name__ == "__main__":
    main()
