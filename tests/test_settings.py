"""Settings refuse weak secrets in production and need no secret for offline commands."""

from __future__ import annotations

import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from core.settings import MIN_SECRET_BITS, Settings, estimated_bits, weakness
from tests.standins.server import free_port

# What `secrets.token_urlsafe(32)` gives: what the README tells operators to use.
STRONG = "q8Vd3ZbN0xT5rKc2LwYp7HsJ4mFa9GeUoQiB1nXz6Ry"


def test_production_refuses_a_placeholder_key() -> None:
    with pytest.raises(ValidationError, match="PSEUDONYM_KEY"):
        Settings(_env_file=None, DALIL_PROFILE="production", PSEUDONYM_KEY="changeme")


def test_production_without_a_key_can_train_but_not_serve() -> None:
    settings = Settings(_env_file=None, DALIL_PROFILE="production")
    with pytest.raises(ValueError, match="PSEUDONYM_KEY is not set"):
        settings.pseudonym_key_bytes()


def test_webhook_secret_required_with_a_public_url() -> None:
    with pytest.raises(ValidationError, match="TELEGRAM_WEBHOOK_SECRET"):
        Settings(
            _env_file=None,
            DALIL_PROFILE="production",
            PSEUDONYM_KEY=STRONG,
            TELEGRAM_BOT_TOKEN="1:abc",
            PUBLIC_BASE_URL="https://dalil.example.org",
        )


def test_demo_profile_has_a_usable_key() -> None:
    settings = Settings(_env_file=None, DALIL_PROFILE="demo")
    assert len(settings.pseudonym_key_bytes()) >= 16


@pytest.mark.parametrize(
    "missing",
    ["WHATSAPP_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"],
)
def test_half_a_whatsapp_configuration_is_refused_in_production(missing: str) -> None:
    values: dict[str, Any] = {
        "WHATSAPP_TOKEN": "EAAG-token",
        "WHATSAPP_APP_SECRET": "a3f1c9e0b7d24c5e8f6a1b2c3d4e5f60",
        "WHATSAPP_VERIFY_TOKEN": STRONG,
        "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
    }
    values[missing] = ""  # as docker-compose passes an unset variable
    with pytest.raises(ValidationError, match=missing):
        Settings(_env_file=None, DALIL_PROFILE="production", **values)


def test_whatsapp_is_configured_only_when_every_value_is_set() -> None:
    assert not Settings(_env_file=None, DALIL_PROFILE="demo").whatsapp_configured
    settings = Settings(
        _env_file=None,
        DALIL_PROFILE="production",
        WHATSAPP_TOKEN="EAAG-token",
        WHATSAPP_APP_SECRET="a3f1c9e0b7d24c5e8f6a1b2c3d4e5f60",
        WHATSAPP_VERIFY_TOKEN=STRONG,
        WHATSAPP_PHONE_NUMBER_ID="106540352242922",
    )
    assert settings.whatsapp_configured


def test_production_refuses_a_placeholder_whatsapp_secret() -> None:
    with pytest.raises(ValidationError, match="WHATSAPP_APP_SECRET"):
        Settings(
            _env_file=None,
            DALIL_PROFILE="production",
            WHATSAPP_TOKEN="EAAG-token",
            WHATSAPP_APP_SECRET="changeme",
            WHATSAPP_VERIFY_TOKEN=STRONG,
            WHATSAPP_PHONE_NUMBER_ID="106540352242922",
        )


def _values(name: str, value: str) -> dict[str, Any]:
    return {name: value}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PSEUDONYM_KEY", "a" * 16),  # accepted before
        ("PSEUDONYM_KEY", "a" * 64),
        ("TELEGRAM_WEBHOOK_SECRET", "x"),  # accepted before
        ("RASA_TOKEN", "rasa-token"),
        ("RASA_TOKEN", "abc123" * 8),
        ("WHATSAPP_VERIFY_TOKEN", "my-verify-token"),
    ],
)
def test_production_refuses_a_weak_secret(name: str, value: str) -> None:
    with pytest.raises(ValidationError, match=name):
        Settings(_env_file=None, DALIL_PROFILE="production", **_values(name, value))
    Settings(_env_file=None, DALIL_PROFILE="demo", **_values(name, value))


