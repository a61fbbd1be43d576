"""Settings refuse weak secrets in production and need no secret for offline commands."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from core.settings import Settings


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
            PSEUDONYM_KEY="a-long-random-key-0123456789",
            TELEGRAM_BOT_TOKEN="1:abc",
            PUBLIC_BASE_URL="https://dalil.example.org",
        )


def test_demo_profile_has_a_usable_key() -> None:
    settings = Settings(_env_file=None, DALIL_PROFILE="demo")
    assert len(settings.pseudonym_key_bytes()) >= 16
