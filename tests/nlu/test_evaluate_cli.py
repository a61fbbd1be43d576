"""`dalil nlu evaluate` on a file written the way other teams write Rasa NLU data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.settings import RASA_TOKEN

# Example-level and block-level metadata, entity annotations, Rasa's `nlu_fallback` as a gold
# label and a retrieval intent without its key: all allowed by the format.
FOREIGN = """\
version: "3.1"
nlu:
- intent: find_health
  examples:
  - text: "where is a [hospital](facility) in [Lyon](city)"
    metadata:
      lang: en
  - text: "je cherche un médecin à Lyon"
    metadata: {lang: fr}
- intent: emergency
  metadata: {lang: en}
  examples: |
    - my husband is hitting me with a knife
- intent: nlu_fallback
  metadata: {lang: en}
  examples: |
    - what is the capital of mongolia
- intent: rumour
  metadata: {lang: fr}
  examples: |
    - est-ce vrai que les migrants volent nos emplois
"""


def test_evaluates_any_file_of_the_format(rasa_url: str, tmp_path: Path) -> None:
    data = tmp_path / "other-team.yml"
    data.write_text(FOREIGN, encoding="utf-8")
    out = tmp_path / "predictions.jsonl"
    env = {**os.environ, "DALIL_PROFILE": "test", "RASA_URL": rasa_url, "RASA_TOKEN": RASA_TOKEN}
    command = ["nlu", "evaluate", str(data), "--predictions", str(out)]
    done = subprocess.run(
        [sys.executable, "-m", "dalil.cli", *command],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["examples"] == 5
    assert {"accuracy", "macro_f1", "per_intent", "per_language", "confusions"} <= set(report)
    assert {"find_health", "emergency", "out_of_scope", "rumour"} <= set(report["per_intent"])
    assert set(report["per_language"]) == {"en", "fr"}

    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["text"] for line in lines] == [
        "where is a hospital in Lyon",
        "je cherche un médecin à Lyon",
        "my husband is hitting me with a knife",
        "what is the capital of mongolia",
        "est-ce vrai que les migrants volent nos emplois",
    ]
    for line in lines:
        assert {"text", "lang", "intent", "predicted", "confidence", "detected_language"} <= set(
            line
        )
    assert [line["intent"] for line in lines] == [
        "find_health", "find_health", "emergency", "out_of_scope", "rumour",
    ]  # fmt: skip
    assert lines[2]["predicted"] == "emergency"  # the safety net alone guarantees this one
    assert lines[1]["detected_language"] == "fr"


def test_a_folder_is_one_set_with_its_false_emergencies(rasa_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "external"
    folder.mkdir()
    blocks = FOREIGN.split("- intent: ")
    (folder / "a.yml").write_text("- intent: ".join(blocks[:3]), encoding="utf-8")
    (folder / "b.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: ' + "- intent: ".join(blocks[3:]), encoding="utf-8"
    )
    out = tmp_path / "predictions.jsonl"
    env = {**os.environ, "DALIL_PROFILE": "test", "RASA_URL": rasa_url, "RASA_TOKEN": RASA_TOKEN}
    done = subprocess.run(
        [sys.executable, "-m", "dalil.cli", "nlu", "evaluate", str(folder), "--predictions",
         str(out)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert report["examples"] == len(lines) == 5
    ordinary = [line for line in lines if line["intent"] != "emergency"]
    alarms = [line for line in ordinary if line["predicted"] == "emergency"]
    assert report["false_emergency_rate"] == round(len(alarms) / len(ordinary), 4)
    asked = [line for line in lines if line["choices"]]
    assert report["asked_back_rate"] == round(len(asked) / len(lines), 4)
