"""Naming the evaluation sets to score and to choose on (`nlu.compare`, `nlu.tune_bars`)."""

from __future__ import annotations

import argparse

import pytest

from nlu import compare, evaluate, tune_bars


def test_sets_are_named_apart_or_comma_separated() -> None:
    assert compare.set_names(["dev,strangers"]) == ["dev", "strangers"]
    assert compare.set_names(["dev", "strangers", "dev"]) == ["dev", "strangers"]
    assert compare.set_names(["holdout, external"]) == ["holdout", "external"]
    with pytest.raises(argparse.ArgumentTypeError):
        compare.set_names(["dev,strangerz"])


def test_bars_are_chosen_on_the_development_sets_only() -> None:
    assert tune_bars.choosing_sets(["dev,strangers"]) == ["dev", "strangers"]
    for forbidden in (["external"], ["dev,holdout"], [","]):
        with pytest.raises(argparse.ArgumentTypeError):
            tune_bars.choosing_sets(forbidden)


def test_a_set_is_found_by_its_name() -> None:
    assert evaluate.set_path("strangers") == evaluate.EVAL_SETS["strangers"]
    assert evaluate.read_labelled(evaluate.set_path("strangers"))
    assert str(evaluate.set_path("some/file.yml")) == "some/file.yml"
