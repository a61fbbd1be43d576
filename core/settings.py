"""Settings read once from the environment (and an optional `.env` file)."""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Values that look like someone forgot to replace them; refused outside the demo profile.
_PLACEHOLDERS = {"", "changeme", "change-me", "secret", "xxx", "todo"}
# The secrets Dalil's operator chooses: long and random, as `secrets.token_urlsafe(32)` or
# `openssl rand -hex 32` make them (README, "Configuration").
MIN_SECRET_CHARS = 32
MIN_SECRET_BITS = 100
_CHOSEN_SECRETS = {
    "PSEUDONYM_KEY": "pseudonym_key",
    "RASA_TOKEN": "rasa_token",
    "TELEGRAM_WEBHOOK_SECRET": "telegram_webhook_secret",
    "WHATSAPP_VERIFY_TOKEN": "whatsapp_verify_token",
}


def estimated_bits(value: str) -> float:
    """Estimate a secret's entropy: the lesser of two rough upper bounds.

    Its length times the spread of its characters (one letter repeated scores 0), and the size
    of its deflate compression (a repeated pattern compresses). This catches what people type,
    not every weak secret; a generated one scores far above the minimum (about 200 bits for the
    43 characters of `token_urlsafe(32)`, 240 for the 64 hexadecimal digits of `token_hex(32)`).
    """
    if not value:
        return 0.0
    counts = Counter(value)
    per_char = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    # The 6 bytes of zlib's header and checksum carry nothing of the value.
    compressed = 8 * (len(zlib.compress(value.encode(), 9)) - 6)
    return min(per_char * len(value), compressed)


def weakness(value: str) -> str | None:
    """Say why `value` is too weak for a secret Dalil's operator chooses, or None."""
    if value.lower() in _PLACEHOLDERS:
        return "a placeholder"
    if len(value) < MIN_SECRET_CHARS:
        return f"shorter than {MIN_SECRET_CHARS} characters"
    if estimated_bits(value) < MIN_SECRET_BITS:
        return "not random enough (repeated characters or a pattern)"
    return None


