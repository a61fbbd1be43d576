"""One row of the search index, with named fields: encoded and decoded here, side by side.

`index.refresh` writes rows and `service` reads them, in other processes and other releases
of the code, so both go through these records: a field added or moved on one side cannot be
forgotten on the other. The JSON inside a row (schedules, the card) is written with names,
never by position. `dalil db upgrade` rebuilds the index, so a change of shape here takes
effect at the next upgrade.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from services_directory.search.opening import Period, parse_time


def _codes(values: Iterable[str]) -> str:
    # ",ar,fr,", as the column has always held them: SQL finds a code with LIKE '%,ar,%'.
    return "," + ",".join(sorted(values)) + ","


def _decode_codes(text: str) -> tuple[str, ...]:
    return tuple(text[1:-1].split(",")) if len(text) > 2 else ()


# The names a schedule is written and read back with, in one place for both.
_PERIOD_FIELDS = ("byday", "opens_at", "closes_at", "valid_from", "valid_to", "closed")
_period_values = operator.itemgetter(*_PERIOD_FIELDS)


def _period(data: Mapping[str, Any]) -> Period:
    byday, opens_at, closes_at, valid_from, valid_to, closed = _period_values(data)
    return Period(
        tuple(byday.split(",")),
        parse_time(opens_at),
        parse_time(closes_at),
        dt.date.fromisoformat(valid_from) if valid_from else None,
        dt.date.fromisoformat(valid_to) if valid_to else None,
        closed,
    )


def _period_data(period: Period) -> dict[str, Any]:
    values = (
        ",".join(period.days),
        period.opens_at.strftime("%H:%M"),
        period.closes_at.strftime("%H:%M"),
        period.valid_from.isoformat() if period.valid_from else None,
        period.valid_to.isoformat() if period.valid_to else None,
        period.closed,
    )
    return dict(zip(_PERIOD_FIELDS, values, strict=True))


# Not frozen: the first search after an edit decodes every row of its city and category, and
# a frozen dataclass pays for each field it sets. Nothing changes one once it is decoded.
@dataclass(slots=True)
class IndexedService:
    """What search ranks and filters by: every column of a row but the card."""

    service_id: str
    city_id: str
    category: str
    district_key: str | None
    name_key: str
    latitude: float | None
    longitude: float | None
    is_free: bool
    languages: tuple[str, ...]  # sorted
    terms: tuple[str, ...]  # taxonomy term ids, sorted
    periods: tuple[Period, ...]  # openings and closures, local time of the city

    def columns(self) -> dict[str, Any]:
        """Return the row's column values (the card apart)."""
        return {
            "service_id": self.service_id,
            "city_id": self.city_id,
            "category": self.category,
            "district_key": self.district_key,
            "name_key": self.name_key,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "is_free": self.is_free,
            "languages": _codes(self.languages),
            "terms": _codes(self.terms),
            "schedules": json.dumps([_period_data(p) for p in self.periods]),
        }

    @classmethod
    def from_columns(cls, row: Mapping[Any, Any]) -> IndexedService:
        """Return the record of a row read with `columns()`'s names."""
        return cls(
            service_id=row["service_id"],
            city_id=row["city_id"],
            category=row["category"],
            district_key=row["district_key"],
            name_key=row["name_key"],
            latitude=row["latitude"],
            longitude=row["longitude"],
            is_free=row["is_free"],
            languages=_decode_codes(row["languages"]),
            terms=_decode_codes(row["terms"]),
            periods=tuple(_period(data) for data in json.loads(row["schedules"])),
        )


@dataclass(frozen=True, slots=True)
class CardText:
    """A service's own words in one locale."""

    name: str
    description: str
    eligibility: str | None
    fees: str | None


@dataclass(frozen=True, slots=True)
class Card:
    """What a result card shows of a service, in every locale the service has.

    Kept apart from the rest of the row: only the page of results shown reads it.
    """

    name: str
    description: str
    address: str
    district: str | None
    is_sample: bool
    phones: tuple[str, ...]
    texts: Mapping[str, CardText]  # by locale

    def to_json(self) -> str:
        """Return the card as the row's `card` column holds it."""
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Card:
        """Return the card of a row's `card` column."""
        data = json.loads(text)
        texts = {locale: CardText(**fields) for locale, fields in data["texts"].items()}
        return cls(**{**data, "phones": tuple(data["phones"]), "texts": texts})
