"""The search index: one narrow row per service migrants may see, kept in step on every write.

The bot's search reads only these rows to pick and rank candidates (one indexed query per
city and category), instead of joining services, locations, languages and schedules.
Every write through `listings.service` and the sample loader refreshes them; code that
changes services otherwise must call `refresh` too.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    delete,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, selectinload

from core.db import Base
from services_directory.listings.models import Service, ServiceAtLocation


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
    # ",ar,fr," and ",health.primary_care,": a membership test is a substring test.
    languages: Mapped[str] = mapped_column(Text)
    terms: Mapped[str] = mapped_column(Text)
    # JSON text of [byday, opens_at, closes_at, valid_from, valid_to, closed] per schedule
    # row, decoded only when a search asks what is open or shows the service.
    schedules: Mapped[str] = mapped_column(Text)


class SearchState(Base):
    """One row whose token changes with every refresh of the index.

    Each process keeps what it read of the index in memory and drops it when the token it
    read differs from this one. A random token rather than a counter: a refresh rolled back
    and another committed must never look the same.
    """

    __tablename__ = "search_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(String(32))


async def current_token(session: AsyncSession) -> str | None:
    """Return the index's token (one primary-key read)."""
    token = await session.scalar(select(SearchState.token).where(SearchState.id == 1))
    return str(token) if token is not None else None


async def _touch(session: AsyncSession) -> None:
    token = secrets.token_hex(16)
    changed = await session.execute(
        update(SearchState).where(SearchState.id == 1).values(token=token)
    )
    if not getattr(changed, "rowcount", 0):
        session.add(SearchState(id=1, token=token))
        await session.flush()


def _entry(service: Service) -> SearchEntry | None:
    if service.review_state != "published" or service.status != "active":
        return None
    if not service.service_at_locations:
        return None
    location = service.service_at_locations[0].location
    return SearchEntry(
        service_id=service.id,
        city_id=location.city_id,
        category=service.category,
        district_key=location.district.casefold() if location.district else None,
        name_key=service.name.casefold(),
        latitude=location.latitude,
        longitude=location.longitude,
        is_free=service.is_free,
        languages="," + ",".join(sorted(lang.code for lang in service.languages)) + ",",
        terms="," + ",".join(sorted(a.taxonomy_term_id for a in service.attributes)) + ",",
        schedules=json.dumps(
            [
                [
                    s.byday,
                    s.opens_at,
                    s.closes_at,
                    s.valid_from.isoformat() if s.valid_from else None,
                    s.valid_to.isoformat() if s.valid_to else None,
                    s.closed,
                ]
                for s in service.schedules
            ]
        ),
    )


async def refresh(session: AsyncSession, service_ids: Iterable[str]) -> None:
    """Bring the index rows of these services in line with the services themselves."""
    ids = list(dict.fromkeys(service_ids))
    if not ids:
        return
    await session.flush()
    await session.execute(delete(SearchEntry).where(SearchEntry.service_id.in_(ids)))
    services = await session.scalars(
        select(Service)
        .where(Service.id.in_(ids))
        .options(
            selectinload(Service.languages),
            selectinload(Service.attributes),
            selectinload(Service.schedules),
            selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location),
        )
        .execution_options(populate_existing=True)
    )
    session.add_all(entry for service in services if (entry := _entry(service)) is not None)
    await session.flush()
    await _touch(session)


async def rebuild(session: AsyncSession) -> int:
    """Rebuild the whole index; return how many services it holds."""
    ids = (await session.scalars(select(Service.id))).all()
    await session.execute(delete(SearchEntry))
    await _touch(session)
    for start in range(0, len(ids), 500):
        await refresh(session, ids[start : start + 500])
    count = await session.scalars(select(SearchEntry.service_id))
    return len(count.all())
