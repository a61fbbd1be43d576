"""Updates shaped as the Bot API delivers them (https://core.telegram.org/bots/api#update)."""

from __future__ import annotations

import time
from typing import Any


def _user(chat_id: int, language_code: str | None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": chat_id, "is_bot": False, "first_name": "Amal"}
    if language_code:
        user["language_code"] = language_code
    return user


def _private_chat(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "first_name": "Amal", "type": "private"}


def text(
    update_id: int, chat_id: int, body: str, language_code: str | None = None
) -> dict[str, Any]:
    """A private text message; a leading `/` makes it a command with its entity."""
    message: dict[str, Any] = {
        "message_id": update_id % 100000,
        "from": _user(chat_id, language_code),
        "chat": _private_chat(chat_id),
        "date": int(time.time()),
        "text": body,
    }
    if body.startswith("/"):
        length = len(body.split()[0])
        message["entities"] = [{"offset": 0, "length": length, "type": "bot_command"}]
    return {"update_id": update_id, "message": message}


def button(
    update_id: int, chat_id: int, data: str, language_code: str | None = None
) -> dict[str, Any]:
    """An inline-keyboard button press (callback query) on a message the bot sent."""
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"{chat_id}{update_id}",
            "from": _user(chat_id, language_code),
            "chat_instance": "-4711",
            "data": data,
            "message": {
                "message_id": 7,
                "from": {"id": 123456, "is_bot": True, "first_name": "Dalil"},
                "chat": _private_chat(chat_id),
                "date": int(time.time()),
                "text": "…",
            },
        },
    }


def sticker(update_id: int, chat_id: int) -> dict[str, Any]:
    """A sticker in a private chat."""
    update = text(update_id, chat_id, "x")
    del update["message"]["text"]
    update["message"]["sticker"] = {
        "file_id": "CAACAgIAAxkBAAE", "file_unique_id": "AgADAQAD", "type": "regular",
        "width": 512, "height": 512, "is_animated": False, "is_video": False,
    }  # fmt: skip
    return update


def group_text(update_id: int, chat_id: int, body: str) -> dict[str, Any]:
    """A text message in a group the bot was added to."""
    update = text(update_id, 999, body)
    update["message"]["chat"] = {"id": chat_id, "title": "Neighbours", "type": "group"}
    return update


def my_chat_member(update_id: int, chat_id: int) -> dict[str, Any]:
    """The user blocked the bot: no message in it."""
    member = {"user": {"id": 123456, "is_bot": True, "first_name": "Dalil"}}
    return {
        "update_id": update_id,
        "my_chat_member": {
            "chat": _private_chat(chat_id),
            "from": _user(chat_id, None),
            "date": int(time.time()),
            "old_chat_member": {**member, "status": "member"},
            "new_chat_member": {**member, "status": "kicked", "until_date": 0},
        },
    }


def voice(update_id: int, chat_id: int) -> dict[str, Any]:
    """A voice note in a private chat."""
    update = text(update_id, chat_id, "x")
    del update["message"]["text"]
    update["message"]["voice"] = {
        "file_id": "AwACAgQAAxkBAAI", "file_unique_id": "AgADBAAD", "duration": 4,
        "mime_type": "audio/ogg", "file_size": 9120,
    }  # fmt: skip
    return update


def photo(update_id: int, chat_id: int, caption: str | None = None) -> dict[str, Any]:
    """A photo (say, of a letter from the prefecture), with no caption unless one is given."""
    update = text(update_id, chat_id, "x")
    del update["message"]["text"]
    if caption is not None:
        update["message"]["caption"] = caption
    update["message"]["photo"] = [
        {"file_id": "AgACAgQAAxkBAAI-s", "file_unique_id": "AQADs", "width": 90, "height": 67},
        {"file_id": "AgACAgQAAxkBAAI-m", "file_unique_id": "AQADm", "width": 320, "height": 240},
    ]
    return update


def location(update_id: int, chat_id: int, latitude: float, longitude: float) -> dict[str, Any]:
    """A location shared with the location button or the attachment menu."""
    update = text(update_id, chat_id, "x")
    del update["message"]["text"]
    update["message"]["location"] = {"latitude": latitude, "longitude": longitude}
    return update


def edited_text(update_id: int, chat_id: int, body: str) -> dict[str, Any]:
    """A text message the person corrected after sending it."""
    update = text(update_id, chat_id, body)
    message = update.pop("message")
    message["edit_date"] = message["date"] + 5
    return {"update_id": update_id, "edited_message": message}
