"""Search by distance, opening time (in the city's time zone), district, cost and term."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from services_directory.audit import Actor
from services_directory.categories import Category
from services_directory.listings import service as listings
from services_directory.listings.schemas import ServiceFields
from services_directory.search.service import distance_m, search_services

ACTOR = Actor(None, "test")
# Monday 7 December 2026, 07:30 UTC: 08:30 in Lyon (CET), 10:30 in Amman (UTC+3).
MONDAY_0730_UTC = dt.datetime(2026, 12, 7, 7, 30, tzinfo=dt.UTC)


async def _publish(session: AsyncSession, city: str, name: str, **changes: object) -> str:
    data: dict[str, object] = {
        "name": name,
        "category": "mobility",
        "translations": {"en": {"name": name}},
        "schedules": [{"byday": "MO,TU,WE,TH,FR", "opens_at": "09:00", "closes_at": "17:00"}],
        "location": {"city_id": city, "address_1": "1 Test Street", "district": "Testville"},
    }
    data.update(changes)
    created = await listings.create_service(
        session, organization_id="lyo-sante-deux-fleuves" if city == "lyon" else "amm-sample-org-1",
        fields=ServiceFields.model_validate(data), actor=ACTOR,
    )  # fmt: skip
    await listings.transition(session, service=created, action="publish", actor=ACTOR)
    return created.id


async def test_open_at_uses_the_citys_time_zone(session: AsyncSession) -> None:
    lyon = await _publish(session, "lyon", "Lyon bike desk")
    amman = await _publish(session, "amman", "Amman bike desk")
    lyon_page = await search_services(
        session, category=Category.MOBILITY, city_id="lyon", locale="en", limit=100,
        open_at=MONDAY_0730_UTC,
    )  # fmt: skip
    amman_page = await search_services(
        session, category=Category.MOBILITY, city_id="amman", locale="en", limit=100,
        open_at=MONDAY_0730_UTC,
    )  # fmt: skip
    assert lyon not in {c.id for c in lyon_page.cards}  # 08:30 in Lyon: not yet open
    assert amman in {c.id for c in amman_page.cards}  # 10:30 in Amman: open
    assert all(card.open_now for card in amman_page.cards)
    an_hour_later = await search_services(
        session, category=Category.MOBILITY, city_id="lyon", locale="en", limit=100,
        open_at=MONDAY_0730_UTC + dt.timedelta(hours=1),
    )  # fmt: skip
    assert lyon in {c.id for c in an_hour_later.cards}


async def test_nearest_first(session: AsyncSession) -> None:
    here = (45.7640, 4.8357)  # Lyon, Place Bellecour-ish
    ids = [
        await _publish(session, "lyon", f"Far {i}", location={"city_id": "lyon",
                       "address_1": "x", "latitude": here[0] + 0.01 * i, "longitude": here[1]})
        for i in (3, 1, 2)
    ]  # fmt: skip
    page = await search_services(
        session, category=Category.MOBILITY, city_id="lyon", locale="en", near=here, limit=200
    )
    distances = [c.distance_m for c in page.cards]
    known = [d for d in distances if d is not None]
    assert known == sorted(known)
    assert distances[: len(known)] == known
    mine = [c.id for c in page.cards if c.id in ids]
    assert mine == [ids[1], ids[2], ids[0]]
    first = next(c for c in page.cards if c.id == ids[1])
    assert first.distance_m is not None
    assert 1_100 < first.distance_m < 1_120


async def test_free_only_district_and_term(session: AsyncSession) -> None:
    paid = await _publish(session, "lyon", "Paid bikes", is_free=False, terms=["mobility.bicycle"])
    free = await _publish(session, "lyon", "Free bikes", terms=["mobility.bicycle"])
    page = await search_services(
        session, category=Category.MOBILITY, city_id="lyon", locale="en", free_only=True,
        district="testville", term="mobility.bicycle", limit=100,
    )  # fmt: skip
    assert [c.id for c in page.cards] == [free]
    assert paid not in {c.id for c in page.cards}


def test_distance() -> None:
    assert round(distance_m((45.0, 4.0), (45.0, 4.0))) == 0
    assert 1_110_000 < distance_m((0.0, 0.0), (10.0, 0.0)) < 1_113_000
