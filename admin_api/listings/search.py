"""`GET /api/v1/search`: the bot's search, for the city team to see what migrants get."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from admin_api.deps import CallerDep, SessionDep
from admin_api.errors import InvalidInput
from admin_api.listings.pages import Page, PageNumber, PerPage, page_of
from services_directory.categories import Category
from services_directory.cities.service import get_city, list_cities
from services_directory.search.service import search_services

router = APIRouter(tags=["directory"])


@router.get("/search")
async def search(
    caller: CallerDep,
    session: SessionDep,
    category: Category,
    city: Annotated[str, Query(max_length=40)],
    locale: Annotated[str, Query(max_length=16, pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")] = "en",
    language: Annotated[str | None, Query(max_length=8, description="spoken by staff")] = None,
    district: Annotated[str | None, Query(max_length=80)] = None,
    term: Annotated[str | None, Query(max_length=64)] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    open_now: bool = False,
    open_at: Annotated[dt.datetime | None, Query(description="with a UTC offset")] = None,
    free: bool = False,
    page: PageNumber = 1,
    per_page: PerPage = 5,
) -> Page:
    """Search published services as the bot does: nearest, then in the person's language."""
    if (lat is None) != (lon is None):
        raise InvalidInput("give both lat and lon, or neither")
    if open_at is not None and open_at.tzinfo is None:
        raise InvalidInput("open_at needs a UTC offset, e.g. 2026-12-07T09:30:00+01:00")
    if await get_city(session, city) is None:
        # A city nobody serves and a city with nothing in the topic would both give an empty
        # list: a script could not tell a typo from "nothing found".
        known = ", ".join(sorted(c.id for c in await list_cities(session)))
        raise InvalidInput(f"unknown city {city!r}; the cities are: {known}")
    moment = open_at or (dt.datetime.now(dt.UTC) if open_now else None)
    found = await search_services(
        session,
        category=category,
        city_id=city,
        locale=locale,
        language=language,
        district=district,
        term=term,
        near=(lat, lon) if lat is not None and lon is not None else None,
        open_at=moment,
        free_only=free,
        limit=per_page,
        offset=(page - 1) * per_page,
    )
    contents = [dataclasses.asdict(card) for card in found.cards]
    return page_of(contents, total=found.total, page=page, per_page=per_page)
