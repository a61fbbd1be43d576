"""What an NLU model was trained from, recorded in a small JSON file beside the model.

The admin API compares the record of the latest model with the rumours now active, to tell
the city team when a retrain is due, without asking Rasa or reading the model itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

MODEL_GLOB = "dalil-nlu-*.tar.gz"

Phrasings = Mapping[str, Mapping[str, Sequence[str]]]


def phrasings_digest(phrasings: Phrasings) -> str:
    """Return a digest of rumour phrasings ({key: {locale: [text]}}) that ignores their order."""
    canonical = {
        key: {code: sorted(texts) for code, texts in by_locale.items() if texts}
        for key, by_locale in phrasings.items()
    }
    canonical = {key: value for key, value in canonical.items() if value}
    encoded = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class TrainingRecord:
    """The hash of a model's whole training data, and the digest of its managed rumours."""

    model: str
    data_hash: str
    rumours_digest: str
    trained_at: str


def record_path(model: Path) -> Path:
    """Return where the record of `model` (a .tar.gz) is kept."""
    return model.with_name(model.name.removesuffix(".tar.gz") + ".json")


def write(model: Path, *, data_hash: str, phrasings: Phrasings) -> Path:
    """Record what `model` was trained from, beside it."""
    record = {
        "model": model.name,
        "data_hash": data_hash,
        "rumours_digest": phrasings_digest(phrasings),
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    path = record_path(model)
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return path


def latest_model(model_dir: Path) -> Path | None:
    """Return the model trained last in `model_dir` (training keeps one), or None."""
    models = sorted(model_dir.glob(MODEL_GLOB), key=lambda path: path.stat().st_mtime)
    return models[-1] if models else None


def read(model: Path) -> TrainingRecord | None:
    """Return the record of `model`, or None if it has none (trained before records existed)."""
    try:
        data = json.loads(record_path(model).read_text(encoding="utf-8"))
        return TrainingRecord(
            model=str(data["model"]),
            data_hash=str(data["data_hash"]),
            rumours_digest=str(data["rumours_digest"]),
            trained_at=str(data["trained_at"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def is_stale(model_dir: Path, phrasings: Phrasings) -> bool:
    """Tell whether the latest model was trained with other rumour phrasings than these.

    A model without a record was trained from the shipped files alone.
    """
    model = latest_model(model_dir)
    record = read(model) if model is not None else None
    trained = record.rumours_digest if record is not None else phrasings_digest({})
    return trained != phrasings_digest(phrasings)
