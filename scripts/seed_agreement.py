"""Would asking the three classifiers to agree spare the model's false emergencies?
(issue 11, a simulation)

    PYTHONPATH=.:nlu/rasa/components .venv-nlu/bin/python scripts/seed_agreement.py \
        build/nlu-models/dalil-nlu-<hash>.tar.gz dev=build/dev.jsonl strangers=build/strangers.jsonl

Each file is what `dalil nlu evaluate SET --predictions FILE` wrote for the served model (the
mean of three DIET classifiers, seeds 7, 8 and 9: `rasa/components/dalil_seed_ensemble.py`).
The model is loaded here, in Rasa's own process, with `MeanRanking` made to keep each
classifier's emergency confidence on the message; every text is parsed again, normalised as
the client sends it. An emergency the model alone gave (the safety net saw no danger) is then
kept only when the three classifiers agree on it: the least of their three confidences at
least a bar, or the spread between the highest and the least at most a margin. Prints, for
each rule, the emergencies kept and the false alarms of each set, as `dalil nlu evaluate`
counts them. Nothing is trained or changed: the figures are what the bot would have answered.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path

import dalil_seed_ensemble
from rasa.core.agent import Agent
from rasa.utils.log_utils import configure_structlog

from nlu.normalize import normalize

SEEDS = "dalil_seed_emergency"
LEAST = (0.1, 0.2, 0.3, 0.4, 0.5)
SPREADS = (0.9, 0.8, 0.7, 0.6, 0.5)


def keep_each_classifier() -> None:
    """Has `MeanRanking` write each kept ranking's emergency confidence to the parse."""
    mean = dalil_seed_ensemble.MeanRanking.process

    def process(self: object, messages: list) -> list:
        for message in messages:
            kept = message.get(dalil_seed_ensemble.KEPT) or []
            emergency = [
                next((i["confidence"] for i in ranking if i["name"] == "emergency"), 0.0)
                for ranking in kept
            ]
            message.set(SEEDS, [float(c) for c in emergency], add_to_output=True)
        return mean(self, messages)

    dalil_seed_ensemble.MeanRanking.process = process


async def parsed(model: str, sets: dict[str, list[dict]]) -> dict[str, list[tuple[dict, list]]]:
    agent = Agent.load(model)
    scored = {}
    for name, rows in sets.items():
        answers = [await agent.parse_message(normalize(row["text"])) for row in rows]
        scored[name] = [(row, answer[SEEDS]) for row, answer in zip(rows, answers, strict=True)]
    return scored


def main(arguments: list[str]) -> None:
    configure_structlog(logging.WARNING)  # Rasa would print every parse, text included
    keep_each_classifier()
    model, *pairs = arguments
    sets = {
        name: [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
        for name, path in (pair.split("=", 1) for pair in pairs)
    }
    scored = asyncio.run(parsed(model, sets))

    def report(rule: str, keep: Callable[[list[float]], bool]) -> None:
        cells = []
        for name, rows in scored.items():
            acted = [
                row["predicted"] == "emergency" and (row["danger"] or keep(seeds))
                for row, seeds in rows
            ]
            gold = [row["intent"] == "emergency" for row, _ in rows]
            kept = sum(a and g for a, g in zip(acted, gold, strict=True))
            false = sum(a and not g for a, g in zip(acted, gold, strict=True))
            cells.append(f"{name} {kept}/{sum(gold)}, {false} false")
        sys.stdout.write(f"| {rule} | " + " | ".join(cells) + " |\n")

    report("as served", lambda seeds: True)
    for bar in LEAST:
        report(f"least of the three >= {bar}", lambda seeds, bar=bar: min(seeds) >= bar)
    for spread in SPREADS:
        report(
            f"highest - least <= {spread}",
            lambda seeds, spread=spread: max(seeds) - min(seeds) <= spread,
        )
    report("two of three >= 0.5", lambda seeds: sum(c >= 0.5 for c in seeds) >= 2)


if __name__ == "__main__":
    main(sys.argv[1:])
