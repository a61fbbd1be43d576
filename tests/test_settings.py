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


@pytest.mark.parametrize(
    "missing",
    ["WHATSAPP_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"],
)
def test_half_a_whatsapp_configuration_is_refused_in_production(missing: str) -> None:
    values = {
        "WHATSAPP_TOKEN": "EAAG-token",
        "WHATSAPP_APP_SECRET": "a3f1c9e0b7d24c5e8f6a1b2c3d4e5f60",
        "WHATSAPP_VERIFY_TOKEN": "a-verify-token",
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
        WHATSAPP_VERIFY_TOKEN="a-verify-token",
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
            WHATSAPP_VERIFY_TOKEN="a-verify-token",
            WHATSAPP_PHONE_NUMBER_ID="106540352242922",
        )


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
