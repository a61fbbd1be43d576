"""Search used by the bot: services of a category in a city, in the user's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from services_directory.categories import Category
from services_directory.listings.models import (
    Location,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    ServiceTranslation,
)


@dataclass(frozen=True, slots=True)
class OpeningPeriod:
    """A weekly opening period in the city's local time."""

    days: tuple[str, ...]  # iCal day codes
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


def _translation(service: Service, chain: list[str]) -> ServiceTranslation | None:
    by_locale = {t.locale: t for t in service.translations}
    return next((by_locale[loc] for loc in chain if loc in by_locale), None)


def _card(service: Service, chain: list[str]) -> ServiceCard:
    translated = _translation(service, chain)
    location = service.service_at_locations[0].location if service.service_at_locations else None
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
            for s in sorted(service.schedules, key=lambda s: (s.opens_at, s.id))
        ),
        languages=tuple(sorted(language.code for language in service.languages)),
        is_sample=service.organization.is_sample,
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
) -> SearchPage:
    """Return active services of `category` in `city_id`, those speaking `language` first."""
    in_city = exists().where(
        ServiceAtLocation.service_id == Service.id,
        ServiceAtLocation.location_id == Location.id,
        Location.city_id == city_id,
    )
    conditions = and_(
        Service.category == category.value,
        Service.status == "active",
        Service.review_state == "published",
        in_city,
    )
    total = await session.scalar(select(func.count()).select_from(Service).where(conditions))
    order: list[Any] = [Service.name, Service.id]
    if language:
        speaks = exists().where(
            ServiceLanguage.service_id == Service.id, ServiceLanguage.code == language
        )
        order.insert(0, case((speaks, 0), else_=1))
    statement = (
        select(Service)
        .where(conditions)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
        .options(
            selectinload(Service.translations),
            selectinload(Service.phones),
            selectinload(Service.schedules),
            selectinload(Service.languages),
            selectinload(Service.organization),
            selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location),
        )
    )
    services = (await session.scalars(statement)).all()
    chain = fallback_chain(locale)
    return SearchPage(tuple(_card(s, chain) for s in services), total or 0)


async def count_by_category(session: AsyncSession, *, city_id: str) -> dict[str, int]:
    """Return how many active services each category has in a city."""
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
