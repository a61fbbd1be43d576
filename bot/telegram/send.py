"""Sending replies through the Telegram Bot API with python-telegram-bot."""

from __future__ import annotations

from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit
from telegram.request import HTTPXRequest

from bot.messages import Reply


def build_bot(token: str, base_url: str, *, timeout_s: float = 10.0) -> Bot:
    """Return a Bot whose API calls go to `base_url` + token (Telegram's or a stand-in)."""
    request = HTTPXRequest(connection_pool_size=8, read_timeout=timeout_s, write_timeout=timeout_s)
    return Bot(token=token, base_url=base_url, request=request)


def _keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.payload) for b in row]
         for row in reply.buttons]
    )  # fmt: skip


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Split at blank lines so no service is cut in half; hard-split only a giant block."""
    chunks: list[str] = []
    current = ""
    for block in text.split("\n\n"):
        candidate = f"{current}\n\n{block}" if current else block
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        while len(block) > limit:
            chunks.append(block[:limit])
            block = block[limit:]
        current = block
    if current:
        chunks.append(current)
    return chunks


async def send(bot: Bot, envelope: dict[str, Any]) -> None:
    """Deliver one outbound envelope: answer the button press, then send the reply."""
    if envelope.get("callback_id"):
        await bot.answer_callback_query(envelope["callback_id"])
    if envelope.get("reply"):
        reply = Reply.from_dict(envelope["reply"])
        chunks = split_text(reply.text)
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            await bot.send_message(
                chat_id=int(envelope["chat_id"]),
                text=chunk,
                reply_markup=_keyboard(reply) if last else None,
            )
