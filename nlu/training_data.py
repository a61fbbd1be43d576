"""Reading the Rasa NLU YAML training format: examples with their intent and language."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "rasa" / "data"

# `[text]{"entity": ...}` and `[text](entity)` annotations keep only their text.
_ANNOTATION = re.compile(r"\[([^\]]+)\](\{[^}]*\}|\([^)]*\))")


@dataclass(frozen=True, slots=True)
class Example:
    """One training or evaluation example."""

    text: str
    intent: str
    language: str | None


def plain_text(annotated: str) -> str:
    """Return an example's text without its entity annotations."""
    return _ANNOTATION.sub(r"\1", annotated)


def annotated_entities(annotated: str) -> Iterator[tuple[str, str]]:
    """Yield the text and the entity of each annotation in an example."""
    for match in _ANNOTATION.finditer(annotated):
        text, spec = match.groups()
        if spec.startswith("{"):
            try:
                entity = json.loads(spec).get("entity")
            except (ValueError, AttributeError):
                continue
        else:
            entity = spec[1:-1].split(":")[0]
        if isinstance(entity, str) and entity:
            yield text.strip(), entity


def read_examples(path: Path) -> Iterator[Example]:
    """Yield the examples of every intent block of one NLU YAML file."""
    document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for block in document.get("nlu") or []:
        if "intent" not in block:
            continue
        language = (block.get("metadata") or {}).get("lang")
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                yield Example(plain_text(line[2:].strip()), str(block["intent"]), language)


def examples_by_language(data_dir: Path = DATA_DIR) -> dict[str, list[str]]:
    """Return the example texts of the training data grouped by their language."""
    grouped: dict[str, list[str]] = {}
    for path in sorted(data_dir.glob("*.yml")):
        for example in read_examples(path):
            if example.language:
                grouped.setdefault(example.language, []).append(example.text)
    return grouped
