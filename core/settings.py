"""Settings read once from the environment (and an optional `.env` file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Values that look like someone forgot to replace them; refused outside the demo profile.
_PLACEHOLDERS = {"", "changeme", "change-me", "secret", "xxx", "todo"}


class Settings(BaseSettings):
    """Every configuration value Dalil reads, with its environment variable name."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    profile: Literal["demo", "production", "test"] = Field("production", alias="DALIL_PROFILE")

    database_url: str = Field(
        f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'dalil.db'}", alias="DATABASE_URL"
    )
    redis_url: str = Field("redis://127.0.0.1:6379/0", alias="REDIS_URL")
    rasa_url: str = Field("http://127.0.0.1:5005", alias="RASA_URL")
    rasa_token: SecretStr | None = Field(None, alias="RASA_TOKEN")
    rasa_timeout_s: float = Field(3.0, alias="RASA_TIMEOUT_S")
    nlu_fallback_threshold: float = Field(0.5, alias="NLU_FALLBACK_THRESHOLD")
    nlu_venv: Path = Field(PROJECT_ROOT / ".venv-nlu", alias="NLU_VENV")
    nlu_model_dir: Path = Field(PROJECT_ROOT / "build" / "nlu-models", alias="NLU_MODEL_DIR")

    public_base_url: str | None = Field(None, alias="PUBLIC_BASE_URL")
    telegram_bot_token: SecretStr | None = Field(None, alias="TELEGRAM_BOT_TOKEN")
    telegram_webhook_secret: SecretStr | None = Field(None, alias="TELEGRAM_WEBHOOK_SECRET")
    telegram_api_base_url: str = Field(
        "https://api.telegram.org/bot", alias="TELEGRAM_API_BASE_URL"
    )

    # A message a worker or sender took and did not finish within this time (it died) is
    # taken over by another; longer than any one message can take to handle.
    queue_claim_idle_ms: int = Field(60_000, ge=100, alias="QUEUE_CLAIM_IDLE_MS")
    # Sending limits: seconds between two messages to one chat, messages per second in all.
    telegram_chat_interval_s: float = Field(1.0, ge=0, alias="TELEGRAM_CHAT_INTERVAL_S")
    telegram_per_second: int = Field(30, ge=1, alias="TELEGRAM_PER_SECOND")
    whatsapp_chat_interval_s: float = Field(0.0, ge=0, alias="WHATSAPP_CHAT_INTERVAL_S")
    whatsapp_per_second: int = Field(80, ge=1, alias="WHATSAPP_PER_SECOND")
    whatsapp_token: SecretStr | None = Field(None, alias="WHATSAPP_TOKEN")
    whatsapp_app_secret: SecretStr | None = Field(None, alias="WHATSAPP_APP_SECRET")
    whatsapp_verify_token: SecretStr | None = Field(None, alias="WHATSAPP_VERIFY_TOKEN")
    whatsapp_phone_number_id: str | None = Field(None, alias="WHATSAPP_PHONE_NUMBER_ID")
    whatsapp_api_base_url: str = Field(
        "https://graph.facebook.com/v21.0", alias="WHATSAPP_API_BASE_URL"
    )
    # The approved template that carries a campaign's fact (its one body variable) to people
    # outside WhatsApp's 24-hour window; unset, they are skipped, and counted as skipped.
    whatsapp_campaign_template: str | None = Field(None, alias="WHATSAPP_CAMPAIGN_TEMPLATE")

    stats_min_count: int = Field(5, alias="STATS_MIN_COUNT", ge=1)
    # Off unless the city decides otherwise: even scrubbed, a question's text may say who wrote it.
    keep_unmet_questions: bool = Field(False, alias="KEEP_UNMET_QUESTIONS")
    unmet_retention_days: int = Field(30, alias="UNMET_RETENTION_DAYS", ge=1, le=365)
    pseudonym_key: SecretStr | None = Field(None, alias="PSEUDONYM_KEY")
    # How long conversation state is kept after the last message (privacy: nothing forever).
    state_ttl_s: int = Field(30 * 24 * 3600, alias="STATE_TTL_S", ge=60)

    # How long a portal sign-in lasts, whatever is done meanwhile: a phone left unlocked in a
    # shared office must not stay signed in for days.
    portal_session_s: int = Field(8 * 3600, alias="PORTAL_SESSION_S", ge=1, le=7 * 24 * 3600)

    http_host: str = Field("127.0.0.1", alias="HTTP_HOST")
    http_port: int = Field(8000, alias="HTTP_PORT")

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.profile != "production":
            return self
        # A missing key is refused where it is needed (pseudonym_key_bytes); a weak one, here.
        key = self.pseudonym_key.get_secret_value() if self.pseudonym_key else None
        if key is not None and (key.lower() in _PLACEHOLDERS or len(key) < 16):
            raise ValueError("PSEUDONYM_KEY must be a random value of 16+ characters")
        if self.telegram_bot_token and not self.telegram_webhook_secret and self.public_base_url:
            raise ValueError("TELEGRAM_WEBHOOK_SECRET is required when PUBLIC_BASE_URL is set")
        whatsapp = self._whatsapp_values()
        missing = [name for name, value in whatsapp.items() if not value]
        if 0 < len(missing) < len(whatsapp):
            raise ValueError(f"WhatsApp is half configured: set {', '.join(missing)} as well")
        for name in ("WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"):
            value = whatsapp[name]
            if value and (value.lower() in _PLACEHOLDERS or len(value) < 8):
                raise ValueError(f"{name} must be the real value (8+ characters)")
        return self

    def _whatsapp_values(self) -> dict[str, str]:
        def reveal(secret: SecretStr | None) -> str:
            return secret.get_secret_value() if secret else ""

        return {
            "WHATSAPP_TOKEN": reveal(self.whatsapp_token),
            "WHATSAPP_APP_SECRET": reveal(self.whatsapp_app_secret),
            "WHATSAPP_VERIFY_TOKEN": reveal(self.whatsapp_verify_token),
            "WHATSAPP_PHONE_NUMBER_ID": self.whatsapp_phone_number_id or "",
        }

    @property
    def whatsapp_configured(self) -> bool:
        """Tell whether every WhatsApp value is set (empty strings count as unset)."""
        return all(self._whatsapp_values().values())

    def pseudonym_key_bytes(self) -> bytes:
        """The key for pseudonymous chat keys; the demo profile derives a fixed one."""
        if self.pseudonym_key is not None:
            return self.pseudonym_key.get_secret_value().encode()
        if self.profile == "production":
            raise ValueError("PSEUDONYM_KEY is not set: it is required to serve")
        return b"dalil-demo-pseudonym-key-not-for-production"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once."""
    return Settings()
