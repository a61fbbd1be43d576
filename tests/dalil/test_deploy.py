"""The production compose file is consistent with the code (no Docker engine runs here)."""

from __future__ import annotations

import ast
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import yaml

from bot.i18n import SUPPORTED_LOCALES
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


def _app_image_steps() -> tuple[list[str], list[str]]:
    """The paths the app image copies in, and its `pybabel compile` command's arguments."""
    dockerfile = (PROJECT_ROOT / "deploy" / "app.Dockerfile").read_text()
    copied = []
    for line in dockerfile.splitlines():
        if line.startswith("COPY "):
            *sources, _destination = line.split()[1:]
            copied += sources
    # The catalogs must be compiled before `pip install .` copies the package into the image.
    assert dockerfile.index("pybabel compile") < dockerfile.index("-c constraints.txt .")
    compile_step = next(
        step.strip(" \\&")
        for step in dockerfile.replace("\\\n", "\n").splitlines()
        if "pybabel compile" in step
    )
    return copied, shlex.split(compile_step)[2:]


def test_the_app_image_installs_every_package_and_both_catalogs(tmp_path: Path) -> None:
    """The app image, without Docker: the files it copies (as git has them: no catalog is
    compiled in git), its catalog step as written, then the package built from that folder
    as `pip install .` builds it. Every package the code imports and both catalog domains of
    every language must be in it, or the image starts without them."""
    copied, compile_arguments = _app_image_steps()
    tracked = subprocess.run(
        ["git", "ls-files", "-z", "--", *copied],
        cwd=PROJECT_ROOT, check=True, capture_output=True,
    ).stdout.decode().split("\0")  # fmt: skip
    context = tmp_path / "context"
    for name in filter(None, tracked):
        (context / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PROJECT_ROOT / name, context / name)
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [str(bin_dir / "pybabel"), "compile", *compile_arguments],
        cwd=context, check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path / "wheel"), str(context)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = (tmp_path / "wheel").glob("dalil-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    top_level = {name.split("/")[0] for name in names if name.endswith(".py")}
    # Every first-party package the code imports.
    first_party = {path.name for path in PROJECT_ROOT.iterdir() if (path / "__init__.py").is_file()}
    imported = set()
    for name in tracked:
        if not name.endswith(".py") or name.startswith("nlu/rasa/"):
            continue  # Rasa's components run in the Rasa image, not in this one
        for node in ast.walk(ast.parse((PROJECT_ROOT / name).read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
    assert imported & first_party <= top_level, imported & first_party - top_level
    for language in SUPPORTED_LOCALES:
        for domain in ("messages", "portal"):
            assert f"bot/locales/{language}/LC_MESSAGES/{domain}.mo" in names, (language, domain)
    assert "nlu/safety/en.txt" in names
    # Read by the client for needs named in a word: the lists and the model's intents.
    assert {"nlu/topic_words.yml", "nlu/rasa/domain.yml"} <= names


def test_every_setting_in_the_env_file_reaches_the_app_processes() -> None:
    """The compose file names the settings it computes or requires; any other setting a
    deployer writes in `.env` (SMTP_URL, HANDOVER_*...) reaches every process of the app
    image through `env_file`."""
    services = _compose()["services"]
    for name, service in services.items():
        if service.get("build", {}).get("dockerfile") == "deploy/app.Dockerfile":
            assert {"path": ".env", "required": False} in service["env_file"], name
