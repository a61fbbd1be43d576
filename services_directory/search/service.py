"""Search used by the bot: services of a category near the person, in their language."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services_directory.categories import Category
from services_directory.cities.models import City
from services_directory.listings.models import (
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceTranslation,
)
from services_directory.search.index import SearchEntry, current_token
from services_directory.search.opening import Period, is_open, parse_time

EARTH_RADIUS_M = 6_371_000.0


@dataclass(frozen=True, slots=True)
class OpeningPeriod:
    """A weekly opening period in the city's local time."""

    days: tuple[str, ...]
    opens_at: str
    closes_at: str


@dataclass(frozen=True, slots=True)
class ServiceCard:
    """What the bot shows of one service, already in the user's language where possible."""

    id: str
    name: str
    description: str
    eligibility: str | None
    is_free: bool
    fees: str | None
    address: str
    district: str | None
    phones: tuple[str, ...]
    opening_hours: tuple[OpeningPeriod, ...]
    languages: tuple[str, ...]
    is_sample: bool
    distance_m: float | None = None
    open_now: bool | None = None


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of results and how many there are in all."""

    cards: tuple[ServiceCard, ...]
    total: int


def fallback_chain(locale: str) -> list[str]:
    """Return the locales to try for listing text: `ar_MA` → ar_MA, ar, en."""
    chain = [locale]
    language = locale.split("_")[0]
    if language != locale:
        chain.append(language)
    if "en" not in chain:
        chain.append("en")
    return chain


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Return the great-circle distance between two (latitude, longitude) points in metres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def _periods(rows: list[list[Any]]) -> list[Period]:
    return [
        Period(
            tuple(byday.split(",")),
            parse_time(opens),
            parse_time(closes),
            dt.date.fromisoformat(valid_from) if valid_from else None,
            dt.date.fromisoformat(valid_to) if valid_to else None,
            bool(closed),
        )
        for byday, opens, closes, valid_from, valid_to, closed in rows
    ]


# A city's time zone does not change while a process runs: one query per city, not per search.
_TIMEZONES: dict[str, str] = {}


async def _timezone(session: AsyncSession, city_id: str) -> str:
    if city_id not in _TIMEZONES:
        zone = await session.scalar(select(City.timezone).where(City.id == city_id))
        if zone is None:
            return "UTC"
        _TIMEZONES[city_id] = zone
    return _TIMEZONES[city_id]


@dataclass(frozen=True, slots=True)
class _Entry:
    """A search_entry row, decoded once per process (until the index changes)."""

    service_id: str
    district_key: str | None
    name_key: str
    latitude: float | None
    longitude: float | None
    is_free: bool
    languages: str
    terms: str
    periods: tuple[Period, ...]
    openings: tuple[OpeningPeriod, ...]


@dataclass(frozen=True, slots=True)
class _CardData:
    """What a card shows of a service, in every locale it has."""

    name: str
    description: str
    is_free: bool
    address: str
    district: str | None
    is_sample: bool
    phones: tuple[str, ...]
    texts: dict[str, Any]


class _ProcessCache:
    """What this process read of the index, dropped whenever the index's token changes."""

    MAX_CARDS = 20_000

    def __init__(self) -> None:
        self.token: str | None = None
        self.entries: dict[tuple[str, str], list[_Entry]] = {}
        self.cards: dict[str, _CardData] = {}

    def check(self, token: str | None) -> None:
        if token is None or token != self.token:
            self.entries.clear()
            self.cards.clear()
            self.token = token
        elif len(self.cards) > self.MAX_CARDS:
            self.cards.clear()


_CACHE = _ProcessCache()


def forget_cached_reads() -> None:
    """Drop this process's copy of the index (benchmarks measure the cold path with it)."""
    _CACHE.check(None)


def _decode(row: Any) -> _Entry:
    rows = json.loads(row.schedules)
    openings = sorted((r for r in rows if not r[5]), key=lambda r: r[1])
    return _Entry(
        service_id=row.service_id,
        district_key=row.district_key,
        name_key=row.name_key,
        latitude=row.latitude,
        longitude=row.longitude,
        is_free=row.is_free,
        languages=row.languages,
        terms=row.terms,
        periods=tuple(_periods(rows)),
        openings=tuple(OpeningPeriod(tuple(r[0].split(",")), r[1], r[2]) for r in openings),
    )


async def _entries(session: AsyncSession, city_id: str, category: str) -> list[_Entry]:
    cached = _CACHE.entries.get((city_id, category))
    if cached is None:
        statement = select(*SearchEntry.__table__.columns).where(
            SearchEntry.city_id == city_id, SearchEntry.category == category
        )
        cached = [_decode(row) for row in await session.execute(statement)]
        _CACHE.entries[(city_id, category)] = cached
    return cached


