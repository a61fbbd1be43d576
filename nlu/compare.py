"""Compare Rasa pipelines on the development set and by cross-validation.

    .venv/bin/python -m nlu.compare [--folds 3 [--cv-only]]
        [--sets dev,strangers,calm,plain,rough] [--seeds 7,8,9] [experiments/….yml ...]

For each configuration: train on the full training data (timed), serve the model (its memory
once loaded), run the evaluation sets (development, held-out, external, strangers, calm,
plain, rough) through the bot's client (`nlu.evaluate`), then, with `--folds`, Rasa's own
k-fold cross-validation on the training data. `--sets dev,strangers,calm,plain,rough` (or
`--sets dev strangers calm plain rough`) scores the sets that choose, before the held-out and
external sets may be read. Prints a Markdown table (the one in nlu/README.md) and writes
build/nlu-compare.json. Slow: every configuration is trained `1 + folds` times.

`--seeds 7,8,9` trains each configuration once per seed (every component's `random_seed` set
to it) and adds a row with the mean of each figure and its range. The same data trained with
another seed moves the emergency figures as much as most changes of data measured here
(nlu/README.md, "Three seeds"), so choices are made on the mean.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

import yaml

from core.settings import PROJECT_ROOT, Settings
from nlu import evaluate, training
from nlu.client import NLUClient
from nlu.language import LanguageIdentifier

EXPERIMENTS = Path(__file__).resolve().parent / "experiments"
WORK = PROJECT_ROOT / "build" / "nlu-compare"


def _serve(venv: Path, model: Path, port: int) -> subprocess.Popen[bytes]:
    command = training.serve_command(venv=venv, model=model, host="127.0.0.1", port=port,
                                     token=None)  # fmt: skip
    with (WORK / f"{model.name}.log").open("wb") as log:
        return subprocess.Popen(  # noqa: S603
            command, env=training.rasa_environment(), stdout=log, stderr=subprocess.STDOUT
        )


async def _set_scores(
    server: subprocess.Popen[bytes], port: int, sets: list[str]
) -> dict[str, Any]:
    """Wait for the server, then score the evaluation sets; also its memory once loaded."""
    client = NLUClient(
        f"http://127.0.0.1:{port}", timeout_s=30, identifier=LanguageIdentifier.from_training_data()
    )
    reports: dict[str, Any] = {}
    try:
        for _ in range(300):
            if await client.is_ready():
                break
            if server.poll() is not None:
                raise RuntimeError(f"Rasa exited with {server.returncode}: see {WORK}")
            await asyncio.sleep(1)
        reports["rss_mb"] = rss_mb(server.pid)
        reports["latency"] = await _latency(client)
        for name in sets:
            path = evaluate.EVAL_SETS[name]
            started = time.perf_counter()
            predictions = await evaluate.predict(client, evaluate.read_labelled(path))
            elapsed = time.perf_counter() - started
            reports[name] = evaluate.report(predictions)
            reports[name]["parse_ms_mean"] = round(1000 * elapsed / max(1, len(predictions)), 1)
    finally:
        await client.aclose()
    return reports


async def _latency(client: NLUClient) -> dict[str, float]:
    """Time parses one at a time through the client, as `make bench` does: every fourth
    development-set text (the parse cache is off here)."""
    texts = [example.text for example in evaluate.read_labelled(evaluate.EVAL_SETS["dev"])]
    samples = []
    for text in texts[::4]:
        started = time.perf_counter()
        await client.parse(text)
        samples.append(1000 * (time.perf_counter() - started))
    samples.sort()
    return {
        "parse_p50_ms": round(statistics.median(samples), 1),
        "parse_p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 1),
    }


def rss_mb(pid: int) -> float:
    """Return the resident memory of a process, in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024)
    return 0.0


def _set_row(name: str, report: dict[str, Any]) -> dict[str, Any]:
    emergency = report["per_intent"].get("emergency", {})
    return {
        f"{name}_macro_f1": report["macro_f1"],
        f"{name}_min_language": min(
            (f"{v['macro_f1']} {k}" for k, v in report["per_language"].items()),
            key=lambda item: float(item.split()[0]),
        ),
        f"{name}_emergency_recall": emergency.get("recall"),
        f"{name}_false_emergency": report["false_emergency_rate"],
        f"{name}_asked_back": report["asked_back_rate"],
    }


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


def with_seed(config: Path, seed: int, folder: Path) -> Path:
    """Write a copy of `config` with every component's `random_seed` set to `seed`."""
    document = yaml.safe_load(config.read_text(encoding="utf-8"))
    seeded = [part for part in document.get("pipeline") or [] if "random_seed" in part]
    if not seeded:
        raise ValueError(f"{config}: no component has a random_seed to vary")
    if len({part["random_seed"] for part in seeded}) > 1:
        # An ensemble (configuration AB): one seed for all would make its members the same.
        raise ValueError(f"{config}: its components have different seeds; vary them by hand")
    for part in seeded:
        part["random_seed"] = seed
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{config.stem}-seed{seed}.yml"
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    target.write_text(text, encoding="utf-8")
    return target


