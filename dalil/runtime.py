"""The long-lived objects of one process, built from settings and closed together."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram import Bot

from bot.dialogue import Dialogue
from bot.state import StateStore
from bot.telegram.send import build_bot, close_bot
from bot.telegram.webhook import TelegramWebhook, bot_id
from bot.web.endpoints import ChatConfig
from bot.whatsapp.send import WhatsAppClient
from bot.whatsapp.webhook import WebhookConfig
from core.db import create_engine, session_factory
from core.redis import connect
from core.settings import Settings
from dalil import migrate
from nlu.client import NLUClient, ParseCache
from nlu.language import LanguageIdentifier

# Every package's tables on the one metadata, whichever roles this process runs: a handed-over
# conversation's row names an account, a city and an organisation.
TABLES = migrate.metadata()


@dataclass(slots=True)
class Runtime:
    """Database, Redis, NLU client, dialogue and platform clients of this process."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    redis: Redis
    nlu: NLUClient
    dialogue: Dialogue
    telegram_bot: Bot | None
    telegram_webhook: TelegramWebhook
    web_chat: ChatConfig
    whatsapp: WhatsAppClient | None = None
    whatsapp_webhook: WebhookConfig | None = None

    async def aclose(self) -> None:
        """Close every connection."""
        await self.nlu.aclose()
        if self.telegram_bot is not None:
            await close_bot(self.telegram_bot)
        if self.whatsapp is not None:
            await self.whatsapp.aclose()
        await self.redis.aclose()
        await self.engine.dispose()


def nlu_client(
    settings: Settings, *, timeout_s: float | None = None, redis: Redis | None = None
) -> NLUClient:
    """Return the NLU client the bot uses: its Rasa, threshold and language identifier.

    With `redis`, repeated texts are answered from the parse cache.
    """
    cache = ParseCache(redis, settings.pseudonym_key_bytes()) if redis is not None else None
    return NLUClient(
        settings.rasa_url,
        token=settings.rasa_token.get_secret_value() if settings.rasa_token else None,
        timeout_s=timeout_s or settings.rasa_timeout_s,
        fallback_threshold=settings.nlu_fallback_threshold,
        identifier=LanguageIdentifier.from_training_data(),
        cache=cache,
    )


def build_runtime(settings: Settings) -> Runtime:
    """Create the runtime objects; nothing connects until first used."""
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    redis = connect(settings.redis_url)
    nlu = nlu_client(settings, redis=redis)
    dialogue = Dialogue(
        sessions=sessions,
        states=StateStore(redis, settings.state_ttl_s),
        nlu=nlu,
        pseudonym_key=settings.pseudonym_key_bytes(),
        keep_unmet_questions=settings.keep_unmet_questions,
    )
    token = settings.telegram_bot_token
    bot = build_bot(token.get_secret_value(), settings.telegram_api_base_url) if token else None
    secret = settings.telegram_webhook_secret
    telegram_webhook = TelegramWebhook(
        redis=redis,
        secret=secret.get_secret_value() if secret else None,
        # The bot's numeric id (for dedupe keys), or `none` without a bot.
        bot_id=bot_id(token.get_secret_value()) if token else "none",
    )
    web_chat = ChatConfig(
        redis=redis,
        pseudonym_key=settings.pseudonym_key_bytes(),
        frame_ancestors=settings.chat_frame_ancestors,
        per_conversation=settings.chat_messages_per_minute,
        per_address=settings.chat_address_messages_per_minute,
        long_poll_ms=settings.chat_long_poll_ms,
    )
    runtime = Runtime(
        settings, engine, sessions, redis, nlu, dialogue, bot, telegram_webhook, web_chat
    )
    if settings.whatsapp_configured:
        runtime.whatsapp, runtime.whatsapp_webhook = _whatsapp(settings, redis)
    return runtime


def _whatsapp(settings: Settings, redis: Redis) -> tuple[WhatsAppClient, WebhookConfig]:
    def reveal(secret: SecretStr | None) -> str:
        return secret.get_secret_value() if secret else ""

    phone_number_id = settings.whatsapp_phone_number_id or ""
    client = WhatsAppClient(
        base_url=settings.whatsapp_api_base_url,
        phone_number_id=phone_number_id,
        token=reveal(settings.whatsapp_token),
        redis=redis,
        pseudonym_key=settings.pseudonym_key_bytes(),
    )
    webhook = WebhookConfig(
        redis=redis,
        app_secret=reveal(settings.whatsapp_app_secret),
        verify_token=reveal(settings.whatsapp_verify_token),
        phone_number_id=phone_number_id,
        pseudonym_key=settings.pseudonym_key_bytes(),
    )
    return client, webhook
