"""A Reply as WhatsApp Cloud API messages, within the platform's limits.

The message type follows the number of buttons:
- none: text messages of at most 4096 characters, split between services;
- 1 to 3: one "button" message (titles of at most 20 characters);
- 4 to 10: one "list" message, one section (row titles of at most 24 characters; a title that
  had to be shortened is given whole, up to 72 characters, as the row's description);
- more than 10: several list messages of at most 10 rows each, in order. The dialogue keeps
  no notion of "the second page of this menu", so a "more" row would need a payload it does
  not understand; a second list carries the remaining choices with nothing to remember.
An interactive body holds at most 1024 characters: the text before it goes first as plain
text, so the buttons always come with the last part of the reply.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import has_catalog, translations
from bot.messages import Button, Reply, Template
from bot.splitting import ELLIPSIS, shorten, split_tail, split_text, units

TEXT_MAX = 4096
INTERACTIVE_BODY_MAX = 1024
BUTTONS_MAX = 3
BUTTON_TITLE_MAX = 20
BUTTON_ID_MAX = 256
ROWS_MAX = 10
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72
ROW_ID_MAX = 200
# The list's opening button: the menu symbol, and a word in the reply's language when the
# dialogue marked it with one (a campaign's message is not: the symbol alone).
LIST_BUTTON = "☰"
LIST_BUTTON_MAX = 20


def list_button(language: str | None) -> str:
    """Return the label of the button that opens a list, in `language` if given."""
    if language is None or not has_catalog(language):
        return LIST_BUTTON
    # Translators: the button that opens a WhatsApp list of choices (at most 18 characters).
    word = translations(language).gettext("Choose")
    return shorten(f"{LIST_BUTTON} {word}", LIST_BUTTON_MAX)


def _unique_titles(labels: list[str], limit: int) -> list[str]:
    """Shorten labels to `limit`; number those that shortening made identical."""
    titles = [shorten(label, limit) for label in labels]
    seen: set[str] = set()
    for index, title in enumerate(titles):
        number = 2
        while title in seen:
            suffix = f" {number}"
            title = shorten(labels[index], limit - units(suffix)) + suffix
            number += 1
        seen.add(title)
        titles[index] = title
    return titles


def _check_ids(buttons: list[Button], limit: int) -> None:
    # Payloads come from the dialogue and are short; cutting one would break what it means.
    for button in buttons:
        if not button.payload or len(button.payload) > limit:
            raise ValueError(f"button payload of {len(button.payload)} characters")


def text_message(body: str) -> dict[str, Any]:
    """Return a plain text message."""
    return {"type": "text", "text": {"preview_url": False, "body": body}}


def button_message(body: str, buttons: list[Button]) -> dict[str, Any]:
    """Return an interactive message with 1 to 3 reply buttons."""
    _check_ids(buttons, BUTTON_ID_MAX)
    titles = _unique_titles([b.label for b in buttons], BUTTON_TITLE_MAX)
    return {
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": body},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": b.payload, "title": title}}
                    for b, title in zip(buttons, titles, strict=True)
                ]
            },
        },
    }


def _row(button: Button, title: str) -> dict[str, Any]:
    row = {"id": button.payload, "title": title}
    if title != button.label.strip():
        row["description"] = shorten(button.label, ROW_DESCRIPTION_MAX)
    return row


def list_message(body: str, buttons: list[Button], button: str = LIST_BUTTON) -> dict[str, Any]:
    """Return an interactive list message with one section of 1 to 10 rows."""
    _check_ids(buttons, ROW_ID_MAX)
    titles = _unique_titles([b.label for b in buttons], ROW_TITLE_MAX)
    rows = [_row(b, title) for b, title in zip(buttons, titles, strict=True)]
    return {
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": body},
            "action": {"button": button, "sections": [{"rows": rows}]},
        },
    }


# The codes WhatsApp has templates in, for the languages Dalil speaks or may soon (Meta's list,
# reference/platforms.md §3.6); Portuguese is the one spoken in Lisbon.
_TEMPLATE_CODES = {
    "ar": "ar", "fr": "fr", "en": "en", "es": "es", "it": "it", "pt": "pt_PT", "de": "de",
    "fa": "fa", "uk": "uk", "tr": "tr", "ru": "ru", "ur": "ur", "ha": "ha", "sw": "sw",
}  # fmt: skip
# Meta has no templates in Tigrinya, Amharic, Somali, Pashto, Kurdish, Bambara, Wolof or
# Berber: a template for those goes in the language most of their speakers here also read.
_TEMPLATE_FALLBACKS = {"ti": "en", "am": "en", "so": "en", "ps": "fa", "ku": "ar", "bm": "fr",
                       "wo": "fr", "zgh": "fr", "kab": "fr"}  # fmt: skip
_TEMPLATE_DEFAULT = "en"


def template_language(locale: str) -> str:
    """Return the WhatsApp template language code for a locale, falling back where Meta has none."""
    language = locale.replace("-", "_").split("_")[0].lower()
    if language in _TEMPLATE_CODES:
        return _TEMPLATE_CODES[language]
    return _TEMPLATE_CODES[_TEMPLATE_FALLBACKS.get(language, _TEMPLATE_DEFAULT)]


def template_message(template: Template) -> dict[str, Any]:
    """Return a template message (the only kind allowed outside the 24-hour window)."""
    body: dict[str, Any] = {"name": template.name, "language": {"code": template.language}}
    if template.parameters:
        body["components"] = [
            {
                "type": "body",
                "parameters": [{"type": "text", "text": p} for p in template.parameters],
            }
        ]
    return {"type": "template", "template": body}


def location_request_message(body: str) -> dict[str, Any]:
    """Return an interactive message asking the person to share their location."""
    return {
        "type": "interactive",
        "interactive": {
            "type": "location_request_message",
            "body": {"text": body},
            "action": {"name": "send_location"},
        },
    }


def render(reply: Reply) -> list[dict[str, Any]]:
    """Return the messages that carry `reply`, in the order to send them."""
    if reply.location_request:
        leading, body = split_tail(reply.text, INTERACTIVE_BODY_MAX, TEXT_MAX)
        return [*(text_message(c) for c in leading), location_request_message(body or ELLIPSIS)]
    options = [button for row in reply.buttons for button in row]
    if not options:
        return [text_message(chunk) for chunk in split_text(reply.text, TEXT_MAX)]
    leading, body = split_tail(reply.text, INTERACTIVE_BODY_MAX, TEXT_MAX)
    messages = [text_message(chunk) for chunk in leading]
    body = body or ELLIPSIS  # an interactive message must have a body
    if len(options) <= BUTTONS_MAX:
        return [*messages, button_message(body, options)]
    groups = [options[i : i + ROWS_MAX] for i in range(0, len(options), ROWS_MAX)]
    button = list_button(reply.language)
    for number, group in enumerate(groups, start=1):
        text = body if number == 1 else f"({number}/{len(groups)})"
        messages.append(list_message(text, group, button))
    return messages
