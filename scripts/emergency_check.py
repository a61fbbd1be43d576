"""Would a second classifier's opinion spare the model's false emergencies? (issue 11, a
replay of a model trained with the check)

    .venv/bin/dalil nlu train --config nlu/experiments/ai-ab-emergency-check.yml
    PYTHONPATH=.:nlu/rasa/components .venv-nlu/bin/python scripts/emergency_check.py \
        build/nlu-models/dalil-nlu-<hash>.tar.gz dev=build/dev.jsonl strangers=build/strangers.jsonl

Each file is what `dalil nlu evaluate SET --predictions FILE` wrote for the served model (AB).
The model given here is AB with `dalil_emergency_check.EmergencyCheck` after its classifiers
(the same classifiers, seeds and data, so the same rankings): a logistic regression over
character and word n-grams of the training data, which writes the probability it gives a
message of being an emergency whenever the classifiers put `emergency` first. It is loaded
here, in Rasa's own process, and every text is parsed again, normalised as the client sends
it. An emergency the model alone gave (the safety net saw no danger) is then kept only when
that probability clears a bar. Prints, for each bar, the emergencies kept and the false alarms
of each set, as `dalil nlu evaluate` counts them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path

from rasa.core.agent import Agent
from rasa.utils.log_utils import configure_structlog

from nlu.normalize import normalize

CHECK = "emergency_check"
BARS = (0.1, 0.2, 0.3, 0.32, 0.34, 0.4, 0.5)


async def checked(model: str, sets: dict[str, list[dict]]) -> dict[str, list[tuple[dict, float]]]:
    agent = Agent.load(model)
    scored = {}
    for name, rows in sets.items():
        answers = [await agent.parse_message(normalize(row["text"])) for row in rows]
        scored[name] = [
            (row, answer.get(CHECK, 1.0)) for row, answer in zip(rows, answers, strict=True)
        ]
    return scored


def main(arguments: list[str]) -> None:
    configure_structlog(logging.WARNING)  # Rasa would print every parse, text included
    model, *pairs = arguments
    sets = {
        name: [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
        for name, path in (pair.split("=", 1) for pair in pairs)
    }
    scored = asyncio.run(checked(model, sets))
    for bar in (0.0, *BARS):
        cells = []
        for name, rows in scored.items():
            acted = [
                row["predicted"] == "emergency" and (row["danger"] or check >= bar)
                for row, check in rows
            ]
            gold = [row["intent"] == "emergency" for row, _ in rows]
            kept = sum(a and g for a, g in zip(acted, gold, strict=True))
            false = sum(a and not g for a, g in zip(acted, gold, strict=True))
            cells.append(f"{name} {kept}/{sum(gold)}, {false} false")
        rule = "as served" if bar == 0.0 else f"check >= {bar}"
        sys.stdout.write(f"| {rule} | " + " | ".join(cells) + " |\n")


if __name__ == "__main__":
    main(sys.argv[1:])
