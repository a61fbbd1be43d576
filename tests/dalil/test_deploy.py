"""The production compose file is consistent with the code (no Docker engine runs here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from core.settings import PROJECT_ROOT, Settings
from dalil.app import ALL_ROLES
from nlu.normalize import normalize
from nlu.training_data import read_examples


def _compose() -> dict[str, Any]:
    compose: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    return compose


def test_the_stack_has_every_component() -> None:
    services = _compose()["services"]
    roles = {"app", "worker", "sender", "broadcaster", "relay"}
    assert set(services) == {"postgres", "redis", "nlu", "migrate"} | roles
    assert services["postgres"]["image"] == "postgres:16"
    assert "--appendonly" in services["redis"]["command"]
    assert services["migrate"]["command"] == ["dalil", "db", "upgrade"]
    depends = services["app"]["depends_on"]
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    for service in services.values():
        if "build" in service:
            assert (PROJECT_ROOT / service["build"]["dockerfile"]).is_file()


def test_app_environment_names_are_settings_the_app_reads() -> None:
    environment = _compose()["x-app-environment"]
    aliases = {field.alias for field in Settings.model_fields.values()}
    assert set(environment) <= aliases
    assert environment["DALIL_PROFILE"] == "production"
    assert {"DATABASE_URL", "REDIS_URL", "RASA_URL", "PSEUDONYM_KEY"} <= set(environment)


def test_nlu_image_data_is_normalised_like_messages(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "nlu.prepare", str(tmp_path)], check=True, cwd=PROJECT_ROOT
    )
    prepared = list(read_examples(tmp_path / "ar.yml"))
    original = list(read_examples(PROJECT_ROOT / "nlu" / "rasa" / "data" / "ar.yml"))
    assert len(prepared) == len(original) > 0
    assert [e.text for e in prepared] == [normalize(e.text) for e in original]


def test_nlu_image_trains_and_serves_with_dalils_components() -> None:
    """The image's Rasa finds every `module.Class` component the config names, at training
    and at serving, and trains and serves the way `dalil nlu train` and `dalil run` do."""
    dockerfile = (PROJECT_ROOT / "deploy" / "nlu.Dockerfile").read_text()
    nlu_stage = dockerfile[dockerfile.index("AS nlu") :]
    assert "COPY nlu/rasa/components /app/components" in nlu_stage
    assert "ENV PYTHONPATH=/app/components" in nlu_stage
    assert "RUN python -m dalil_fast_training train nlu" in nlu_stage
    assert 'ENTRYPOINT ["python", "-m", "dalil_rasa"]' in nlu_stage
    config = yaml.safe_load((PROJECT_ROOT / "nlu" / "rasa" / "config.yml").read_text())
    own = [step["name"] for step in config["pipeline"] if "." in step["name"]]
    assert own
    for name in own:
        module = name.split(".")[0]
        assert (PROJECT_ROOT / "nlu" / "rasa" / "components" / f"{module}.py").is_file()


def test_every_role_runs_as_its_own_scalable_service() -> None:
    services = _compose()["services"]
    runs = {
        name: service["command"][service["command"].index("--roles") + 1]
        for name, service in services.items()
        if "--roles" in service.get("command", [])
    }
    assert runs == {"app": "api", "worker": "worker", "sender": "sender",
                    "broadcaster": "broadcaster", "relay": "relay"}  # fmt: skip
    assert set(runs.values()) == set(ALL_ROLES)
    # Only the HTTP side publishes a port, so the others can be scaled to many replicas.
    assert [name for name in runs if services[name].get("ports")] == ["app"]
