"""Sending replies through the Telegram Bot API with python-telegram-bot."""

from __future__ import annotations

import datetime as dt
from functools import partial

from redis.asyncio import Redis
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from telegram.constants import MessageLimit
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.messages import Reply
from bot.outbound import Outbound
from bot.sender import PermanentFailure, RetryLater, send_part_once
from bot.splitting import split_text
from bot.telegram.request import AiohttpRequest
from core.http import proxy_for


def build_bot(token: str, base_url: str, *, timeout_s: float = 10.0) -> Bot:
    """Return a Bot whose API calls go to `base_url` + token (Telegram's or a stand-in)."""
    proxy = proxy_for(base_url)
    request = AiohttpRequest(connections=8, read_timeout=timeout_s, proxy=proxy)
    # Long polling (bot/telegram/polling.py) has its own connection, as in PTB.
    updates = AiohttpRequest(connections=1, read_timeout=timeout_s, proxy=proxy)
    return Bot(token=token, base_url=base_url, request=request, get_updates_request=updates)


async def close_bot(bot: Bot) -> None:
    """Shut `bot` down with its connections, also when nobody initialised it: a process with
    only the sender's role sends through it uninitialised, and PTB's shutdown then does
    nothing. Shutting the request down twice is harmless."""
    await bot.shutdown()
    await bot.request.shutdown()


def _keyboard(reply: Reply) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
    if reply.location_request:
        button = KeyboardButton(reply.location_request, request_location=True)
        return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.payload) for b in row]
         for row in reply.buttons]
    )  # fmt: skip


def _seconds(value: int | float | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


async def _send(bot: Bot, redis: Redis, outbound: Outbound) -> None:
    if outbound.callback_id:
        answer = partial(bot.answer_callback_query, outbound.callback_id)
        await send_part_once(redis, outbound, "callback", answer)
    reply = outbound.reply
    if reply is not None:
        chunks = split_text(reply.text, MessageLimit.MAX_TEXT_LENGTH)
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            message = partial(
                bot.send_message,
                chat_id=int(outbound.chat_id),
                text=chunk,
                reply_markup=_keyboard(reply) if last else None,
            )
            await send_part_once(redis, outbound, f"part:{index}", message)


async def send(bot: Bot, redis: Redis, outbound: Outbound) -> None:
    """Deliver one outbound message: answer the button press, then send the reply.

    Each platform call is marked once accepted, so a retry sends only what is missing.
    """
    try:
        await _send(bot, redis, outbound)
    # BadRequest is a NetworkError in PTB: it must be caught before the transient errors.
    except (BadRequest, Forbidden) as error:
        raise PermanentFailure(type(error).__name__) from error
    except RetryAfter as error:
        raise RetryLater("RetryAfter", _seconds(error.retry_after)) from error
    except TelegramError as error:
        raise RetryLater(type(error).__name__) from error
