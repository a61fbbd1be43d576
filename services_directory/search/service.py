"""Search used by the bot: services of a category near the person, in their language."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services_directory.categories import Category
from services_directory.cities.models import City
from services_directory.search import words
from services_directory.search.index import SearchEntry, SearchGroup, group_token
from services_directory.search.opening import Period, is_open, next_change
from services_directory.search.row import Card, CardText, IndexedService

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
    open_now: bool | None = None  # None: not asked, or the service lists no hours
    # When `open_now` next changes, in the city's local time (naive); None if not soon.
    changes_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of results and how many there are in all."""

    cards: tuple[ServiceCard, ...]
    total: int
    pointed: tuple[str, ...] = ()  # the services the question's own words point to, if asked


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


# A city's time zone does not change while a process runs: one query per city, not per search.
_TIMEZONES: dict[str, str] = {}


async def _timezone(session: AsyncSession, city_id: str) -> str:
    if city_id not in _TIMEZONES:
        zone = await session.scalar(select(City.timezone).where(City.id == city_id))
        if zone is None:
            return "UTC"
        _TIMEZONES[city_id] = zone
    return _TIMEZONES[city_id]


@dataclass(slots=True)
class _Group:
    """What this process read of one city and category, valid while its token stays."""

    token: str | None
    entries: list[IndexedService]
    cards: dict[str, Card]
    # Each service's own words (`words.own`), read from its card once asked for.
    words: dict[str, frozenset[str]] = field(default_factory=dict)


class _ProcessCache:
    """What this process read of the index, per city and category.

    A part is dropped when its token in the database differs from the one read with it;
    reading that token is one primary-key query per search.
    """

    def __init__(self) -> None:
        self.groups: dict[tuple[str, str], _Group] = {}

    def current(self, key: tuple[str, str], token: str | None) -> _Group | None:
        group = self.groups.get(key)
        if group is None or token is None or group.token != token:
            return None
        return group


_CACHE = _ProcessCache()


def forget_cached_reads() -> None:
    """Drop this process's copy of the index (benchmarks measure the cold path with it)."""
    _CACHE.groups.clear()


_ENTRY_COLUMNS = [c for c in SearchEntry.__table__.columns if c.key != "card"]


async def _group(session: AsyncSession, city_id: str, category: str) -> _Group:
    key = (city_id, category)
    # The token is read before the rows: rows newer than their token are read again at the
    # next search, while rows older than their token could never be noticed.
    token = await group_token(session, city_id, category)
    group = _CACHE.current(key, token)
    if group is None:
        statement = select(*_ENTRY_COLUMNS).where(
            SearchEntry.city_id == city_id, SearchEntry.category == category
        )
        connection = await session.connection()
        rows = await connection.execute(statement)
        entries = [IndexedService.from_columns(row._mapping) for row in rows]
        group = _Group(token, entries, {})
        if token is not None:
            _CACHE.groups[key] = group
    return group


async def _card_data(session: AsyncSession, group: _Group, ids: list[str]) -> dict[str, Card]:
    missing = [i for i in ids if i not in group.cards]
    if missing:
        statement = select(SearchEntry.service_id, SearchEntry.card).where(
            SearchEntry.service_id.in_(missing)
        )
        connection = await session.connection()
        for service_id, card in await connection.execute(statement):
            group.cards[service_id] = Card.from_json(card)
    return {i: group.cards[i] for i in ids if i in group.cards}


def _openings(periods: tuple[Period, ...]) -> tuple[OpeningPeriod, ...]:
    openings = sorted((p for p in periods if not p.closed), key=lambda p: p.opens_at)
    return tuple(
        OpeningPeriod(p.days, p.opens_at.strftime("%H:%M"), p.closes_at.strftime("%H:%M"))
        for p in openings
    )


@dataclass(frozen=True, slots=True)
class _Candidate:
    entry: IndexedService
    distance: float | None
    open_now: bool | None


def _state(
    entry: IndexedService, local: dt.datetime | None
) -> tuple[bool | None, dt.datetime | None]:
    if local is None or not any(not p.closed for p in entry.periods):
        return None, None
    return is_open(entry.periods, local), next_change(entry.periods, local)


def card_of(
    entry: IndexedService,
    main: Card,
    locale: str,
    local_now: dt.datetime | None,
    *,
    distance: float | None = None,
    open_now: bool | None = None,
) -> ServiceCard:
    """Return one service's card in `locale`; `local_now` (the city's time) says if open."""
    text = next((main.texts[loc] for loc in fallback_chain(locale) if loc in main.texts), None)
    if text is None:
        text = CardText(main.name, main.description, None, None)
    state, changes_at = _state(entry, local_now)
    return ServiceCard(
        id=entry.service_id,
        name=text.name,
        description=text.description,
        eligibility=text.eligibility,
        is_free=entry.is_free,
        fees=text.fees,
        address=main.address,
        district=main.district,
        phones=main.phones,
        opening_hours=_openings(entry.periods),
        languages=entry.languages,
        is_sample=main.is_sample,
        distance_m=distance,
        open_now=open_now if state is None else state,
        changes_at=changes_at,
    )


async def city_time(session: AsyncSession, city_id: str, now: dt.datetime) -> dt.datetime:
    """Return `now` (timezone-aware) as the city's local time, naive."""
    zone = ZoneInfo(await _timezone(session, city_id))
    return now.astimezone(zone).replace(tzinfo=None)


