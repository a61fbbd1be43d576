"""The search index: one narrow row per service migrants may see, kept in step on every write.

The bot's search reads only these rows to pick and rank candidates (one indexed query per
city and category), instead of joining services, locations, languages and schedules, and
reads the cards it shows from the same rows (one primary-key query for the page).
Every write through `listings.service` and the sample loader refreshes them; code that
changes services otherwise must call `refresh` too.

Each city and category has a token that changes whenever its rows do, so a process that
cached what it read of one part of the index keeps it until that part changes: an edit in
Lyon's health services leaves every other city and category warm.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    delete,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from services_directory.listings.loading import service_options
from services_directory.listings.models import Service
from services_directory.search.opening import Period, parse_time
from services_directory.search.row import Card, CardText, IndexedService


class SearchEntry(Base):
    """What search needs of one published, active service."""

    __tablename__ = "search_entry"
    __table_args__ = (Index("ix_search_entry_city_category", "city_id", "category"),)

    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), primary_key=True
    )
    city_id: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(24))
    district_key: Mapped[str | None] = mapped_column(String(80))
    name_key: Mapped[str] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    is_free: Mapped[bool] = mapped_column(Boolean)
    # The text of these three is written and read only through `search.row`.
    languages: Mapped[str] = mapped_column(Text)
    terms: Mapped[str] = mapped_column(Text)
    schedules: Mapped[str] = mapped_column(Text)
    # Read only for the page of results shown.
    card: Mapped[str] = mapped_column(Text)


class SearchGroup(Base):
    """One row per city and category whose token changes whenever that part of the index does.

    A random token rather than a counter: a refresh rolled back and another committed must
    never look the same to a process comparing tokens.
    """

    __tablename__ = "search_group"

    city_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    category: Mapped[str] = mapped_column(String(24), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


async def group_token(session: AsyncSession, city_id: str, category: str) -> str | None:
    """Return the token of one city and category (one primary-key read)."""
    connection = await session.connection()
    token = await connection.scalar(
        select(SearchGroup.token).where(
            SearchGroup.city_id == city_id, SearchGroup.category == category
        )
    )
    return str(token) if token is not None else None


async def _touch(session: AsyncSession, groups: Iterable[tuple[str, str]]) -> None:
    rows = [
        {"city_id": city_id, "category": category, "token": secrets.token_hex(16)}
        for city_id, category in sorted(set(groups))  # one order: no deadlock between writers
    ]
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(SearchGroup).values(rows)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["city_id", "category"], set_={"token": statement.excluded.token}
        )
    )


def shown_to_migrants(service: Service) -> bool:
    """Tell whether migrants may see a service: published and active (the one place it is said)."""
    return service.review_state == "published" and service.status == "active"


def indexed(service: Service) -> tuple[IndexedService, Card] | None:
    """Return what the index would hold of a service, shown or not (None without a place).

    The portal's preview of a draft reads this too, so it shows what search would show.
    """
    if not service.service_at_locations:
        return None
    location = service.service_at_locations[0].location
    entry = IndexedService(
        service_id=service.id,
        city_id=location.city_id,
        category=service.category,
        district_key=location.district.casefold() if location.district else None,
        name_key=service.name.casefold(),
        latitude=location.latitude,
        longitude=location.longitude,
        is_free=service.is_free,
        languages=tuple(sorted(language.code for language in service.languages)),
        terms=tuple(sorted(a.taxonomy_term_id for a in service.attributes)),
        periods=tuple(
            Period(
                days=tuple(s.byday.split(",")),
                opens_at=parse_time(s.opens_at),
                closes_at=parse_time(s.closes_at),
                valid_from=s.valid_from,
                valid_to=s.valid_to,
                closed=s.closed,
            )
            for s in service.schedules
        ),
    )
    card = Card(
        name=service.name,
        description=service.description,
        address=location.address_1,
        district=location.district,
        is_sample=service.organization.is_sample,
        phones=tuple(phone.number for phone in sorted(service.phones, key=lambda p: p.id)),
        texts={
            t.locale: CardText(t.name, t.description, t.eligibility, t.fees)
            for t in service.translations
        },
    )
    return entry, card


def _entry(service: Service) -> SearchEntry | None:
    found = indexed(service) if shown_to_migrants(service) else None
    if found is None:
        return None
    entry, card = found
    return SearchEntry(**entry.columns(), card=card.to_json())


async def refresh(session: AsyncSession, service_ids: Iterable[str]) -> None:
    """Bring the index rows of these services in line with the services themselves."""
    ids = list(dict.fromkeys(service_ids))
    if not ids:
        return
    await session.flush()
    where = SearchEntry.service_id.in_(ids)
    groups = set(
        (
            await session.execute(select(SearchEntry.city_id, SearchEntry.category).where(where))
        ).tuples()
    )
    await session.execute(delete(SearchEntry).where(where))
    services = await session.scalars(
        select(Service)
        .where(Service.id.in_(ids))
        .options(*service_options())
        .execution_options(populate_existing=True)
    )
    entries = [entry for service in services if (entry := _entry(service)) is not None]
    session.add_all(entries)
    await session.flush()
    await _touch(session, groups | {(e.city_id, e.category) for e in entries})


async def rebuild(session: AsyncSession) -> int:
    """Rebuild the whole index; return how many services it holds."""
    ids = (await session.scalars(select(Service.id))).all()
    groups = (await session.execute(select(SearchEntry.city_id, SearchEntry.category))).tuples()
    await session.execute(delete(SearchEntry))
    await _touch(session, set(groups))
    for start in range(0, len(ids), 500):
        await refresh(session, ids[start : start + 500])
    count = await session.scalars(select(SearchEntry.service_id))
    return len(count.all())