# A CSP source that names who may frame the chat: a keyword, or a scheme and host (with an
# optional leading wildcard label and port).
_FRAME_SOURCE = re.compile(r"'self'|'none'|https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?")


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
    # nlu.decision.FALLBACK, chosen on the development set (tests/nlu/test_decision.py).
    nlu_fallback_threshold: float = Field(0.3, alias="NLU_FALLBACK_THRESHOLD")
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
    # The approved utility template that tells a person outside the window that a volunteer
    # of an association (its one body variable) answered them; their answer is held until
    # they write back. Unset, a volunteer cannot answer outside the window, and is told so.
    whatsapp_handover_template: str | None = Field(None, alias="WHATSAPP_HANDOVER_TEMPLATE")

    stats_min_count: int = Field(5, alias="STATS_MIN_COUNT", ge=1)
    # Off unless the city decides otherwise: even scrubbed, a question's text may say who wrote it.
    keep_unmet_questions: bool = Field(False, alias="KEEP_UNMET_QUESTIONS")
    unmet_retention_days: int = Field(30, alias="UNMET_RETENTION_DAYS", ge=1, le=365)
    pseudonym_key: SecretStr | None = Field(None, alias="PSEUDONYM_KEY")
    # How long conversation state is kept after the last message (privacy: nothing forever).
    state_ttl_s: int = Field(30 * 24 * 3600, alias="STATE_TTL_S", ge=60)

    # The sites that may show the web chat in an iframe: CSP frame-ancestors sources, such as
    # "'self' https://www.lyon.fr". The default lets only Dalil's own pages embed it.
    chat_frame_ancestors: str = Field("'self'", alias="CHAT_FRAME_ANCESTORS")
    # Messages one web chat conversation, and one network address, may send in a minute. An
    # address is often shared (a reception centre, a mobile operator): its limit is wider.
    chat_messages_per_minute: int = Field(30, ge=1, alias="CHAT_MESSAGES_PER_MINUTE")
    chat_address_messages_per_minute: int = Field(
        300, ge=1, alias="CHAT_ADDRESS_MESSAGES_PER_MINUTE"
    )

    # How long `GET /chat/api/updates` waits for a reply before answering "nothing yet": below
    # the idle timeout of every proxy on the way.
    chat_long_poll_ms: int = Field(20_000, ge=0, le=25_000, alias="CHAT_LONG_POLL_MS")

    # Handed-over conversations: their messages are deleted this many days after the end, and
    # a request nobody took in this many minutes is shown to the city team as escalated.
    handover_retention_days: int = Field(30, ge=1, le=365, alias="HANDOVER_RETENTION_DAYS")
    handover_escalate_minutes: int = Field(30, ge=1, alias="HANDOVER_ESCALATE_MINUTES")
    # Where the escalation e-mails go out: smtp://[user:password@]host[:port] (STARTTLS when
    # the server offers it) or smtps:// (TLS from the start); unset, no e-mail is sent.
    smtp_url: SecretStr | None = Field(None, alias="SMTP_URL")
    mail_from: str | None = Field(None, alias="MAIL_FROM")

    # How long a portal sign-in lasts, whatever is done meanwhile: a phone left unlocked in a
    # shared office must not stay signed in for days.
    portal_session_s: int = Field(8 * 3600, alias="PORTAL_SESSION_S", ge=1, le=7 * 24 * 3600)
    # Failed portal sign-ins one network address may make in a window, whatever the logins
    # (the per-login lock-out does not stop one address trying many logins).
    portal_sign_in_failures: int = Field(20, alias="PORTAL_SIGN_IN_FAILURES", ge=1, le=10_000)
    portal_sign_in_window_s: int = Field(
        15 * 60, alias="PORTAL_SIGN_IN_WINDOW_S", ge=1, le=24 * 3600
    )

    http_host: str = Field("127.0.0.1", alias="HTTP_HOST")
    http_port: int = Field(8000, alias="HTTP_PORT")

    @field_validator("chat_frame_ancestors")
    @classmethod
    def _frame_sources(cls, value: str) -> str:
        # It goes into a header as it is: a stray ";" would add a directive of its own.
        sources = value.split()
        if not sources or not all(_FRAME_SOURCE.fullmatch(source) for source in sources):
            raise ValueError(
                "CHAT_FRAME_ANCESTORS takes 'self', 'none' or https:// origins, space-separated"
            )
        return " ".join(sources)

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.profile != "production":
            return self
        # A missing secret is refused when serving starts (require_secrets); a weak one, here.
        for name, field in _CHOSEN_SECRETS.items():
            # Empty is unset: docker-compose passes an unset variable as "".
            value = self._reveal(field)
            problem = weakness(value) if value else None
            if problem:
                raise ValueError(
                    f"{name} is {problem}: use a random value, e.g. "
                    "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
                )
        if self.telegram_bot_token and not self.telegram_webhook_secret and self.public_base_url:
            raise ValueError("TELEGRAM_WEBHOOK_SECRET is required when PUBLIC_BASE_URL is set")
        whatsapp = self._whatsapp_values()
        missing = [name for name, value in whatsapp.items() if not value]
        if 0 < len(missing) < len(whatsapp):
            raise ValueError(f"WhatsApp is half configured: set {', '.join(missing)} as well")
        # Meta chooses the app secret: only a placeholder can be told from the real one.
        value = whatsapp["WHATSAPP_APP_SECRET"]
        if value and (value.lower() in _PLACEHOLDERS or len(value) < 8):
            raise ValueError("WHATSAPP_APP_SECRET must be the real value (8+ characters)")
        return self

    def require_secrets(self, *names: str) -> None:
        """Refuse, in production, to start without the secrets `names` (serving needs them)."""
        if self.profile != "production":
            return
        missing = [name for name in names if not self._reveal(_CHOSEN_SECRETS[name])]
        if missing:
            raise ValueError(f"{', '.join(missing)} must be set to serve in production")

    def _reveal(self, field: str) -> str:
        secret: SecretStr | None = getattr(self, field)
        return secret.get_secret_value() if secret is not None else ""

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