def seed_summary(config: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One row for a configuration trained with several seeds: each figure's mean and range,
    and the weakest language of each seed."""
    summary: dict[str, Any] = {"config": f"{config}, mean of {len(rows)} seeds"}
    for column in rows[0]:
        if column == "config":
            continue
        values = [row.get(column) for row in rows]
        numbers = [value for value in values if isinstance(value, (int, float))]
        if len(numbers) == len(values):
            mean = round(statistics.fmean(numbers), 4)
            summary[column] = f"{mean:g} ({min(numbers):g}–{max(numbers):g})"
        elif column.endswith("_min_language"):
            summary[column] = " / ".join(str(value) for value in values)
    return summary


def compare(
    configs: list[Path],
    folds: int,
    *,
    cv_only: bool = False,
    sets: list[str] | None = None,
    seeds: list[int] | None = None,
) -> list[dict[str, Any]]:
    """Train, evaluate and cross-validate every configuration; return one row each (with
    `seeds`, one row per seed and one for their mean)."""
    if seeds:
        rows: list[dict[str, Any]] = []
        for config in configs:
            copies = [with_seed(config, seed, WORK / "seeds") for seed in seeds]
            runs = compare(copies, folds, cv_only=cv_only, sets=sets)
            rows += [*runs, seed_summary(config.stem, runs)]
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
        return rows
    sets = sets or list(evaluate.EVAL_SETS)
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
            scores = asyncio.run(_set_scores(server, 5800 + number, sets))
        finally:
            server.terminate()
            server.wait(timeout=60)
        row = {
            "config": config.stem,
            "train_s": round(train_s),
            "model_mb": round(target.stat().st_size / 1e6, 1),
            "rss_mb": scores["rss_mb"],
            **scores["latency"],
            "parse_ms_mean": scores[sets[0]]["parse_ms_mean"],
        }
        for name in sets:
            row.update(_set_row(name, scores[name]))
        if folds:
            row.update(_cross_validation(settings.nlu_venv, config, folds))
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def markdown(rows: list[dict[str, Any]]) -> str:
    """Return the comparison as a Markdown table."""
    columns = ["config", "train_s", "model_mb", "rss_mb", "parse_p50_ms", "parse_p95_ms"]
    for name in evaluate.EVAL_SETS:
        columns += [f"{name}_{m}" for m in
                    ("macro_f1", "min_language", "emergency_recall", "false_emergency",
                     "asked_back")]  # fmt: skip
    columns += ["cv_macro_f1", "cv_emergency_recall", "cv_out_of_scope_recall"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(str(row.get(c, "–")) for c in columns) + " |")
    return "\n".join(lines)


def set_names(values: list[str]) -> list[str]:
    """The evaluation sets named, given apart or comma-separated ("dev,strangers"), in order."""
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in evaluate.EVAL_SETS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown evaluation set(s) {unknown}: choose from {', '.join(evaluate.EVAL_SETS)}"
        )
    return list(dict.fromkeys(names))


def seed_list(value: str) -> list[int]:
    """The seeds given as "7,8,9": at least two, distinct."""
    try:
        seeds = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"seeds are whole numbers: {value!r}") from None
    if len(seeds) < 2 or len(set(seeds)) != len(seeds):
        raise argparse.ArgumentTypeError(f"give two or more distinct seeds: {value!r}")
    return seeds


def main() -> None:
    """Run the comparison from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("configs", nargs="*", type=Path)
    parser.add_argument("--folds", type=int, default=0, help="k-fold cross-validation (0: none)")
    parser.add_argument(
        "--cv-only", action="store_true", help="only cross-validate (needs --folds)"
    )
    parser.add_argument(
        "--sets",
        nargs="+",
        default=list(evaluate.EVAL_SETS),
        help=f"the evaluation sets to score, apart or comma-separated (default: all of "
        f"{', '.join(evaluate.EVAL_SETS)})",
    )
    parser.add_argument(
        "--seeds",
        type=seed_list,
        default=None,
        help="train each configuration with each of these seeds (7,8,9) and add their mean",
    )
    args = parser.parse_args()
    if args.cv_only and not args.folds:
        parser.error("--cv-only needs --folds")
    try:
        sets = set_names(args.sets)
    except argparse.ArgumentTypeError as error:
        parser.error(str(error))
    configs = args.configs or sorted(EXPERIMENTS.glob("*.yml"))
    rows = compare(configs, args.folds, cv_only=args.cv_only, sets=sets, seeds=args.seeds)
    (PROJECT_ROOT / "build" / "nlu-compare.json").write_text(json.dumps(rows, indent=2))
    print(markdown(rows))


if __name__ == "__main__":
    main()
