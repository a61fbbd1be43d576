"""Training the Rasa model: normalised data, a content hash, and no work when nothing changed."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from nlu.errors import NLUSetupError
from nlu.normalize import normalize

log = logging.getLogger(__name__)

RASA_DIR = Path(__file__).resolve().parent / "rasa"
CONFIG = RASA_DIR / "config.yml"
DOMAIN = RASA_DIR / "domain.yml"
DATA_DIR = RASA_DIR / "data"
# Normalisation is part of the model: changing it must retrain.
_NORMALIZER_SOURCE = Path(__file__).resolve().parent / "normalize.py"


def rasa_environment(cache_dir: Path | None = None) -> dict[str, str]:
    """Return the environment Rasa processes run with: no telemetry, quiet TensorFlow."""
    env = dict(os.environ)
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


def data_hash() -> str:
    """Return a hash of everything the model is trained from."""
    digest = hashlib.sha256()
    for path in [CONFIG, DOMAIN, _NORMALIZER_SOURCE, *sorted(DATA_DIR.glob("*.yml"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path(model_dir: Path, digest: str | None = None) -> Path:
    """Return where the model trained from the current data lives."""
    return model_dir / f"dalil-nlu-{digest or data_hash()}.tar.gz"


def _normalized_document(document: dict[str, Any]) -> dict[str, Any]:
    for block in document.get("nlu") or []:
        if "examples" in block:
            lines = str(block["examples"]).splitlines()
            block["examples"] = "".join(
                f"- {normalize(line.strip()[2:])}\n"
                for line in lines
                if line.strip().startswith("- ")
            )
    return document


def prepare_data(target: Path) -> None:
    """Write normalised copies of the training data into `target`."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for path in sorted(DATA_DIR.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        (target / path.name).write_text(
            yaml.safe_dump(_normalized_document(document), allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )


def train(*, venv: Path, model_dir: Path, force: bool = False) -> Path:
    """Train the model unless one for the current data exists; return its path."""
    digest = data_hash()
    target = model_path(model_dir, digest)
    if target.exists() and not force:
        log.info("nlu.train skipped: model %s is up to date", target.name)
        return target
    print(f"Training the NLU model {target.name} (several minutes on 2 cores)...", file=sys.stderr)
    train_with(venv=venv, config=CONFIG, target=target)
    for old in model_dir.glob("dalil-nlu-*.tar.gz"):
        if old != target:
            old.unlink()
    return target


def train_with(*, venv: Path, config: Path, target: Path) -> Path:
    """Train a model of the current data with `config` into `target` (a .tar.gz path)."""
    rasa = rasa_executable(venv)
    work = target.parent / f"data-{target.name.removesuffix('.tar.gz')}"
    prepare_data(work)
    command = [
        str(rasa), "train", "nlu",
        "--config", str(config),
        "--domain", str(DOMAIN),
        "--nlu", str(work),
        "--out", str(target.parent),
        "--fixed-model-name", target.name.removesuffix(".tar.gz"),
    ]  # fmt: skip
    environment = rasa_environment(target.parent / "cache")
    completed = subprocess.run(command, env=environment, check=False)  # noqa: S603
    shutil.rmtree(work, ignore_errors=True)
    if completed.returncode != 0 or not target.exists():
        raise NLUSetupError(f"rasa train nlu failed with exit code {completed.returncode}")
    return target


def serve_command(*, venv: Path, model: Path, host: str, port: int, token: str | None) -> list[str]:
    """Return the command that serves `model` over Rasa's HTTP API."""
    command = [
        str(rasa_executable(venv)), "run",
        "--enable-api",
        "--model", str(model),
        "--interface", host,
        "--port", str(port),
    ]  # fmt: skip
    if token:
        command += ["--auth-token", token]
    return command
