"""Catalogs complete and correct; hours, languages and directions formatted per locale."""

from __future__ import annotations

import pytest

from bot.i18n import (
    SUPPORTED_LOCALES,
    always_open,
    format_opening_hours,
    has_catalog,
    is_rtl,
    isolate,
    supported,
    translations,
)

# Complete catalogs, plural forms and placeholders: test_catalogs.py, through the make step.


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_compiled_catalogs_are_loaded(locale: str) -> None:
    assert has_catalog(locale), "run `make catalogs`: the .mo files are build outputs"


def test_translations_are_used() -> None:
    assert translations("ar").gettext("Which city are you in?") == "في أي مدينة أنت؟"
    assert translations("fr").gettext("Which city are you in?") == "Dans quelle ville êtes-vous ?"
    assert translations("en").gettext("Which city are you in?") == "Which city are you in?"


def test_arabic_counts_take_the_form_their_number_needs() -> None:
    # Babel's Arabic plural forms: 4 is 100-102 ("100 يوم"), 5 is 11-99 ("30 يومًا"), as the
    # welcome message's 30 days read.
    t = translations("ar")
    days = {n: t.ngettext("{count} day", "{count} days", n).format(count=n) for n in (3, 30, 100)}
    assert days == {3: "3 أيام", 30: "30 يومًا", 100: "100 يوم"}


def test_opening_hours_group_days_and_use_the_locale() -> None:
    periods = [
        (("MO", "TU", "WE", "TH", "FR"), "09:00", "13:00"),
        (("MO", "WE"), "15:00", "18:00"),
        (("SA",), "10:00", "12:00"),
    ]
    assert format_opening_hours(periods, "en") == (
        "Mon, Wed 09:00–13:00, 15:00–18:00 · Tue, Thu–Fri 09:00–13:00 · Sat 10:00–12:00"
    )
    assert format_opening_hours([(("MO", "TU", "WE"), "08:30", "16:00")], "fr") == (
        "lun.–mer. 08:30–16:00"
    )
    assert format_opening_hours([(("SA", "SU"), "09:00", "12:00")], "ar") == (
        "السبت–الأحد 09:00–12:00"
    )


def test_a_night_across_midnight_reads_as_one_period() -> None:
    every_day: tuple[str, ...] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
    # However the listing split it: until midnight, then from midnight the next day.
    shelter = [(every_day, "19:30", "23:59"), (every_day, "00:00", "08:00")]
    assert format_opening_hours(shelter, "en") == "Mon–Sun 19:30–08:00"
    assert format_opening_hours(shelter, "fr") == "lun.–dim. 19:30–08:00"
    assert format_opening_hours([(every_day, "19:30", "08:00")], "en") == "Mon–Sun 19:30–08:00"
    # Sunday night ends on Monday; Friday's night ends on Saturday, and Saturday's evening
    # has no morning after it.
    weekend = [
        (("FR", "SA", "SU"), "22:00", "23:59"),
        (("MO", "SA"), "00:00", "06:00"),
        (("MO",), "09:00", "12:00"),
    ]
    assert format_opening_hours(weekend, "en") == (
        "Mon 09:00–12:00 · Fri, Sun 22:00–06:00 · Sat 22:00–23:59"
    )
    # A morning after no evening, and whole days, stay as they are.
    assert format_opening_hours([(("TU",), "00:00", "08:00")], "en") == "Tue 00:00–08:00"
    whole = [(("MO", "TU"), "00:00", "23:59"), (("WE",), "00:00", "08:00")]
    assert format_opening_hours(whole, "en") == "Mon–Tue 00:00–23:59 · Wed 00:00–08:00"


def test_always_open() -> None:
    every_day = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
    assert always_open([(every_day, "00:00", "23:59")])
    assert not always_open([(every_day[:6], "00:00", "23:59")])


def test_direction_and_isolation() -> None:
    assert is_rtl("ar")
    assert not is_rtl("fr")
    assert isolate("+212 539 00 01 01", "ar") == "\u2068+212 539 00 01 01\u2069"
    assert isolate("+33 1 99 00 00 01", "fr") == "+33 1 99 00 00 01"


def test_persian_is_right_to_left() -> None:
    assert is_rtl("fa")
    assert isolate("+212 539 00 01 01", "fa") == "\u2068+212 539 00 01 01\u2069"


@pytest.mark.parametrize(
    ("tag", "locale"),
    [
        ("ar-MA", "ar"),
        ("fr", "fr"),
        ("en_GB", "en"),
        ("pt-BR", "pt"),
        ("fa-AF", "fa"),
        ("zh-CN", None),
        (None, None),
        ("", None),
    ],
)
def test_supported(tag: str | None, locale: str | None) -> None:
    assert supported(tag) == locale
