"""Who asked to get facts: a row per chat, keyed by its pseudonym, with its chat id sealed.

Sending needs the platform's chat id (on WhatsApp, the phone number), so it is kept here, and
only here, encrypted with AES-GCM under a key derived from PSEUDONYM_KEY and bound to the
row's pseudonym and channel: a copy of the table alone reveals nobody. Only the broadcaster
opens it, to hand the message to the sender. Leaving (/stop, the stop button, /forget)
deletes the row.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, String, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core import sealed
from core.db import Base
from core.sealed import UnreadableChatId as UnreadableChatId

_KEY_LABEL = b"dalil/subscription-chat-id/v1"


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


def seal(secret: bytes, *, key: str, channel: str, chat_id: str) -> str:
    """Return `chat_id` encrypted for the subscription of `key` on `channel`."""
    return sealed.seal(secret, _KEY_LABEL, key=key, channel=channel, chat_id=chat_id)


def unseal(secret: bytes, subscription: Subscription) -> str:
    """Return the chat id of a subscription; UnreadableChatId if it cannot be opened."""
    try:
        return sealed.unseal(
            secret, _KEY_LABEL, key=subscription.key, channel=subscription.channel,
            sealed=subscription.sealed_chat_id,
        )  # fmt: skip
    except UnreadableChatId as error:
        raise UnreadableChatId(f"subscription {subscription.id}") from error


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
    chat = seal(secret, key=key, channel=channel, chat_id=chat_id)
    session.add(
        Subscription(key=key, channel=channel, sealed_chat_id=chat, locale=locale, city=city)
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
