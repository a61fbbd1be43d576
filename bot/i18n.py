"""Interface languages, gettext catalogs and locale-aware formatting."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton, get_day_names
from babel.support import NullTranslations, Translations

from core.languages import ICAL_DAYS, NATIVE_NAMES

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"
DEFAULT_LOCALE = "en"
SUPPORTED_LOCALES = tuple(NATIVE_NAMES)

# Unicode first-strong isolate / pop directional isolate: keeps a Latin address or a phone
# number in one piece, left to right, inside right-to-left text.
_FSI, _PDI = "\u2068", "\u2069"


def supported(code: str | None) -> str | None:
    """Return the interface locale for a language tag such as `ar-MA` or `fr`, or None."""
    if not code:
        return None
    language = code.replace("-", "_").split("_")[0].lower()
    return language if language in NATIVE_NAMES else None


@cache
def translations(locale: str) -> NullTranslations:
    """Return the compiled catalog of `locale` (the English msgids when there is none)."""
    return Translations.load(str(LOCALES_DIR), [locale], DOMAIN)


def has_catalog(locale: str) -> bool:
    """Tell whether a compiled catalog exists for `locale`."""
    return isinstance(translations(locale), Translations)


def is_rtl(locale: str) -> bool:
    """Tell whether `locale` is written right to left."""
    return Locale.parse(locale).character_order == "right-to-left"


def isolate(text: str, locale: str) -> str:
    """Wrap a left-to-right fragment so it renders intact inside right-to-left text."""
    return f"{_FSI}{text}{_PDI}" if text and is_rtl(locale) else text


def language_name(code: str, locale: str) -> str:
    """Return the name of language `code` in `locale` ("arabe" for ar in French)."""
    try:
        name = Locale.parse(code).get_display_name(locale)
    except (ValueError, UnknownLocaleError):
        return code
    return name or code


def _time(value: str, locale: str) -> str:
    hours, minutes = (int(part) for part in value.split(":"))
    return format_skeleton("Hm", dt.time(hours, minutes), locale=locale)


def list_separator(locale: str) -> str:
    """Return the separator between list items in `locale` (`, ` in English, `، ` in Arabic)."""
    middle: str = Locale.parse(locale).list_patterns["standard"]["middle"]
    return middle.replace("{0}", "").replace("{1}", "")


def _day_runs(days: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for day in sorted(days):
        if runs and runs[-1][1] == day - 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


# How listings write "until midnight" (24:00 is no time of day) and "from midnight".
_UNTIL_MIDNIGHT, _MIDNIGHT = "23:59", "00:00"


def _join_nights(by_day: dict[int, list[tuple[str, str]]]) -> None:
    """Write a night as one period of the evening it starts: a period until midnight and one
    from midnight the next day are the same night (a shelter's "19:30–08:00"), however the
    listing split it."""
    for day, spans in sorted(by_day.items()):
        for index, (opens, closes) in enumerate(spans):
            if closes != _UNTIL_MIDNIGHT or opens == _MIDNIGHT:
                continue  # not an evening (a whole day joins no night)
            morning = by_day.get((day + 1) % len(ICAL_DAYS), [])
            after = next(
                (s for s in morning if s[0] == _MIDNIGHT and s[1] != _UNTIL_MIDNIGHT), None
            )
            if after is not None:
                morning.remove(after)
                spans[index] = (opens, after[1])
    for day in [day for day, spans in by_day.items() if not spans]:
        del by_day[day]


def format_opening_hours(periods: list[tuple[tuple[str, ...], str, str]], locale: str) -> str:
    """Return weekly opening hours as `Mon–Fri 09:00–13:00 · Sat 10:00–12:00` in `locale`."""
    by_day: dict[int, list[tuple[str, str]]] = {}
    for days, opens, closes in periods:
        for code in days:
            if code in ICAL_DAYS:
                by_day.setdefault(ICAL_DAYS.index(code), []).append((opens, closes))
    _join_nights(by_day)
    by_hours: dict[tuple[tuple[str, str], ...], list[int]] = {}
    for day, hours in sorted(by_day.items()):
        by_hours.setdefault(tuple(sorted(hours)), []).append(day)
    names = get_day_names("abbreviated", locale=locale)
    separator = list_separator(locale)
    parts = []
    for spans, day_numbers in sorted(by_hours.items(), key=lambda item: item[1][0]):
        day_text = separator.join(
            names[a] if a == b else f"{names[a]}–{names[b]}" for a, b in _day_runs(day_numbers)
        )
        hour_text = separator.join(f"{_time(o, locale)}–{_time(c, locale)}" for o, c in spans)
        parts.append(f"{day_text} {hour_text}")
    return " · ".join(parts)


def always_open(periods: list[tuple[tuple[str, ...], str, str]]) -> bool:
    """Tell whether the periods cover every day, around the clock."""
    covered = {
        code
        for days, opens, closes in periods
        if (opens, closes) == ("00:00", "23:59")
        for code in days
    }
    return covered >= set(ICAL_DAYS)
