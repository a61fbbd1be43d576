"""Training the Rasa model: normalised data, a content hash, and no work when nothing changed.

Beside the shipped files, the model learns the phrasings of the rumours the city team
manages: the caller reads them (from the database) and passes them in as
{key: {locale: [phrasing]}}. They are written to a generated `rumours_managed.yml` in the
prepared copy of the data, never into the source tree, and they are part of the hash, so
changing them retrains. Without them (`make model` in CI) the model is the files' alone.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from core import training_record
from core.training_record import Phrasings
from nlu.errors import NLUSetupError
from nlu.normalize import normalize
from nlu.training_data import annotated_entities, short_annotations

log = logging.getLogger(__name__)

RASA_DIR = Path(__file__).resolve().parent / "rasa"
CONFIG = RASA_DIR / "config.yml"
DOMAIN = RASA_DIR / "domain.yml"
DATA_DIR = RASA_DIR / "data"
# Normalisation is part of the model: changing it must retrain.
_NORMALIZER_SOURCE = Path(__file__).resolve().parent / "normalize.py"
# Dalil's own Rasa components (`name: module.Class` in a config): on the PYTHONPATH of every
# Rasa process, and part of the hash like the normaliser when the config names them.
COMPONENTS_DIR = RASA_DIR / "components"
MANAGED_FILE = "rumours_managed.yml"
# Lookup tables of every city and district name the data knows, for the entity extractor.
LOOKUP_FILE = "lookups.yml"
ENTITIES = ("city", "district")
RUMOUR_INTENT = "rumour"
# Rasa reads `[text](entity)` and `{...}` as entity annotations: a phrasing is plain text.
_MARKUP = re.compile(r"[\[\]{}()]")


def rasa_environment(cache_dir: Path | None = None) -> dict[str, str]:
    """Return the environment Rasa processes run with: no telemetry, quiet TensorFlow, and
    Dalil's components importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(COMPONENTS_DIR), env.get("PYTHONPATH", "")) if part
    )
    if cache_dir is not None:
        # Rasa caches training artefacts; by default in ./.rasa of whatever the cwd is.
        env["RASA_CACHE_DIRECTORY"] = str(cache_dir)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        PYTHONWARNINGS="ignore",
    )
    return env


def rasa_executable(venv: Path) -> Path:
    """Return the `rasa` executable of the NLU virtualenv, or explain how to make it."""
    rasa = venv / "bin" / "rasa"
    if not rasa.exists():
        raise NLUSetupError(
            f"Rasa is not installed in {venv}. Run `make nlu-env` (it needs Python 3.10)."
        )
    return rasa


def _has_phrasings(rumours: Phrasings | None) -> bool:
    if rumours is None:
        return False
    return any(texts for by_locale in rumours.values() for texts in by_locale.values())


def _components_of(config: Path) -> list[Path]:
    """Return the sources of Dalil's components that `config` names."""
    text = config.read_text(encoding="utf-8")
    return [p for p in sorted(COMPONENTS_DIR.glob("*.py")) if f"{p.stem}." in text]


def data_hash(
    rumours: Phrasings | None = None, *, config: Path = CONFIG, sample: int | None = None
) -> str:
    """Return a hash of everything the model is trained from.

    The files alone give the same hash as before rumours were managed, so a model trained
    without the database (CI) is found by one trained with a database that adds nothing.
    """
    digest = hashlib.sha256()
    for path in [
        config, DOMAIN, _NORMALIZER_SOURCE, *_components_of(config),
        *sorted(DATA_DIR.glob("*.yml")),
    ]:  # fmt: skip
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    if rumours is not None and _has_phrasings(rumours):
        digest.update(f"\x00{MANAGED_FILE}:{training_record.phrasings_digest(rumours)}".encode())
    if sample is not None:
        digest.update(f"\x00sample:{sample}".encode())
    return digest.hexdigest()[:16]


