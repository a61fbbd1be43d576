"""Naming the evaluation sets to score and to choose on (`nlu.compare`, `nlu.tune_bars`)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
import yaml

from nlu import compare, evaluate, tune_bars


def test_sets_are_named_apart_or_comma_separated() -> None:
    assert compare.set_names(["dev,strangers"]) == ["dev", "strangers"]
    assert compare.set_names(["dev", "strangers", "dev"]) == ["dev", "strangers"]
    assert compare.set_names(["holdout, external"]) == ["holdout", "external"]
    with pytest.raises(argparse.ArgumentTypeError):
        compare.set_names(["dev,strangerz"])


def test_bars_are_chosen_on_the_development_sets_only() -> None:
    assert tune_bars.choosing_sets(["dev,strangers"]) == ["dev", "strangers"]
    assert tune_bars.choosing_sets(["calm", "dev"]) == ["calm", "dev"]
    for forbidden in (["external"], ["dev,holdout"], [","]):
        with pytest.raises(argparse.ArgumentTypeError):
            tune_bars.choosing_sets(forbidden)


def test_a_set_is_found_by_its_name() -> None:
    assert evaluate.set_path("strangers") == evaluate.EVAL_SETS["strangers"]
    assert evaluate.read_labelled(evaluate.set_path("strangers"))
    assert str(evaluate.set_path("some/file.yml")) == "some/file.yml"


def test_a_configuration_is_trained_again_with_each_seed(tmp_path: Path) -> None:
    served = compare.EXPERIMENTS / "z-g-sentence-features-only.yml"
    original = yaml.safe_load(served.read_text(encoding="utf-8"))
    copy = yaml.safe_load(compare.with_seed(served, 8, tmp_path).read_text(encoding="utf-8"))
    seeded = [part["name"] for part in copy["pipeline"] if part.get("random_seed") == 8]
    assert seeded == ["DIETClassifier", "ResponseSelector"]
    for part in original["pipeline"]:
        part.pop("random_seed", None)
    for part in copy["pipeline"]:
        part.pop("random_seed", None)
    assert copy == original

    unseeded = tmp_path / "unseeded.yml"
    unseeded.write_text("pipeline:\n  - name: WhitespaceTokenizer\n", encoding="utf-8")
    with pytest.raises(ValueError, match="random_seed"):
        compare.with_seed(unseeded, 8, tmp_path)
    # The served configuration averages classifiers of seeds 7, 8 and 9: not one seed for all.
    with pytest.raises(ValueError, match="different seeds"):
        compare.with_seed(compare.EXPERIMENTS.parent / "rasa" / "config.yml", 8, tmp_path)


def test_seeds_are_summed_up_by_their_mean_and_range() -> None:
    runs = [
        {"config": "z-seed7", "train_s": 60, "dev_emergency_recall": 0.9915,
         "dev_min_language": "0.8962 it", "holdout_macro_f1": None},
        {"config": "z-seed8", "train_s": 66, "dev_emergency_recall": 0.9831,
         "dev_min_language": "0.8903 ar", "holdout_macro_f1": None},
    ]  # fmt: skip
    assert compare.seed_summary("z", runs) == {
        "config": "z, mean of 2 seeds",
        "train_s": "63 (60–66)",
        "dev_emergency_recall": "0.9873 (0.9831–0.9915)",
        "dev_min_language": "0.8962 it / 0.8903 ar",
    }
    assert compare.seed_list("7,8,9") == [7, 8, 9]
    for wrong in ("7", "7,7", "7,eight"):
        with pytest.raises(argparse.ArgumentTypeError):
            compare.seed_list(wrong)
