"""Who asked to get facts: a row per chat, keyed by its pseudonym, with its chat id sealed.

Sending needs the platform's chat id (on WhatsApp, the phone number), so it is kept here, and
only here, encrypted with AES-GCM under a key derived from PSEUDONYM_KEY and bound to the
row's pseudonym and channel: a copy of the table alone reveals nobody. Only the broadcaster
opens it, to hand the message to the sender. Leaving (/stop, the stop button, /forget)
deletes the row.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import DateTime, Integer, String, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base

_KEY_LABEL = b"dalil/subscription-chat-id/v1"
_NONCE_BYTES = 12


class Subscription(Base):
    """A chat that asked for the campaign's facts."""

    __tablename__ = "subscription"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # The chat's keyed pseudonym (core.pseudonym), as conversation state is keyed.
    key: Mapped[str] = mapped_column(String(32), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    sealed_chat_id: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(8))
    city: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class UnreadableChatId(Exception):
    """A sealed chat id that this key cannot open (another key, or altered)."""


def _cipher(secret: bytes) -> AESGCM:
    return AESGCM(hmac.new(secret, _KEY_LABEL, hashlib.sha256).digest())


def _bound_to(key: str, channel: str) -> bytes:
    return f"{channel}:{key}".encode()


def seal(secret: bytes, *, key: str, channel: str, chat_id: str) -> str:
    """Return `chat_id` encrypted for the subscription of `key` on `channel`."""
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _cipher(secret).encrypt(nonce, chat_id.encode(), _bound_to(key, channel))
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(secret: bytes, subscription: Subscription) -> str:
    """Return the chat id of a subscription; UnreadableChatId if it cannot be opened."""
    try:
        raw = base64.urlsafe_b64decode(subscription.sealed_chat_id.encode())
        plain = _cipher(secret).decrypt(
            raw[:_NONCE_BYTES],
            raw[_NONCE_BYTES:],
            _bound_to(subscription.key, subscription.channel),
        )
    except (InvalidTag, ValueError) as error:
        raise UnreadableChatId(f"subscription {subscription.id}") from error
    return plain.decode()


async def find(session: AsyncSession, key: str) -> Subscription | None:
    """Return the subscription of chat `key`, if it has one."""
    return (
        await session.scalars(select(Subscription).where(Subscription.key == key))
    ).one_or_none()


async def subscribe(
    session: AsyncSession,
    secret: bytes,
    *,
    key: str,
    channel: str,
    chat_id: str,
    locale: str,
    city: str | None,
) -> bool:
    """Subscribe chat `key` (or renew its language and city); return whether it is new."""
    existing = await find(session, key)
    if existing is not None:
        existing.locale, existing.city = locale, city
        await session.flush()
        return False
    sealed = seal(secret, key=key, channel=channel, chat_id=chat_id)
    session.add(
        Subscription(key=key, channel=channel, sealed_chat_id=sealed, locale=locale, city=city)
    )
    await session.flush()
    return True


async def unsubscribe(session: AsyncSession, key: str) -> bool:
    """Delete the subscription of chat `key`; return whether there was one."""
    result = await session.execute(
        delete(Subscription).where(Subscription.key == key).returning(Subscription.id)
    )
    return result.first() is not None


async def after(
    session: AsyncSession, cursor: int, *, city: str | None, limit: int
) -> list[Subscription]:
    """Return up to `limit` subscriptions past `cursor` in id order (of one city, if given)."""
    statement = select(Subscription).where(Subscription.id > cursor)
    if city is not None:
        statement = statement.where(Subscription.city == city)
    return list((await session.scalars(statement.order_by(Subscription.id).limit(limit))).all())