def model_path(model_dir: Path, digest: str | None = None) -> Path:
    """Return where the model trained from the current data lives."""
    return model_dir / f"dalil-nlu-{digest or data_hash()}.tar.gz"


def _normalized_document(document: dict[str, Any]) -> dict[str, Any]:
    for block in document.get("nlu") or []:
        if "examples" in block:
            lines = str(block["examples"]).splitlines()
            block["examples"] = "".join(
                f"- {short_annotations(normalize(line.strip()[2:]))}\n"
                for line in lines
                if line.strip().startswith("- ")
            )
    return document


def _sampled(document: dict[str, Any], per_block: int) -> dict[str, Any]:
    for block in document.get("nlu") or []:
        if "intent" in block and "examples" in block:
            lines = [line for line in str(block["examples"]).splitlines() if line.strip()]
            block["examples"] = "".join(f"{line}\n" for line in lines[:per_block])
    return document


def _examples(document: dict[str, Any]) -> set[str]:
    return {
        line.strip()[2:]
        for block in document.get("nlu") or []
        if "intent" in block
        for line in str(block.get("examples", "")).splitlines()
        if line.strip().startswith("- ")
    }


def _managed_document(
    rumours: Phrasings, shipped_examples: set[str], shipped_responses: set[str]
) -> dict[str, Any]:
    """Return the rumours' phrasings as Rasa NLU data, with a response for each new key."""
    blocks: list[dict[str, Any]] = []
    responses: dict[str, Any] = {}
    for key, by_locale in sorted(rumours.items()):
        intent = f"{RUMOUR_INTENT}/{key}"
        for code, texts in sorted(by_locale.items()):
            # The shipped data wins: one text under two intents would confuse the model.
            lines = dict.fromkeys(normalize(_MARKUP.sub(" ", text)) for text in texts)
            kept = [line for line in lines if line and line not in shipped_examples]
            if kept:
                examples = "".join(f"- {line}\n" for line in kept)
                blocks.append({"intent": intent, "metadata": {"lang": code}, "examples": examples})
        if any(block["intent"] == intent for block in blocks):
            response = f"utter_{intent}"
            if response not in shipped_responses:
                # Rasa wants a response per retrieval key; the bot answers from the database.
                responses[response] = [{"text": f"The fact of {key} is in Dalil's database."}]
    document: dict[str, Any] = {"version": "3.1", "nlu": blocks}
    if responses:
        document["responses"] = responses
    return document


def _add_names(document: dict[str, Any], names: dict[str, set[str]]) -> None:
    """Add the city and district names a document annotates, or lists as city synonyms."""
    for block in document.get("nlu") or []:
        examples = str(block.get("examples", ""))
        if "synonym" in block:
            lines = (line.strip()[2:] for line in examples.splitlines())
            names["city"].update(line for line in lines if line)
            names["city"].add(str(block["synonym"]))
        for text, entity in annotated_entities(examples):
            if entity in names:
                names[entity].add(text)


def _lookup_document(names: dict[str, set[str]]) -> dict[str, Any]:
    """Return lookup tables of the names of the data, for the entity extractor.

    Entities are found by these names rather than learnt: a city is a closed list, and the
    classifier trains faster without a sequence-labelling head.
    """
    return {
        "version": "3.1",
        "nlu": [
            {"lookup": entity, "examples": "".join(f"- {n}\n" for n in sorted(found))}
            for entity, found in names.items()
            if found
        ],
    }


