"""Search used by the bot: services of a category near the person, in their language."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, false, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from services_directory.categories import Category
from services_directory.cities.models import City
from services_directory.listings.models import (
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceLanguage,
)
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


def _periods(schedules: list[Schedule]) -> list[Period]:
    return [
        Period(
            tuple(s.byday.split(",")),
            parse_time(s.opens_at),
            parse_time(s.closes_at),
            s.valid_from,
            s.valid_to,
            s.closed,
        )
        for s in schedules
    ]


def _card(
    service: Service, chain: list[str], distance: float | None, open_now: bool | None
) -> ServiceCard:
    by_locale = {t.locale: t for t in service.translations}
    translated = next((by_locale[loc] for loc in chain if loc in by_locale), None)
    location = service.service_at_locations[0].location if service.service_at_locations else None
    openings = [s for s in service.schedules if not s.closed]
    return ServiceCard(
        id=service.id,
        name=translated.name if translated else service.name,
        description=translated.description if translated else service.description,
        eligibility=translated.eligibility if translated else None,
        is_free=service.is_free,
        fees=translated.fees if translated else None,
        address=location.address_1 if location else "",
        district=location.district if location else None,
        phones=tuple(p.number for p in service.phones),
        opening_hours=tuple(
            OpeningPeriod(tuple(s.byday.split(",")), s.opens_at, s.closes_at)
            for s in sorted(openings, key=lambda s: (s.opens_at, s.id))
        ),
        languages=tuple(sorted(language.code for language in service.languages)),
        is_sample=service.organization.is_sample,
        distance_m=distance,
        open_now=open_now,
    )


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
    """
    conditions: list[Any] = [
        Service.category == category.value,
        Service.status == "active",
        Service.review_state == "published",
        Location.city_id == city_id,
    ]
    if district:
        conditions.append(func.lower(Location.district) == district.casefold())
    if term:
        conditions.append(
            exists().where(
                ServiceAttribute.service_id == Service.id, ServiceAttribute.taxonomy_term_id == term
            )
        )
    if free_only:
        conditions.append(Service.is_free.is_(True))
    speaks = (
        exists().where(ServiceLanguage.service_id == Service.id, ServiceLanguage.code == language)
        if language
        else None
    )
    columns: list[Any] = [Service.id, Service.name, Location.latitude, Location.longitude]
    columns.append(speaks.label("speaks") if speaks is not None else false().label("speaks"))
    candidates = (
        await session.execute(
            select(*columns)
            .join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id)
            .join(Location, Location.id == ServiceAtLocation.location_id)
            .where(and_(*conditions))
        )
    ).all()
    distances: dict[str, float | None] = {}
    for row in candidates:
        known = near is not None and row.latitude is not None and row.longitude is not None
        distances[row.id] = distance_m(near, (row.latitude, row.longitude)) if known else None  # type: ignore[arg-type]
    open_now: dict[str, bool] = {}
    if open_at is not None and candidates:
        city = await session.get(City, city_id)
        local = open_at.astimezone(ZoneInfo(city.timezone if city else "UTC")).replace(tzinfo=None)
        rows = await session.scalars(
            select(Schedule).where(Schedule.service_id.in_([r.id for r in candidates]))
        )
        by_service: dict[str, list[Schedule]] = {}
        for schedule in rows:
            by_service.setdefault(schedule.service_id, []).append(schedule)
        open_now = {r.id: is_open(_periods(by_service.get(r.id, [])), local) for r in candidates}
        candidates = [r for r in candidates if open_now[r.id]]

    def rank(row: Any) -> tuple[float, int, str, str]:
        distance = distances[row.id]
        return (
            distance if distance is not None else math.inf,
            0 if row.speaks else 1,
            row.name.casefold(),
            row.id,
        )

    ordered = sorted(candidates, key=rank)
    page_ids = [row.id for row in ordered[offset : offset + limit]]
    services = await session.scalars(
        select(Service)
        .where(Service.id.in_(page_ids))
        .options(
            selectinload(Service.translations),
            selectinload(Service.phones),
            selectinload(Service.schedules),
            selectinload(Service.languages),
            selectinload(Service.organization),
            selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location),
        )
    )
    by_id = {service.id: service for service in services}
    chain = fallback_chain(locale)
    cards = tuple(
        _card(by_id[i], chain, distances.get(i), open_now.get(i) if open_at else None)
        for i in page_ids
    )
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
