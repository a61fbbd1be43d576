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


# One or two of the prepositions and conjunctions Arabic glues to the next word (و ف ب ل ك,
# and the article ال), in Arabic letters or in Arabizi. Other letters before a name make
# another word: "مليون" is a million, not "from Lyon"; "نعمان" a name, not Amman.
_GLUED_BEFORE = re.compile(r"[وفبلك]{1,2}|ال|[bflw]{1,2}")


# The case endings Turkish glues after a name, written without the apostrophe on a phone:
# "viyanada" (in Vienna), "madridden" (from Madrid), "ammana" (to Amman), "viyanadayım".
_GLUED_AFTER = re.compile(r"y?[ae]|[dt][ae](?:n|y[iı]m|y[iı]z)?")


# Ukrainian and Russian put a case ending on the name after "in", "from", "to": "у Лісабоні",
# "в Лиссабоне", "з Мадрида", "в Турине". A name in -а loses it ("Вена": "в Вене", "в Вену")
# and Ukrainian drops the е of -ень ("Відень": "у Відні", "з Відня"). "из Вены" is left out:
# it is written as "вены", veins. Letters as `_fold` leaves them (ї, й: і, и).
_CYRILLIC = re.compile(r"[а-яєіґ]+")
_DECLINED_AFTER = re.compile(r"[аеіуя]|ом|ем")
_DECLINED_AFTER_A = re.compile(r"[еу]")


def _declined(word: str, name: str) -> bool:
    """Tell whether `word` is the Cyrillic `name` with a Ukrainian or Russian case ending."""
    if not _CYRILLIC.fullmatch(name):
        return False
    if name.endswith("а"):
        stem, endings = name[:-1], _DECLINED_AFTER_A
    else:
        stem = name[:-3] + "н" if name.endswith("ень") else name.removesuffix("ь")
        endings = _DECLINED_AFTER
    return word.startswith(stem) and bool(endings.fullmatch(word[len(stem) :]))


def _glued(word: str, name: str) -> bool:
    """Tell whether `word` is `name` with a preposition glued before it, or a Turkish,
    Ukrainian or Russian case ending after it."""
    if word.endswith(name) and _GLUED_BEFORE.fullmatch(word[: -len(name)]):
        return True
    if _declined(word, name):
        return True
    return word.startswith(name) and bool(_GLUED_AFTER.fullmatch(word[len(name) :]))


def city_names(city: City) -> set[str]:
    """Return every name `city` is written by: its id, aliases and localized names."""
    return {city.id, *city.aliases, *city.names.values()}


def match_city(cities: list[City], text: str) -> City | None:
    """Return the city `text` names (by id, alias or localized name), or None."""
    folded = _fold(text)
    words = set(re.findall(r"\w+", folded))
    for city in cities:
        for name in city_names(city):
            name = _fold(name)
            if name in words:
                return city
            # Arabic often glues a preposition to the name: "فطنجة", "بطنجة", "btanja".
            if len(name) > 3 and any(_glued(w, name) for w in words):
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


def _words(text: str, *, fold_case: bool) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold() if fold_case else text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " " + " ".join(re.findall(r"\w+", plain)) + " "


def match_district(districts: list[str], named: str | None, text: str | None) -> str | None:
    """Return the district of `districts` that `named` (an NLU entity) or `text` names, or None.

    Only known districts are ever returned: whatever else a message says stays unrecorded.
    The entity is compared without case or accents. In the text a name counts only written
    with its capitals: "Centro" is a district of Madrid and Turin, "centro de salud" is not.
    """
    # Longest first: "Lyon 1er" before a district called "Lyon".
    ordered = sorted(districts, key=len, reverse=True)
    if named:
        wanted = _words(named, fold_case=True)
        found = next((d for d in ordered if _words(d, fold_case=True) == wanted), None)
        if found is not None:
            return found
    if text:
        words = _words(text, fold_case=False)
        return next((d for d in ordered if _words(d, fold_case=False) in words), None)
    return None
