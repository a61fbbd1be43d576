"""The chat page: server-rendered HTML in the person's language, one script, one stylesheet.

Nothing comes from another site and no script is inline, so the page runs under a strict
Content-Security-Policy. The page may be shown inside a city's website (an iframe): the
sites allowed to do so are the policy's `frame-ancestors`, from CHAT_FRAME_ANCESTORS.
"""

from __future__ import annotations

import json
from functools import cache
from html import escape
from pathlib import Path
from string import Template

from babel import Locale

from bot.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES, is_rtl, translations
from core.languages import NATIVE_NAMES

STATIC = Path(__file__).resolve().parent / "static"
_PAGE = Template((STATIC / "chat.html").read_text(encoding="utf-8"))


def choose_locale(asked: str | None, accept_language: str | None) -> str:
    """Return the page's locale: `?lang=`, else the browser's preference, else English."""
    if asked in SUPPORTED_LOCALES:
        return asked
    preferred = [
        part.split(";")[0].strip().replace("-", "_") for part in (accept_language or "").split(",")
    ]
    found = Locale.negotiate([p for p in preferred if p], list(SUPPORTED_LOCALES), sep="_")
    return str(found.language) if found is not None else DEFAULT_LOCALE


def _strings(locale: str) -> dict[str, str]:
    """The page's own words in `locale` (the dialogue's words come with its replies)."""
    t = translations(locale)
    return {
        "title": t.gettext("Dalil: ask in your language"),
        "messages": t.gettext("Conversation"),
        "write": t.gettext("Write your message"),
        "send": t.gettext("Send"),
        "locate": t.gettext("Send my location"),
        "forget": t.gettext("Erase my conversation"),
        "offline": t.gettext("No connection. Trying again…"),
        "refused": t.gettext("This message could not be sent. Please try again."),
        "slow_down": t.gettext("Too many messages. Please wait a minute."),
        "no_location": t.gettext("Your browser did not share your location."),
        "languages": t.gettext("Languages"),
        "noscript": t.gettext(
            "This chat needs JavaScript. You can also write to Dalil on Telegram or WhatsApp."
        ),
        "dir": "rtl" if is_rtl(locale) else "ltr",
    }


@cache
def _all_strings() -> str:
    """The words of every locale, for the script to switch when a language is chosen."""
    data = json.dumps({code: _strings(code) for code in SUPPORTED_LOCALES}, ensure_ascii=False)
    # Inside a <script> data block, "</" would end it early.
    return data.replace("<", "\\u003c")


def _language_links(current: str) -> str:
    links = []
    for code, name in NATIVE_NAMES.items():
        marker = ' aria-current="page"' if code == current else ""
        links.append(f'<a href="?lang={code}" lang="{code}" hreflang="{code}"{marker}>{name}</a>')
    return "\n      ".join(links)


def render(locale: str) -> str:
    """Return the chat page in `locale`."""
    words = {name: escape(value) for name, value in _strings(locale).items()}
    return _PAGE.substitute(
        lang=locale,
        language_links=_language_links(locale),
        strings=_all_strings(),
        **words,
    )


def headers(frame_ancestors: str) -> dict[str, str]:
    """Return the security headers of the page and its files."""
    return {
        "Content-Security-Policy": (
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            "img-src 'self'; base-uri 'none'; form-action 'none'; "
            f"frame-ancestors {frame_ancestors}"
        ),
        # The page asks for a position only when the person presses the button.
        "Permissions-Policy": "geolocation=(self), camera=(), microphone=()",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
