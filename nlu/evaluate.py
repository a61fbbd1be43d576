"""Evaluating the NLU on a labelled file, through the same client the bot uses.

The input is Rasa NLU YAML: intent blocks whose `examples` are either the usual `- text`
lines or a list of `{text, metadata}` items; `metadata: {lang: xx}` may sit on the block or
on an example. Entity annotations are stripped. `nlu_fallback` counts as `out_of_scope`, on
either side. A gold label without a retrieval key (`rumour`) is compared with the predicted
intent without its key; a gold `rumour/<key>` needs the right key.

What counts as predicted is what the bot acts on: the client's intent after its fallback
threshold and its safety net (words of danger make an emergency; a need the model also saw is
answered after the emergency numbers). `model_predicted` is the model's own answer, before the
safety net, so the report can say what each of the two catches.

When the bot is unsure it asks which topic is meant (`nlu.decision`): `predicted` is then
the first topic it offers, `choices` all of them. The report gives how often that happens
and how often the right topic was offered, and the false-emergency rate: ordinary messages
answered with the emergency numbers.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from nlu.client import NLUClient
from nlu.decision import EMERGENCY, OUT_OF_SCOPE, RASA_FALLBACK
from nlu.errors import NLUUnavailable
from nlu.safety import mentions_danger
from nlu.training_data import plain_text

# The evaluation sets (nlu/README.md): development, held-out, text by other people, and three
# more sets that choose like "dev" and are never trained on: strangers' text
# (eval/strangers/README.md), long, calm messages by other writers (eval/calm/README.md),
# short, plain ones by yet others (eval/plain/README.md) and roughly typed ones, Arabizi most
# (eval/rough/README.md).
EVAL_DIR = Path(__file__).resolve().parent / "eval"
EVAL_SETS = {
    "dev": EVAL_DIR / "dev.yml",
    "holdout": EVAL_DIR / "holdout.yml",
    "external": EVAL_DIR / "external",
    "strangers": EVAL_DIR / "strangers",
    "calm": EVAL_DIR / "calm",
    "plain": EVAL_DIR / "plain",
    "rough": EVAL_DIR / "rough",
}
# The sets data, configurations and bars may be chosen on; the others are only scored.
CHOOSING_SETS = ("dev", "strangers", "calm", "plain", "rough")


def set_path(name_or_path: str) -> Path:
    """Return the path of an evaluation set given by its name, or the path given."""
    path = Path(name_or_path)
    if name_or_path in EVAL_SETS and not path.exists():
        return EVAL_SETS[name_or_path]
    return path


@dataclass(frozen=True, slots=True)
class LabelledExample:
    """One example to evaluate."""

    text: str
    intent: str
    lang: str | None


@dataclass(frozen=True, slots=True)
class Prediction:
    """One example with what the NLU made of it."""

    text: str
    lang: str | None
    intent: str
    predicted: str
    confidence: float
    detected_language: str | None
    # The safety net fired: the bot shows the emergency numbers first, whatever the model said.
    danger: bool = False
    # The model's own answer, before the safety net (None when Rasa could not be reached).
    model_predicted: str | None = None
    # The bot was unsure and asked which of these topics is meant (`predicted` is the first).
    choices: tuple[str, ...] = ()


def _label(intent: str) -> str:
    return OUT_OF_SCOPE if intent == RASA_FALLBACK else intent


def _entry(item: Any, block_lang: str | None) -> tuple[str, str | None]:
    if isinstance(item, dict):
        lang = (item.get("metadata") or {}).get("lang", block_lang)
        return str(item.get("text", "")).strip(), lang
    return str(item).strip(), block_lang


def read_labelled(path: Path) -> list[LabelledExample]:
    """Read every example of a Rasa NLU YAML file, or of a folder of them, with its intent."""
    if path.is_dir():
        return [example for file in sorted(path.glob("*.yml")) for example in read_labelled(file)]
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(document, dict) or not isinstance(document.get("nlu"), list):
        raise ValueError(f"{path}: not Rasa NLU YAML (no `nlu:` list)")
    examples = []
    for block in document["nlu"]:
        if not isinstance(block, dict) or "intent" not in block:
            continue
        intent = _label(str(block["intent"]))
        block_lang = (block.get("metadata") or {}).get("lang")
        items = block.get("examples") or []
        if isinstance(items, str):
            lines = (line.strip() for line in items.splitlines())
            entries = [(line[2:].strip(), block_lang) for line in lines if line.startswith("- ")]
        else:
            entries = [
                (
                    str(item.get("text", "")).strip(),
                    (item.get("metadata") or {}).get("lang", block_lang),
                )
                if isinstance(item, dict)
                else (str(item).strip(), block_lang)
                for item in items
            ]
        for text, lang in entries:
            if text:
                examples.append(LabelledExample(plain_text(text), intent, lang))
    return examples


def _comparable(gold: str, predicted: str) -> str:
    """Bring the prediction to the gold label's granularity (`rumour` vs `rumour/key`)."""
    if "/" not in gold and "/" in predicted:
        return predicted.split("/", 1)[0]
    return predicted


