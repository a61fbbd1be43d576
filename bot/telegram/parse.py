"""Telegram updates to IncomingMessage."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType

from bot.messages import IncomingMessage

CHANNEL = "telegram"


def to_incoming(payload: dict[str, Any]) -> IncomingMessage | None:
    """Map an update to what the dialogue reads; None for updates nobody needs to answer."""
    update = Update.de_json(payload, None)
    if update is None:
        return None
    chat = update.effective_chat
    # Only private chats: in groups the bot would read other people's messages.
    if chat is None or chat.type != ChatType.PRIVATE:
        return None
    user = update.effective_user
    hint = user.language_code if user else None
    common: dict[str, Any] = {
        "channel": CHANNEL,
        "chat_id": str(chat.id),
        "message_id": str(update.update_id),
        "language_hint": hint,
    }
    member = update.my_chat_member
    if member is not None:
        # The person blocked the bot ("kicked" it from their private chat): what the bot kept
        # of them is erased. Unblocking says nothing to answer: they write /start again.
        if member.new_chat_member.status == ChatMemberStatus.BANNED:
            return IncomingMessage(kind="left", **common)
        return None
    if update.callback_query is not None:
        return IncomingMessage(
            kind="button",
            payload=update.callback_query.data or "",
            callback_id=update.callback_query.id,
            **common,
        )
    message = update.message or update.edited_message
    if message is None:
        return None
    # A photo, video or file sent with words: the words are the message ("he did this to me",
    # a letter with "what does this mean?"). The bot cannot look at the picture itself.
    words = (message.text or message.caption or "").strip()
    if words:
        if message.text is None:
            return IncomingMessage(kind="text", text=words, media=True, **common)
        is_command = words.startswith("/") and len(words) > 1
        return IncomingMessage(kind="command" if is_command else "text", text=words, **common)
    if message.location is not None:
        return IncomingMessage(
            kind="location",
            latitude=message.location.latitude,
            longitude=message.location.longitude,
            **common,
        )
    return IncomingMessage(kind="unsupported", **common)
