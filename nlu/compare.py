"""Compare Rasa pipelines on the development set and by cross-validation.

    .venv/bin/python -m nlu.compare [--folds 3 [--cv-only]] [nlu/experiments/a-….yml ...]

For each configuration: train on the full training data (timed), serve the model, run the
development set through the bot's client (`nlu.evaluate`), then, with `--folds`, Rasa's own
k-fold cross-validation on the training data. Prints a Markdown table (the one in
nlu/README.md) and writes build/nlu-compare.json. Slow: every configuration is trained
`1 + folds` times.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from core.settings import PROJECT_ROOT, Settings
from nlu import evaluate, training
from nlu.client import NLUClient
from nlu.language import LanguageIdentifier

EXPERIMENTS = Path(__file__).resolve().parent / "experiments"
DEV_SET = Path(__file__).resolve().parent / "eval" / "dev.yml"
WORK = PROJECT_ROOT / "build" / "nlu-compare"


def _serve(venv: Path, model: Path, port: int) -> subprocess.Popen[bytes]:
    command = training.serve_command(venv=venv, model=model, host="127.0.0.1", port=port,
                                     token=None)  # fmt: skip
    with (WORK / f"{model.name}.log").open("wb") as log:
        return subprocess.Popen(  # noqa: S603
            command, env=training.rasa_environment(), stdout=log, stderr=subprocess.STDOUT
        )


async def _dev_scores(server: subprocess.Popen[bytes], port: int) -> dict[str, Any]:
    client = NLUClient(
        f"http://127.0.0.1:{port}", timeout_s=30, identifier=LanguageIdentifier.from_training_data()
    )
    try:
        for _ in range(300):
            if await client.is_ready():
                break
            if server.poll() is not None:
                raise RuntimeError(f"Rasa exited with {server.returncode}: see {WORK}")
            await asyncio.sleep(1)
        started = time.perf_counter()
        predictions = await evaluate.predict(client, evaluate.read_labelled(DEV_SET))
        elapsed = time.perf_counter() - started
    finally:
        await client.aclose()
    report = evaluate.report(predictions)
    report["parse_ms_mean"] = round(1000 * elapsed / max(1, len(predictions)), 1)
    return report


def _cross_validation(venv: Path, config: Path, folds: int) -> dict[str, float]:
    data = WORK / "cv-data"
    training.prepare_data(data)
    out = WORK / f"cv-{config.stem}"
    shutil.rmtree(out, ignore_errors=True)
    command = [
        str(training.rasa_executable(venv)), "test", "nlu",
        "--nlu", str(data), "--config", str(config),
        "--cross-validation", "--folds", str(folds), "--out", str(out),
        "--no-plot", "--no-errors",
    ]  # fmt: skip
    subprocess.run(command, env=training.rasa_environment(WORK / "cache"), check=True)  # noqa: S603
    report = json.loads((out / "intent_report.json").read_text())
    return {
        "cv_macro_f1": round(float(report["macro avg"]["f1-score"]), 4),
        "cv_emergency_recall": round(float(report["emergency"]["recall"]), 4),
        "cv_out_of_scope_recall": round(float(report["out_of_scope"]["recall"]), 4),
    }


def compare(configs: list[Path], folds: int, *, cv_only: bool = False) -> list[dict[str, Any]]:
    """Train, evaluate and cross-validate every configuration; return one row each."""
    settings = Settings(_env_file=None)
    WORK.mkdir(parents=True, exist_ok=True)
    rows = []
    for number, config in enumerate(configs):
        if cv_only:
            row = {"config": config.stem, **_cross_validation(settings.nlu_venv, config, folds)}
            rows.append(row)
            print(json.dumps(row), flush=True)
            continue
        target = WORK / f"{config.stem}.tar.gz"
        started = time.perf_counter()
        training.train_with(venv=settings.nlu_venv, config=config, target=target)
        train_s = time.perf_counter() - started
        server = _serve(settings.nlu_venv, target, 5800 + number)
        try:
            dev = asyncio.run(_dev_scores(server, 5800 + number))
        finally:
            server.terminate()
            server.wait(timeout=60)
        row = {
            "config": config.stem,
            "train_s": round(train_s),
            "dev_accuracy": dev["accuracy"],
            "dev_macro_f1": dev["macro_f1"],
            "dev_min_language_f1": min(v["macro_f1"] for v in dev["per_language"].values()),
            "emergency_recall": dev["per_intent"]["emergency"]["recall"],
            "out_of_scope_recall": dev["per_intent"]["out_of_scope"]["recall"],
            "parse_ms_mean": dev["parse_ms_mean"],
            "per_language": {k: v["macro_f1"] for k, v in dev["per_language"].items()},
        }
        if folds:
            row.update(_cross_validation(settings.nlu_venv, config, folds))
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def markdown(rows: list[dict[str, Any]]) -> str:
    """Return the comparison as a Markdown table."""
    columns = [
        "config", "train_s", "dev_accuracy", "dev_macro_f1", "dev_min_language_f1",
        "emergency_recall", "out_of_scope_recall", "cv_macro_f1", "cv_emergency_recall",
        "cv_out_of_scope_recall", "parse_ms_mean",
    ]  # fmt: skip
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(str(row.get(c, "–")) for c in columns) + " |")
    return "\n".join(lines)


def main() -> None:
    """Run the comparison from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("configs", nargs="*", type=Path)
    parser.add_argument("--folds", type=int, default=0, help="k-fold cross-validation (0: none)")
    parser.add_argument(
        "--cv-only", action="store_true", help="only cross-validate (needs --folds)"
    )
    args = parser.parse_args()
    if args.cv_only and not args.folds:
        parser.error("--cv-only needs --folds")
    configs = args.configs or sorted(EXPERIMENTS.glob("*.yml"))
    rows = compare(configs, args.folds, cv_only=args.cv_only)
    (PROJECT_ROOT / "build" / "nlu-compare.json").write_text(json.dumps(rows, indent=2))
    print(markdown(rows))


if __name__ == "__main__":
    main()