async def predict(
    client: NLUClient, examples: list[LabelledExample], *, concurrency: int = 4
) -> list[Prediction]:
    """Parse every example through the client, a few at a time, in order."""
    gate = asyncio.Semaphore(concurrency)

    async def one(example: LabelledExample) -> Prediction:
        async with gate:
            try:
                result = await client.parse(example.text)
            except NLUUnavailable:
                # The bot shows its menu: nothing was understood.
                return Prediction(example.text, example.lang, example.intent, OUT_OF_SCOPE,
                                  0.0, client.detect_language(example.text),
                                  mentions_danger(example.text))  # fmt: skip

        def comparable(intent: str) -> str:
            label = _label(intent)
            if label == "rumour" and result.response_key:
                label = result.response_key
            return _comparable(example.intent, label)

        model = result.model_intent
        return Prediction(
            example.text,
            example.lang,
            example.intent,
            comparable(result.intent),
            round(result.confidence, 4),
            result.language,
            result.danger,
            comparable(model) if model is not None else None,
            tuple(comparable(choice) for choice in result.choices),
        )

    return list(await asyncio.gather(*(one(e) for e in examples)))


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _scores(predictions: Iterable[Prediction]) -> dict[str, Any]:
    items = list(predictions)
    labels = sorted({p.intent for p in items})
    true_positive: Counter[str] = Counter()
    predicted_count: Counter[str] = Counter()
    support: Counter[str] = Counter()
    for p in items:
        support[p.intent] += 1
        predicted_count[p.predicted] += 1
        if p.predicted == p.intent:
            true_positive[p.intent] += 1
    per_intent = {}
    for label in labels:
        precision = true_positive[label] / predicted_count[label] if predicted_count[label] else 0.0
        recall = true_positive[label] / support[label]
        per_intent[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(_f1(precision, recall), 4),
            "support": support[label],
        }
    macro = sum(v["f1"] for v in per_intent.values()) / len(per_intent) if per_intent else 0.0
    correct = sum(true_positive.values())
    return {
        "examples": len(items),
        "accuracy": round(correct / len(items), 4) if items else 0.0,
        "macro_f1": round(macro, 4),
        "per_intent": per_intent,
    }


def report(predictions: list[Prediction]) -> dict[str, Any]:
    """Return accuracy, macro-F1, per-intent and per-language scores and the confusions."""
    overall = _scores(predictions)
    by_language: dict[str, list[Prediction]] = defaultdict(list)
    for p in predictions:
        by_language[p.lang or "unknown"].append(p)
    per_language = {}
    for lang, items in sorted(by_language.items()):
        scores = _scores(items)
        per_language[lang] = {
            "examples": scores["examples"],
            "accuracy": scores["accuracy"],
            "macro_f1": scores["macro_f1"],
            "language_identified": round(
                sum(p.detected_language == p.lang for p in items) / len(items), 4
            ),
        }
    confusions = Counter((p.intent, p.predicted) for p in predictions if p.intent != p.predicted)
    emergencies = [p for p in predictions if p.intent == EMERGENCY]
    by_model = sum(p.model_predicted == EMERGENCY for p in emergencies)
    ordinary = [p for p in predictions if p.intent != EMERGENCY]
    asked = [p for p in predictions if p.choices]
    return {
        **{k: overall[k] for k in ("examples", "accuracy", "macro_f1")},
        # The model alone, without the safety net: how much of the emergency recall is its own.
        "emergency_recall_model_alone": _share(by_model, len(emergencies)),
        # Ordinary messages answered with the emergency numbers instead of what was asked.
        "false_emergency_rate": _share(
            sum(p.predicted == EMERGENCY for p in ordinary), len(ordinary)
        ),
        # Messages the bot asked back about, and how often the right topic was among the buttons.
        "asked_back_rate": _share(len(asked), len(predictions)),
        "asked_back_right_offered": _share(sum(p.intent in p.choices for p in asked), len(asked)),
        "per_intent": overall["per_intent"],
        "per_language": per_language,
        "confusions": [
            {"intent": gold, "predicted": predicted, "count": count}
            for (gold, predicted), count in confusions.most_common()
        ],
    }


def _share(count: int, total: int) -> float | None:
    return round(count / total, 4) if total else None


def write_predictions(path: Path, predictions: list[Prediction]) -> None:
    """Write one JSON object per line: every field of its Prediction."""
    with path.open("w", encoding="utf-8") as handle:
        for p in predictions:
            handle.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")
