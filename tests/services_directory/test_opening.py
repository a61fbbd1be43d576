"""Open or closed at a moment: weekly hours, overnight hours, closures, validity dates."""

from __future__ import annotations

import datetime as dt

import pytest

from services_directory.search.opening import Period, is_open, next_change

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")
EVERY_DAY = (*WEEKDAYS, "SA", "SU")
MONDAY = dt.date(2026, 12, 7)


def at(day_offset: int, hhmm: str) -> dt.datetime:
    """A local moment `day_offset` days after Monday 7 December 2026."""
    return dt.datetime.combine(MONDAY + dt.timedelta(days=day_offset), dt.time.fromisoformat(hhmm))


def period(days: tuple[str, ...], opens: str, closes: str, **kwargs: object) -> Period:
    return Period(days, dt.time.fromisoformat(opens), dt.time.fromisoformat(closes), **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(0, "08:59"), False),
        (at(0, "09:00"), True),
        (at(0, "16:59"), True),
        (at(0, "17:00"), False),
        (at(5, "10:00"), False),  # Saturday
    ],
)
def test_office_hours(moment: dt.datetime, expected: bool) -> None:
    assert is_open([period(WEEKDAYS, "09:00", "17:00")], moment) is expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(0, "19:59"), False),
        (at(0, "20:00"), True),
        (at(0, "23:59"), True),
        (at(1, "00:00"), True),  # Monday's night goes on into Tuesday
        (at(1, "07:59"), True),
        (at(1, "08:00"), False),
        (at(5, "02:00"), True),  # Friday night into Saturday
        (at(6, "02:00"), False),  # Saturday night is not a listed night
        (at(0, "02:00"), False),  # Sunday night is not listed either
    ],
)
def test_night_shelter_across_midnight(moment: dt.datetime, expected: bool) -> None:
    assert is_open([period(WEEKDAYS, "20:00", "08:00")], moment) is expected


def test_open_all_day_includes_the_last_minute() -> None:
    always = [period(EVERY_DAY, "00:00", "23:59")]
    assert is_open(always, at(2, "23:59:30"))
    assert is_open(always, at(3, "00:00"))


def test_closure_wins_over_opening_hours() -> None:
    periods = [
        period(WEEKDAYS, "09:00", "17:00"),
        period(EVERY_DAY, "00:00", "23:59", closed=True, valid_from=at(2, "00:00").date(),
               valid_to=at(3, "00:00").date()),
    ]  # fmt: skip
    assert is_open(periods, at(1, "10:00"))
    assert not is_open(periods, at(2, "10:00"))
    assert not is_open(periods, at(3, "10:00"))
    assert is_open(periods, at(4, "10:00"))


def test_seasonal_hours_only_apply_within_their_dates() -> None:
    winter = period(EVERY_DAY, "19:00", "09:00", valid_from=dt.date(2026, 11, 1),
                    valid_to=dt.date(2027, 3, 31))  # fmt: skip
    assert is_open([winter], at(0, "22:00"))
    assert not is_open([winter], dt.datetime.combine(dt.date(2027, 4, 10), dt.time(22)))
    # The night that started on the last valid day still ends in the morning.
    assert is_open([winter], dt.datetime.combine(dt.date(2027, 4, 1), dt.time(6)))


def test_next_change_is_the_closing_time_while_open_and_the_next_opening_after() -> None:
    periods = [period(WEEKDAYS, "09:00", "13:00"), period(("TU",), "14:00", "17:00")]
    assert next_change(periods, at(0, "10:00")) == at(0, "13:00")
    assert next_change(periods, at(0, "13:00")) == at(1, "09:00")
    assert next_change(periods, at(1, "13:30")) == at(1, "14:00")
    assert next_change(periods, at(4, "13:00")) == at(7, "09:00")  # Friday to Monday


def test_next_change_skips_a_closure_and_follows_a_night_past_midnight() -> None:
    periods = [
        period(WEEKDAYS, "09:00", "17:00"),
        period(EVERY_DAY, "00:00", "23:59", closed=True, valid_from=at(1, "00:00").date(),
               valid_to=at(2, "00:00").date()),
    ]  # fmt: skip
    assert next_change(periods, at(0, "18:00")) == at(3, "09:00")
    assert next_change([period(WEEKDAYS, "20:00", "08:00")], at(0, "23:00")) == at(1, "08:00")


def test_next_change_is_none_when_nothing_changes_within_the_horizon() -> None:
    assert next_change([period(EVERY_DAY, "00:00", "23:59")], at(0, "12:00")) is None
    assert next_change([], at(0, "12:00")) is None
