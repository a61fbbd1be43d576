"""Whether a service is open at a moment, from its weekly hours and closures, in local time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Listings write "until midnight" as 23:59; it means the whole last minute too.
_END_OF_DAY = dt.time(23, 59)


@dataclass(frozen=True, slots=True)
class Period:
    """One schedule row: days, hours, optional validity dates, and whether it is a closure."""

    days: tuple[str, ...]
    opens_at: dt.time
    closes_at: dt.time
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    closed: bool = False

    def valid_on(self, day: dt.date) -> bool:
        """Tell whether the row applies on `day`."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def covers(self, moment: dt.datetime) -> bool:
        """Tell whether the row's hours include `moment` (naive, local time)."""
        day, time = moment.date(), moment.time()
        overnight = self.closes_at <= self.opens_at
        today = ICAL_DAYS[day.weekday()] in self.days and self.valid_on(day)
        if today and self.opens_at <= time and (overnight or self._before_close(time)):
            return True
        if overnight:
            # The part after midnight belongs to the row of the day before.
            yesterday = day - dt.timedelta(days=1)
            started = ICAL_DAYS[yesterday.weekday()] in self.days and self.valid_on(yesterday)
            return started and time < self.closes_at
        return False

    def _before_close(self, time: dt.time) -> bool:
        return self.closes_at == _END_OF_DAY or time < self.closes_at


def parse_time(value: str) -> dt.time:
    """Return the time of an `HH:MM` string."""
    return dt.time.fromisoformat(value)


def is_open(periods: Sequence[Period], moment: dt.datetime) -> bool:
    """Tell whether any opening covers `moment` and no closure does (local, naive time)."""
    if any(p.closed and p.covers(moment) for p in periods):
        return False
    return any(not p.closed and p.covers(moment) for p in periods)


# How far ahead the next opening is looked for: beyond, a card says only "closed now".
HORIZON_DAYS = 14


def next_change(periods: Sequence[Period], moment: dt.datetime) -> dt.datetime | None:
    """Return when the open/closed state next changes after `moment` (local, naive), or None.

    The state can change only where some row starts or ends, or at midnight (validity dates),
    so those moments are tried in order and the first with the other state is the answer.
    """
    now_open = is_open(periods, moment)
    start = moment.date()
    moments: set[dt.datetime] = set()
    for offset in range(HORIZON_DAYS + 1):
        day = start + dt.timedelta(days=offset)
        moments.add(dt.datetime.combine(day, dt.time()))
        for period in periods:
            moments.add(dt.datetime.combine(day, period.opens_at))
            # "Until 23:59" ends with the day: the next midnight is already a candidate.
            if period.closes_at != _END_OF_DAY:
                moments.add(dt.datetime.combine(day, period.closes_at))
    for candidate in sorted(m for m in moments if m > moment):
        if is_open(periods, candidate) != now_open:
            return candidate
    return None
