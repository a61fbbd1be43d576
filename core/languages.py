"""Dalil's interface languages, each named in its own script: the bot's and the portal's."""

from __future__ import annotations

NATIVE_NAMES = {
    "ar": "العربية",
    "fr": "Français",
    "en": "English",
    "es": "Español",
    "it": "Italiano",
    "pt": "Português",
    "de": "Deutsch",
    "fa": "فارسی",
    "uk": "Українська",
    "tr": "Türkçe",
}
# The days of the week as iCalendar names them (opening hours are stored that way).
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
