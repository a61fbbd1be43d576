"""Would a nearest-neighbour check spare the model's false emergencies? (issue 11, a simulation)

    PYTHONPATH=. .venv-nlu/bin/python scripts/emergency_support.py dev=build/dev.jsonl \
        strangers=build/strangers.jsonl calm=build/calm.jsonl

Each file is what `dalil nlu evaluate SET --predictions FILE` wrote for the served model. The
training data (`nlu/rasa/data`, normalised, without annotations) is weighed by TF-IDF over
character 2-4-grams within words (scikit-learn, from the Rasa environment). An emergency the
model alone gave (the safety net saw no danger) is then kept only when the message is close
enough to the training emergencies: its best cosine with one of them is at least a bar, or at
least its best cosine with any other example plus a margin. Prints, for each rule, the
emergencies kept and the false-emergency rate of each set, as `dalil nlu evaluate` counts them.
Nothing is trained or changed: the figures are what the bot would have answered.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from nlu.normalize import normalize
from nlu.training_data import DATA_DIR, read_examples

BARS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5)
MARGINS = (-0.1, -0.05, 0.0, 0.05)


def training_examples() -> tuple[list[str], np.ndarray]:
    """Every training example's normalised text, and whether it is an emergency."""
    examples = [e for path in sorted(DATA_DIR.glob("*.yml")) for e in read_examples(path)]
    texts = [normalize(example.text) for example in examples]
    return texts, np.array([example.intent == "emergency" for example in examples])


def main(arguments: list[str]) -> None:
    sets = dict(argument.split("=", 1) for argument in arguments)
    texts, emergency = training_examples()
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=2,
                                 sublinear_tf=True)  # fmt: skip
    examples = vectorizer.fit_transform(texts)
    near: dict[str, list[tuple[dict, float, float]]] = {}
    for name, path in sets.items():
        rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
        queries = vectorizer.transform([normalize(row["text"]) for row in rows])
        to_emergencies = (queries @ examples[emergency].T).max(axis=1).toarray().ravel()
        to_others = (queries @ examples[~emergency].T).max(axis=1).toarray().ravel()
        near[name] = list(zip(rows, to_emergencies, to_others, strict=True))

    def report(rule: str, keep: Callable[[float, float], bool]) -> None:
        cells = []
        for name, scored in near.items():
            acted = [
                row["predicted"] == "emergency" and (row["danger"] or keep(e, o))
                for row, e, o in scored
            ]
            gold = [row["intent"] == "emergency" for row, _, _ in scored]
            kept = sum(a and g for a, g in zip(acted, gold, strict=True))
            false = sum(a and not g for a, g in zip(acted, gold, strict=True))
            cells.append(f"{name} {kept}/{sum(gold)} false {false / (len(gold) - sum(gold)):.4f}")
        sys.stdout.write(f"| {rule} | " + " | ".join(cells) + " |\n")

    report("as served", lambda e, o: True)
    for bar in BARS:
        report(f"nearest emergency >= {bar}", lambda e, o, bar=bar: e >= bar)
    for margin in MARGINS:
        report(f"nearest emergency >= nearest other {margin:+}", lambda e, o, m=margin: e >= o + m)


if __name__ == "__main__":
    main(sys.argv[1:])