async def _card_data(session: AsyncSession, ids: list[str]) -> dict[str, _CardData]:
    missing = [i for i in ids if i not in _CACHE.cards]
    if missing:
        texts: dict[str, dict[str, Any]] = {}
        for translation in await session.execute(
            select(*ServiceTranslation.__table__.columns).where(
                ServiceTranslation.service_id.in_(missing)
            )
        ):
            texts.setdefault(translation.service_id, {})[translation.locale] = translation
        phones: dict[str, list[str]] = {}
        for service_id, number in await session.execute(
            select(Phone.service_id, Phone.number)
            .where(Phone.service_id.in_(missing))
            .order_by(Phone.id)
        ):
            phones.setdefault(service_id, []).append(number)
        for row in await session.execute(
            select(
                Service.id, Service.name, Service.description, Service.is_free,
                Location.address_1, Location.district, Organization.is_sample,
            )
            .join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id)
            .join(Location, Location.id == ServiceAtLocation.location_id)
            .join(Organization, Organization.id == Service.organization_id)
            .where(Service.id.in_(missing))
        ):  # fmt: skip
            _CACHE.cards[row.id] = _CardData(
                name=row.name,
                description=row.description,
                is_free=row.is_free,
                address=row.address_1,
                district=row.district,
                is_sample=row.is_sample,
                phones=tuple(phones.get(row.id, [])),
                texts=texts.get(row.id, {}),
            )
    return {i: _CACHE.cards[i] for i in ids if i in _CACHE.cards}


@dataclass(frozen=True, slots=True)
class _Candidate:
    entry: _Entry
    distance: float | None
    open_now: bool | None


async def _cards(
    session: AsyncSession, chosen: list[_Candidate], locale: str
) -> tuple[ServiceCard, ...]:
    data = await _card_data(session, [c.entry.service_id for c in chosen])
    chain = fallback_chain(locale)
    cards = []
    for candidate in chosen:
        entry = candidate.entry
        main = data.get(entry.service_id)
        if main is None:  # deleted since the index was read
            continue
        text = next((main.texts[loc] for loc in chain if loc in main.texts), None)
        cards.append(
            ServiceCard(
                id=entry.service_id,
                name=text.name if text else main.name,
                description=text.description if text else main.description,
                eligibility=text.eligibility if text else None,
                is_free=main.is_free,
                fees=text.fees if text else None,
                address=main.address,
                district=main.district,
                phones=main.phones,
                opening_hours=entry.openings,
                languages=tuple(code for code in entry.languages.split(",") if code),
                is_sample=main.is_sample,
                distance_m=candidate.distance,
                open_now=candidate.open_now,
            )
        )
    return tuple(cards)


async def search_services(
    session: AsyncSession,
    *,
    category: Category,
    city_id: str,
    locale: str,
    language: str | None = None,
    limit: int = 5,
    offset: int = 0,
    district: str | None = None,
    term: str | None = None,
    near: tuple[float, float] | None = None,
    open_at: dt.datetime | None = None,
    free_only: bool = False,
) -> SearchPage:
    """Return published, active services of `category` in a city, best first.

    Nearest first when `near` is given, then those speaking `language`, then by name.
    `open_at` (timezone-aware) keeps only services open at that moment in the city's time.
    One primary-key read tells whether this process's copy of the index is current; only
    what changed since is read again.
    """
    _CACHE.check(await current_token(session))
    entries = await _entries(session, city_id, category.value)
    district_key = district.casefold() if district else None
    wanted_term = f",{term}," if term else None
    local = None
    if open_at is not None:
        zone = ZoneInfo(await _timezone(session, city_id))
        local = open_at.astimezone(zone).replace(tzinfo=None)
    candidates = []
    for entry in entries:
        if district_key is not None and entry.district_key != district_key:
            continue
        if (free_only and not entry.is_free) or (wanted_term and wanted_term not in entry.terms):
            continue
        open_now = is_open(entry.periods, local) if local is not None else None
        if open_now is False:
            continue
        distance = None
        if near is not None and entry.latitude is not None and entry.longitude is not None:
            distance = distance_m(near, (entry.latitude, entry.longitude))
        candidates.append(_Candidate(entry, distance, open_now))
    speaks = f",{language}," if language else None

    def rank(c: _Candidate) -> tuple[float, int, str, str]:
        speaking = speaks is not None and speaks in c.entry.languages
        return (
            c.distance if c.distance is not None else math.inf,
            0 if speaking else 1,
            c.entry.name_key,
            c.entry.service_id,
        )

    ordered = sorted(candidates, key=rank)
    cards = await _cards(session, ordered[offset : offset + limit], locale)
    return SearchPage(cards, len(ordered))


async def count_by_category(session: AsyncSession, *, city_id: str) -> dict[str, int]:
    """Return how many published, active services each category has in a city."""
    statement = (
        select(Service.category, func.count(func.distinct(Service.id)))
        .join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id)
        .join(Location, Location.id == ServiceAtLocation.location_id)
        .where(
            Location.city_id == city_id,
            Service.status == "active",
            Service.review_state == "published",
        )
        .group_by(Service.category)
    )
    return {category: count for category, count in (await session.execute(statement)).all()}
