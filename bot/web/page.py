"""The chat page: server-rendered HTML in the person's language, one script, one stylesheet.

Nothing comes from another site and no script is inline, so the page runs under a strict
Content-Security-Policy. The page may be shown inside a city's website (an iframe): the
sites allowed to do so are the policy's `frame-ancestors`, from CHAT_FRAME_ANCESTORS.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from html import escape
from pathlib import Path
from string import Template

from babel import Locale

from bot.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES, is_rtl, translations
from bot.web.assets import Asset
from core.languages import NATIVE_NAMES

STATIC = Path(__file__).resolve().parent / "static"
_PAGE = Template((STATIC / "chat.html").read_text(encoding="utf-8"))
_MEDIA_TYPES = {
    "chat.js": "text/javascript; charset=utf-8",
    "chat.css": "text/css; charset=utf-8",
    "icon.svg": "image/svg+xml",
}
_JSON = "application/json"


def choose_locale(asked: str | None, accept_language: str | None) -> str:
    """Return the page's locale: `?lang=`, else the browser's preference, else English."""
    if asked in SUPPORTED_LOCALES:
        return asked
    preferred = [
        part.split(";")[0].strip().replace("-", "_") for part in (accept_language or "").split(",")
    ]
    found = Locale.negotiate([p for p in preferred if p], list(SUPPORTED_LOCALES), sep="_")
    return str(found.language) if found is not None else DEFAULT_LOCALE


def _words(locale: str) -> dict[str, str]:
    """The words the script shows in `locale` (the dialogue's words come with its replies)."""
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
        # Translators: under a message of the person's that did not reach Dalil.
        "not_sent": t.gettext("Not sent."),
        # Translators: a button under a message that did not reach Dalil; sends it again.
        "send_again": t.gettext("Send again"),
        "dir": "rtl" if is_rtl(locale) else "ltr",
    }


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


@cache
def _word_files() -> dict[str, bytes]:
    """One file of words per locale, fetched only when the person changes language in the
    conversation (the page carries its own locale's words)."""
    return {f"words-{code}.json": _json(_words(code)) for code in SUPPORTED_LOCALES}


@cache
def _words_version() -> str:
    """One version names every file of words: it changes when any of them does."""
    return hashlib.sha256(b"".join(_word_files().values())).hexdigest()[:16]


@cache
def files() -> dict[str, Asset]:
    """Return the page's files by name, ready to serve."""
    static = {name: (STATIC / name).read_bytes() for name in _MEDIA_TYPES}
    return {
        **{name: Asset.of(body, _MEDIA_TYPES[name]) for name, body in static.items()},
        **{name: Asset.of(body, _JSON) for name, body in _word_files().items()},
    }


def version(name: str) -> str:
    """Return the version a page asks for file `name` with (`?v=`): it changes with the file."""
    return _words_version() if name in _word_files() else files()[name].digest


def _url(name: str) -> str:
    return f"/chat/{name}?v={version(name)}"


def _language_links(current: str) -> str:
    links = []
    for code, name in NATIVE_NAMES.items():
        marker = ' aria-current="page"' if code == current else ""
        links.append(f'<a href="?lang={code}" lang="{code}" hreflang="{code}"{marker}>{name}</a>')
    return "\n      ".join(links)


def render(locale: str) -> str:
    """Return the chat page in `locale`."""
    words = _words(locale)
    t = translations(locale)
    noscript = t.gettext(
        "This chat needs JavaScript. You can also write to Dalil on Telegram or WhatsApp."
    )
    data = {
        "locale": locale,
        "words": words,
        "more_words": f"/chat/words-{{code}}.json?v={_words_version()}",
    }
    # Inside a <script> data block, "</" would end it early.
    script_data = _json(data).decode().replace("<", "\\u003c")
    return _PAGE.substitute(
        lang=locale,
        language_links=_language_links(locale),
        data=script_data,
        style_url=_url("chat.css"),
        script_url=_url("chat.js"),
        icon_url=_url("icon.svg"),
        noscript=escape(noscript),
        **{name: escape(value) for name, value in words.items()},
    )


@cache
def page(locale: str) -> Asset:
    """Return the chat page in `locale`, ready to serve (it holds nothing of anyone)."""
    return Asset.of(render(locale).encode(), "text/html; charset=utf-8")


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
