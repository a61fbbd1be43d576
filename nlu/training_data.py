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


# An annotation in Rasa's JSON form with nothing but an entity and a value.
_JSON_ANNOTATION = re.compile(r"\[([^\]]+)\](\{[^}]*\})")
_SHORT_FORBIDDEN = re.compile(r"[():\[\]{}]")


def short_annotations(annotated: str) -> str:
    """Write `[text]{"entity": "e", "value": "v"}` as `[text](e:v)`, the same annotation.

    Rasa checks every JSON annotation against a JSON schema (building the validator each
    time) as it reads the data, and it reads the data twice per training: with 1,700
    annotations that was 15 s of a training on this 2-core machine under load (py-spy). The
    short form means the same to Rasa (tests/nlu/test_training.py asks Rasa's own parser) and
    is read by a regular expression alone. Annotations with a role or a group, or with
    characters the short form cannot hold, are left as they are.
    """

    def shorten(match: re.Match[str]) -> str:
        text, spec = match.groups()
        try:
            fields = json.loads(spec)
        except ValueError:
            return match.group(0)
        if not isinstance(fields, dict) or set(fields) - {"entity", "value"}:
            return match.group(0)
        entity, value = fields.get("entity"), fields.get("value")
        parts = [part for part in (entity, value) if part is not None]
        if not isinstance(entity, str) or not all(isinstance(part, str) for part in parts):
            return match.group(0)
        if any(not part or _SHORT_FORBIDDEN.search(part) for part in parts):
            return match.group(0)
        return f"[{text}]({entity}:{value})" if value is not None else f"[{text}]({entity})"

    return _JSON_ANNOTATION.sub(shorten, annotated)


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