def test_an_empty_optional_secret_is_unset_as_docker_compose_passes_it() -> None:
    Settings(_env_file=None, DALIL_PROFILE="production", WHATSAPP_VERIFY_TOKEN="")


def test_generated_secrets_are_strong_enough() -> None:
    for _ in range(200):
        for value in (secrets.token_urlsafe(32), secrets.token_hex(32)):
            assert weakness(value) is None, value
            assert estimated_bits(value) > MIN_SECRET_BITS + 50


CONFIGURATION_PREFIXES = ("DALIL_", "DATABASE_", "REDIS_", "RASA_", "PSEUDONYM_", "TELEGRAM_")


def _dalil(cwd: Path, command: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """Run the `dalil` CLI in `cwd` with only `env` as Dalil's configuration."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(CONFIGURATION_PREFIXES)}
    return subprocess.run(
        [sys.executable, "-m", "dalil.cli", *command], cwd=cwd, env={**base, **env},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("missing", ["RASA_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "PSEUDONYM_KEY"])
def test_serving_in_production_needs_every_secret(tmp_path: Path, missing: str) -> None:
    values = {
        "DALIL_PROFILE": "production",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'dalil.db'}",
        "PSEUDONYM_KEY": secrets.token_urlsafe(32),
        "RASA_TOKEN": secrets.token_urlsafe(32),
        "TELEGRAM_WEBHOOK_SECRET": secrets.token_urlsafe(32),
    }
    del values[missing]
    started = _dalil(tmp_path, ["run", "--no-rasa", "--port", str(free_port())], **values)
    assert started.returncode != 0
    assert f"{missing} must be set to serve in production" in started.stderr
    assert "Dalil is serving" not in started.stderr


def test_the_demo_env_is_for_its_owner_only_and_its_secrets_are_strong(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[1] / "scripts" / "demo-env.sh"
    shell = ["bash", "-c", f"umask 022 && {script}"]
    subprocess.run(shell, cwd=tmp_path, check=True, capture_output=True)
    env_file = tmp_path / ".env"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    values = dict(
        line.split("=", 1) for line in env_file.read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )  # fmt: skip
    names = ("PSEUDONYM_KEY", "RASA_TOKEN", "TELEGRAM_WEBHOOK_SECRET")
    chosen: dict[str, Any] = {name: values[name] for name in names}
    Settings(_env_file=None, DALIL_PROFILE="production", **chosen)
    # A .env written before, readable by all, is closed too.
    env_file.chmod(0o644)
    subprocess.run(shell, cwd=tmp_path, check=True, capture_output=True)
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("'self'", "'self'"),
        ("  'self'   https://www.lyon.fr ", "'self' https://www.lyon.fr"),
        ("https://*.tanger.ma:8443 'self'", "https://*.tanger.ma:8443 'self'"),
        ("'none'", "'none'"),
    ],
)
def test_chat_frame_ancestors_are_kept_as_sources(given: str, kept: str) -> None:
    settings = Settings(_env_file=None, DALIL_PROFILE="demo", CHAT_FRAME_ANCESTORS=given)
    assert settings.chat_frame_ancestors == kept


@pytest.mark.parametrize(
    "given",
    [
        "",
        "*",
        "'self'; script-src *",
        "'self',https://www.lyon.fr",
        "https://www.lyon.fr/chat",
        "'unsafe-inline'",
        "javascript:alert(1)",
        "'self'\r\nSet-Cookie: a=b",
    ],
)
def test_chat_frame_ancestors_refuse_what_would_change_the_policy(given: str) -> None:
    with pytest.raises(ValidationError, match="CHAT_FRAME_ANCESTORS"):
        Settings(_env_file=None, DALIL_PROFILE="demo", CHAT_FRAME_ANCESTORS=given)