async def _cards(
    session: AsyncSession,
    group: _Group,
    chosen: list[_Candidate],
    locale: str,
    local_now: dt.datetime | None,
) -> tuple[ServiceCard, ...]:
    data = await _card_data(session, group, [c.entry.service_id for c in chosen])
    cards = []
    for candidate in chosen:
        main = data.get(candidate.entry.service_id)
        if main is None:  # deleted since the index was read
            continue
        card = card_of(
            candidate.entry, main, locale, local_now,
            distance=candidate.distance, open_now=candidate.open_now,
        )  # fmt: skip
        cards.append(card)
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
    prefer_district: str | None = None,
    first: Sequence[str] = (),
    question: str | None = None,
    now: dt.datetime | None = None,
) -> SearchPage:
    """Return published, active services of `category` in a city, best first.

    Nearest first when `near` is given, then those in `prefer_district`, then the services
    `first` names in its order (those a question's words pointed to, or, pointing to none,
    those speaking a language it names: `SearchPage.pointed`),
    then those speaking `language`, then by name. A `question` given puts the services its
    own words point to in the place of `first`, and the page names them.
    `open_at` (timezone-aware) keeps only services open at that moment in the city's time;
    `now` (timezone-aware) tells on each card returned whether it is open and until when, or
    when it opens next.
    One primary-key read tells whether this process's copy of the city and category is
    current; it is read again only when it changed.
    """
    group = await _group(session, city_id, category.value)
    if question is not None:
        first = await _pointed(session, group, question)
        # No word of a service's own: a language named ("do they speak Arabic?") points to
        # the services that speak it.
        first = first or tuple(
            words.speaking(question, {e.service_id: e.languages for e in group.entries})
        )
    entries = group.entries
    district_key = district.casefold() if district else None
    preferred = prefer_district.casefold() if prefer_district else None
    zone = ZoneInfo(await _timezone(session, city_id)) if open_at or now else None
    local = open_at.astimezone(zone).replace(tzinfo=None) if open_at and zone else None
    local_now = now.astimezone(zone).replace(tzinfo=None) if now and zone else None
    candidates = []
    for entry in entries:
        if district_key is not None and entry.district_key != district_key:
            continue
        if (free_only and not entry.is_free) or (term and term not in entry.terms):
            continue
        open_now = is_open(entry.periods, local) if local is not None else None
        if open_now is False:
            continue
        distance = None
        if near is not None and entry.latitude is not None and entry.longitude is not None:
            distance = distance_m(near, (entry.latitude, entry.longitude))
        candidates.append(_Candidate(entry, distance, open_now))

    pointed = {service_id: i for i, service_id in enumerate(first)}

    def rank(c: _Candidate) -> tuple[float, int, int, int, str, str]:
        speaking = language is not None and language in c.entry.languages
        return (
            c.distance if c.distance is not None else math.inf,
            0 if preferred is None or c.entry.district_key == preferred else 1,
            pointed.get(c.entry.service_id, len(pointed)),
            0 if speaking else 1,
            c.entry.name_key,
            c.entry.service_id,
        )

    ordered = sorted(candidates, key=rank)
    cards = await _cards(session, group, ordered[offset : offset + limit], locale, local_now)
    return SearchPage(cards, len(ordered), tuple(first) if question is not None else ())


async def _pointed(session: AsyncSession, group: _Group, question: str) -> tuple[str, ...]:
    """The ids of the group's services that the question's own words point to, most pointed
    first (`words.pointed`; each service's words are read once per process, like its card)."""
    if len(group.words) < len(group.entries):
        cards = await _card_data(session, group, [entry.service_id for entry in group.entries])
        for service_id, card in cards.items():
            texts = [f"{text.name} {text.description}" for text in card.texts.values()]
            group.words[service_id] = words.own(texts)
    return tuple(words.pointed(question, group.words))


async def count_by_category(session: AsyncSession, *, city_id: str) -> dict[str, int]:
    """Return how many services migrants may see each category has in a city."""
    statement = (
        select(SearchEntry.category, func.count())
        .where(SearchEntry.city_id == city_id)
        .group_by(SearchEntry.category)
    )
    return dict((await session.execute(statement)).tuples().all())


@dataclass(frozen=True, slots=True)
class Elsewhere:
    """Where else one category has services, and what else one city has."""

    cities: frozenset[str]  # ids of the cities with services of the category
    categories: frozenset[str]  # the categories with services in the city


async def elsewhere(session: AsyncSession, *, city_id: str, category: Category) -> Elsewhere:
    """Return the cities that have `category` and the categories `city_id` has (one query)."""
    # Every city and category with rows has its group row: the few groups are filtered here,
    # and each is looked up in the index of the rows rather than every row scanned.
    has_rows = (
        select(SearchEntry.service_id)
        .where(
            SearchEntry.city_id == SearchGroup.city_id,
            SearchEntry.category == SearchGroup.category,
        )
        .exists()
    )
    statement = select(SearchGroup.city_id, SearchGroup.category).where(
        or_(SearchGroup.city_id == city_id, SearchGroup.category == category.value), has_rows
    )
    groups = (await session.execute(statement)).tuples().all()
    return Elsewhere(
        cities=frozenset(city for city, of in groups if of == category.value),
        categories=frozenset(of for city, of in groups if city == city_id),
    )
