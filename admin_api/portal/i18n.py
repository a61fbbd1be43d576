"""The portal's languages: its own gettext domain, in the catalogs' folder the bot uses too."""

from __future__ import annotations

import datetime as dt
from functools import cache

from babel import Locale
from babel.dates import format_date, get_day_names
from babel.support import NullTranslations, Translations
from starlette.requests import Request

from core.languages import ICAL_DAYS, NATIVE_NAMES
from core.settings import PROJECT_ROOT

# One folder of catalogs for the whole project (`make catalogs`); the portal's strings are
# their own domain, so translators of the bot's dialogue never see staff jargon and back.
LOCALES_DIR = PROJECT_ROOT / "bot" / "locales"
DOMAIN = "portal"
DEFAULT = "en"
# Each language named in its own script, for the language links; French first.
LANGUAGES = {
    code: NATIVE_NAMES[code]
    for code in ("fr", "ar", "en", "es", "it", "pt", "de", "fa", "uk", "tr")
}
LANGUAGE_COOKIE = "dalil_lang"
DAYS = ICAL_DAYS


@cache
def translations(locale: str) -> NullTranslations:
    """Return the compiled portal catalog of `locale` (English msgids without one)."""
    return Translations.load(str(LOCALES_DIR), [locale], DOMAIN)


def is_rtl(locale: str) -> bool:
    """Tell whether `locale` is written right to left."""
    return Locale.parse(locale).character_order == "right-to-left"


def day_names(locale: str) -> dict[str, str]:
    """Return the weekdays' names in `locale`, keyed by their iCalendar code (MO...SU)."""
    names = get_day_names("wide", locale=locale)
    return {code: names[index] for index, code in enumerate(DAYS)}


def _accepted(header: str) -> list[str]:
    ranked: list[tuple[float, str]] = []
    for part in header.split(",")[:20]:
        tag, _, quality = part.strip().partition(";q=")
        try:
            ranked.append((float(quality) if quality else 1.0, tag.split("-")[0].lower()))
        except ValueError:
            continue
    return [tag for _q, tag in sorted(ranked, key=lambda r: -r[0])]


def chosen(request: Request) -> str:
    """Return the page's language: `?lang=`, else the cookie, else the browser's, else English."""
    asked = [request.query_params.get("lang", ""), request.cookies.get(LANGUAGE_COOKIE, "")]
    for tag in [*asked, *_accepted(request.headers.get("accept-language", ""))]:
        if tag in LANGUAGES:
            return tag
    return DEFAULT


def long_date(day: dt.date, locale: str) -> str:
    """Return a date as the reader writes it ("6 décembre 2026"), kept whole on one line."""
    words = format_date(day, "long", locale=locale).replace(" ", "\u00a0")
    # Isolated (FSI…PDI), so a right-to-left sentence keeps it whole too.
    return f"\u2068{words}\u2069"