def prepare_data(
    target: Path, *, rumours: Phrasings | None = None, sample: int | None = None
) -> None:
    """Write normalised copies of the training data into `target`.

    `rumours` adds managed phrasings as `rumours_managed.yml`; `sample` keeps only the
    first examples of each intent in each file (for small, fast models in tests).
    """
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shipped_examples: set[str] = set()
    shipped_responses: set[str] = set()
    names: dict[str, set[str]] = {entity: set() for entity in ENTITIES}
    for path in sorted(DATA_DIR.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if sample is not None:
            document = _sampled(document, sample)
        document = _normalized_document(document)
        shipped_examples |= _examples(document)
        shipped_responses |= set(document.get("responses") or {})
        _add_names(document, names)
        (target / path.name).write_text(
            yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    (target / LOOKUP_FILE).write_text(
        yaml.safe_dump(_lookup_document(names), allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    if rumours is not None and _has_phrasings(rumours):
        managed = _managed_document(rumours, shipped_examples, shipped_responses)
        (target / MANAGED_FILE).write_text(
            yaml.safe_dump(managed, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )


def train(
    *,
    venv: Path,
    model_dir: Path,
    force: bool = False,
    rumours: Phrasings | None = None,
    config: Path = CONFIG,
    sample: int | None = None,
) -> Path:
    """Train the model unless one for the current data exists; return its path.

    Beside the model goes the record of what it was trained from (core.training_record).
    """
    digest = data_hash(rumours, config=config, sample=sample)
    target = model_path(model_dir, digest)
    if target.exists() and not force:
        log.info("nlu.train skipped: model %s is up to date", target.name)
        if training_record.read(target) is None:
            training_record.write(target, data_hash=digest, phrasings=rumours or {})
        return target
    print(f"Training the NLU model {target.name} (several minutes on 2 cores)...", file=sys.stderr)
    train_with(venv=venv, config=config, target=target, rumours=rumours, sample=sample)
    training_record.write(target, data_hash=digest, phrasings=rumours or {})
    for old in model_dir.glob(training_record.MODEL_GLOB):
        if old != target:
            old.unlink()
            training_record.record_path(old).unlink(missing_ok=True)
    return target


def current_model(model_dir: Path) -> Path:
    """Return the model to serve: the one trained last (training keeps one).

    Without any, the path the model of the shipped files alone would have.
    """
    return training_record.latest_model(model_dir) or model_path(model_dir)


def train_with(
    *,
    venv: Path,
    config: Path,
    target: Path,
    rumours: Phrasings | None = None,
    sample: int | None = None,
) -> Path:
    """Train a model of the current data with `config` into `target` (a .tar.gz path)."""
    python = rasa_executable(venv).parent / "python"
    work = target.parent / f"data-{target.name.removesuffix('.tar.gz')}"
    prepare_data(work, rumours=rumours, sample=sample)
    # `rasa train nlu`, without costs of Rasa's that change nothing in the model
    # (components/dalil_fast_training.py).
    command = [
        str(python), "-m", "dalil_fast_training", "train", "nlu",
        "--config", str(config),
        "--domain", str(DOMAIN),
        "--nlu", str(work),
        "--out", str(target.parent),
        "--fixed-model-name", target.name.removesuffix(".tar.gz"),
    ]  # fmt: skip
    # The launcher neither reads nor writes Rasa's training cache; what plain `rasa` runs
    # (nlu.compare's cross-validation) left in its folder goes, so nothing can be restored.
    cache = target.parent / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    completed = subprocess.run(command, env=rasa_environment(cache), check=False)  # noqa: S603
    shutil.rmtree(work, ignore_errors=True)
    if completed.returncode != 0 or not target.exists():
        raise NLUSetupError(f"rasa train nlu failed with exit code {completed.returncode}")
    return target


def serve_command(*, venv: Path, model: Path, host: str, port: int, token: str | None) -> list[str]:
    """Return the command that serves `model` over Rasa's HTTP API."""
    # `rasa run` through components/dalil_rasa.py: the same server, without JAX in memory
    # and with DIET's models loaded for prediction only.
    command = [
        str(rasa_executable(venv).parent / "python"), "-m", "dalil_rasa", "run",
        "--enable-api",
        "--model", str(model),
        "--interface", host,
        "--port", str(port),
    ]  # fmt: skip
    if token:
        command += ["--auth-token", token]
    return command
