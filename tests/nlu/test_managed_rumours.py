"""Rumours managed in the database join the training data, change the hash and are recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from core import training_record
from dalil import cli
from nlu import training
from nlu.training_data import read_examples
from services_directory.rumours.models import Rumour
from services_directory.rumours.service import training_phrasings
from tests.helpers.settings import make_settings
from tests.standins.server import free_port

MANAGED = {
    "bring_diseases": {
        "fr": ["Les migrants apportent des MALADIES", "les migrants apportent des maladies"],
        "en": ["migrants bring (many) [diseases] 🦠"],
    },
    # Shipped already: the same text is not trained twice, and its response is not repeated.
    "take_jobs": {"en": ["migrants take our jobs", "foreigners took my job at the port"]},
}


def test_managed_phrasings_are_written_beside_the_shipped_files(tmp_path: Path) -> None:
    training.prepare_data(tmp_path, rumours=MANAGED)
    shipped = sorted(p.name for p in training.DATA_DIR.glob("*.yml"))
    assert sorted(p.name for p in tmp_path.glob("*.yml")) == sorted(
        [*shipped, "rumours_managed.yml", training.LOOKUP_FILE]
    )
    examples = {
        (e.intent, e.language, e.text) for e in read_examples(tmp_path / "rumours_managed.yml")
    }
    assert examples == {
        ("rumour/bring_diseases", "fr", "les migrants apportent des maladies"),
        ("rumour/bring_diseases", "en", "migrants bring many diseases"),
        ("rumour/take_jobs", "en", "foreigners took my job at the port"),
    }
    document = yaml.safe_load((tmp_path / "rumours_managed.yml").read_text(encoding="utf-8"))
    assert list(document["responses"]) == ["utter_rumour/bring_diseases"]
    # The source tree is never written to.
    assert not (training.DATA_DIR / "rumours_managed.yml").exists()


def test_without_managed_phrasings_nothing_is_added(tmp_path: Path) -> None:
    training.prepare_data(tmp_path, rumours={"switched_off": {"en": []}})
    assert not (tmp_path / "rumours_managed.yml").exists()


def test_the_hash_changes_with_the_phrasings_and_only_with_them() -> None:
    files_only = training.data_hash()
    assert training.data_hash({}) == training.data_hash({"x": {"en": []}}) == files_only
    with_rumours = training.data_hash(MANAGED)
    assert with_rumours != files_only
    reordered = {key: {code: texts[::-1] for code, texts in value.items()}
                 for key, value in reversed(list(MANAGED.items()))}  # fmt: skip
    assert training.data_hash(reordered) == with_rumours
    assert training.data_hash({**MANAGED, "new": {"ar": ["المهاجرون ينشرون الأمراض"]}}) != (
        with_rumours
    )
    assert training.data_hash(sample=2) != files_only


def test_a_sample_keeps_the_first_examples_of_each_intent(tmp_path: Path) -> None:
    training.prepare_data(tmp_path, sample=2)
    per_block = [
        len([line for line in block["examples"].splitlines() if line.startswith("- ")])
        for path in tmp_path.glob("*.yml")
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []
        if "intent" in block
    ]
    assert set(per_block) <= {1, 2}
    shipped = [
        block
        for path in training.DATA_DIR.glob("*.yml")
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []
        if "intent" in block
    ]
    # Every block of the shipped files is there, cut to its first two examples.
    assert len(per_block) == len(shipped)
    assert sum(per_block) == sum(
        min(2, len([line for line in b["examples"].splitlines() if line.startswith("- ")]))
        for b in shipped
    )


def test_a_model_trained_before_records_gets_one_and_staleness_follows_it(
    tmp_path: Path,
) -> None:
    digest = training.data_hash(MANAGED)
    model = training.model_path(tmp_path, digest)
    model.write_bytes(b"model")
    # Up to date: no training (no Rasa at this path), but the record is written.
    assert training.train(venv=tmp_path / "no-venv", model_dir=tmp_path, rumours=MANAGED) == model
    record = training_record.read(model)
    assert record is not None
    assert record.data_hash == digest
    assert training.current_model(tmp_path) == model
    assert not training_record.is_stale(tmp_path, MANAGED)
    assert training_record.is_stale(tmp_path, {})
    assert training_record.is_stale(tmp_path, {**MANAGED, "new": {"en": ["a new myth"]}})


def test_no_model_and_no_record_means_the_files_alone(tmp_path: Path) -> None:
    assert training.current_model(tmp_path) == training.model_path(tmp_path)
    assert not training_record.is_stale(tmp_path, {})
    assert training_record.is_stale(tmp_path, MANAGED)


async def test_the_database_gives_the_active_rumours_phrasings(session: AsyncSession) -> None:
    session.add_all(
        [
            Rumour(key="on_with_words", active=True, source_url="https://www.iom.int/",
                   titles={"en": "t"}, facts={"en": "f"},
                   phrasings={"fr": ["b phrase", "a phrase"], "en": []}),
            Rumour(key="off_with_words", active=False, source_url="https://www.iom.int/",
                   titles={"en": "t"}, facts={"en": "f"}, phrasings={"en": ["hidden"]}),
        ]
    )  # fmt: skip
    await session.flush()
    phrasings = await training_phrasings(session)
    assert phrasings["on_with_words"] == {"fr": ["a phrase", "b phrase"]}
    assert "off_with_words" not in phrasings
    assert not {"take_jobs", "more_benefits", "increase_crime"} & set(phrasings)


def test_without_a_database_training_uses_the_files_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = make_settings(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'none.db'}")
    assert cli._managed_rumours(missing) is None
    assert not (tmp_path / "none.db").exists()  # and none was created
    unreachable = make_settings(
        DATABASE_URL=f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/dalil"
    )
    assert cli._managed_rumours(unreachable) is None
    assert "training from the shipped files alone" in capsys.readouterr().err
