"""Finding cities: by id, or by the way people write their name."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from services_directory.cities.models import City
from services_directory.listings.models import Location


def _fold(text: str) -> str:
    """Lower-case, strip accents and Arabic prefixes' spacing differences."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


async def list_cities(session: AsyncSession, *, with_numbers: bool = False) -> list[City]:
    """Return every city, ordered by id (with their emergency numbers, in one more query)."""
    statement = select(City).order_by(City.id)
    if with_numbers:
        statement = statement.options(selectinload(City.emergency_numbers))
    return list((await session.scalars(statement)).all())


async def get_city(session: AsyncSession, city_id: str) -> City | None:
    """Return the city with its emergency numbers, or None."""
    statement = select(City).where(City.id == city_id).options(selectinload(City.emergency_numbers))
    return (await session.scalars(statement)).one_or_none()


def match_city(cities: list[City], text: str) -> City | None:
    """Return the city `text` names (by id, alias or localized name), or None."""
    folded = _fold(text)
    words = set(re.findall(r"\w+", folded))
    for city in cities:
        names = {city.id, *city.aliases, *city.names.values()}
        for name in names:
            name = _fold(name)
            if name in words:
                return city
            # Arabic often glues a preposition to the name: "فطنجة", "بطنجة".
            if any(w.endswith(name) and len(w) - len(name) <= 2 for w in words if len(name) > 3):
                return city
            if " " in name and name in folded:
                return city
    return None


async def city_districts(session: AsyncSession, city_id: str | None) -> list[str]:
    """Return the districts the directory has places in (in one city, or in every city)."""
    statement = select(Location.district).where(Location.district.is_not(None)).distinct()
    if city_id is not None:
        statement = statement.where(Location.city_id == city_id)
    return sorted(d for d in (await session.scalars(statement)).all() if d)


def match_district(districts: list[str], *texts: str | None) -> str | None:
    """Return the first of `districts` that one of `texts` names (whole words), or None.

    Only known districts are ever returned: whatever else a message says stays unrecorded.
    """
    for text in texts:
        if not text:
            continue
        folded = " " + " ".join(re.findall(r"\w+", _fold(text))) + " "
        # Longest first: "Lyon 1er" before a district called "Lyon".
        for district in sorted(districts, key=len, reverse=True):
            name = " ".join(re.findall(r"\w+", _fold(district)))
            if name and f" {name} " in folded:
                return district
    return None
