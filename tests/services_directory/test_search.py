"""Search by category and city, in the user's language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services_directory.audit import Actor
from services_directory.categories import Category
from services_directory.cities.service import list_cities, match_city
from services_directory.listings.models import (
    Location,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    ServiceTranslation,
)
from services_directory.search.index import refresh
from services_directory.search.opening import Period
from services_directory.search.row import Card, CardText, IndexedService
from services_directory.search.service import (
    count_by_category,
    elsewhere,
    fallback_chain,
    search_services,
)
from tests.helpers.sample import MCCM_CITIES


async def _category_and_city(session: AsyncSession, service_id: str) -> tuple[str, str]:
    row = (
        await session.execute(
            select(Service.category, Location.city_id)
            .join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id)
            .join(Location, Location.id == ServiceAtLocation.location_id)
            .where(Service.id == service_id)
        )
    ).one()
    return row[0], row[1]


async def test_returns_only_the_category_and_city_asked(session: AsyncSession) -> None:
    page = await search_services(
        session, category=Category.HEALTH, city_id="tangier", locale="en", limit=50
    )
    assert page.total >= 5
    assert len(page.cards) == page.total
    for card in page.cards:
        assert await _category_and_city(session, card.id) == ("health", "tangier")


async def test_pages_do_not_overlap_and_cover_the_total(session: AsyncSession) -> None:
    first = await search_services(
        session, category=Category.LEGAL, city_id="lyon", locale="fr", limit=3
    )
    second = await search_services(
        session, category=Category.LEGAL, city_id="lyon", locale="fr", limit=3, offset=3
    )
    assert len(first.cards) == 3
    assert not {c.id for c in first.cards} & {c.id for c in second.cards}
    assert first.total == second.total


async def test_services_speaking_the_language_come_first(session: AsyncSession) -> None:
    page = await search_services(
        session, category=Category.HEALTH, city_id="lyon", locale="ar", language="ar", limit=50
    )
    speaks = ["ar" in card.languages for card in page.cards]
    assert any(speaks), "sample data should mix, or this proves nothing"
    assert not all(speaks), "sample data should mix, or this proves nothing"
    assert speaks == sorted(speaks, reverse=True)


async def test_text_in_the_users_language(session: AsyncSession) -> None:
    page = await search_services(
        session, category=Category.HOUSING, city_id="tangier", locale="ar", limit=1
    )
    card = page.cards[0]
    arabic = await session.get(ServiceTranslation, (card.id, "ar"))
    assert arabic is not None
    assert card.name == arabic.name
    assert card.phones
    assert card.opening_hours
    assert card.address


async def test_missing_translation_falls_back_to_english(session: AsyncSession) -> None:
    page = await search_services(
        session, category=Category.JOBS, city_id="lyon", locale="fa", limit=1
    )
    english = await session.get(ServiceTranslation, (page.cards[0].id, "en"))
    assert english is not None
    assert page.cards[0].name == english.name
    assert fallback_chain("ar_MA") == ["ar_MA", "ar", "en"]


async def test_inactive_services_are_never_returned(session: AsyncSession) -> None:
    page = await search_services(
        session, category=Category.MOBILITY, city_id="tangier", locale="en", limit=50
    )
    hidden = await session.get(Service, page.cards[0].id)
    assert hidden is not None
    hidden.status = "inactive"
    await refresh(session, [hidden.id])
    again = await search_services(
        session, category=Category.MOBILITY, city_id="tangier", locale="en", limit=50
    )
    assert hidden.id not in {c.id for c in again.cards}
    assert again.total == page.total - 1


async def test_every_category_has_five_services_in_each_sample_city(session: AsyncSession) -> None:
    for city in MCCM_CITIES:
        counts = await count_by_category(session, city_id=city)
        assert {c.value for c in Category} == set(counts)
        assert min(counts.values()) >= 5, (city, counts)


_PERSIAN = re.compile(r"[\u0600-\u06FF]")
_UKRAINIAN = re.compile(r"[а-яіїєґ]", re.I)
_TURKISH = re.compile(r"[çğışöü]", re.I)


@pytest.mark.parametrize(
    ("city", "locale", "letters"),
    [("vienna", "fa", _PERSIAN), ("vienna", "uk", _UKRAINIAN), ("vienna", "tr", _TURKISH),
     ("madrid", "fa", _PERSIAN), ("madrid", "uk", _UKRAINIAN),
     ("lisbon", "fa", _PERSIAN), ("lisbon", "uk", _UKRAINIAN)],
)  # fmt: skip
async def test_cities_answer_their_largest_groups_of_newcomers_in_their_language(
    session: AsyncSession, city: str, locale: str, letters: re.Pattern[str]
) -> None:
    # Vienna's Afghans, Iranians, Ukrainians and Turks, and Madrid's and Lisbon's Afghans,
    # Iranians and Ukrainians, got the sample services in English.
    for category in Category:
        english = await search_services(
            session, category=category, city_id=city, locale="en", limit=50
        )
        theirs = await search_services(
            session, category=category, city_id=city, locale=locale, limit=50
        )
        assert len(theirs.cards) == len(english.cards) >= 5
        for mine, other in zip(theirs.cards, english.cards, strict=True):
            assert mine.id == other.id
            for field in ("name", "description", "eligibility"):
                text = getattr(mine, field)
                assert text is not None, (mine.id, field)
                assert text != getattr(other, field), (mine.id, field)
            assert letters.search(mine.name + mine.description), mine.id


async def test_sample_services_are_marked_as_sample(session: AsyncSession) -> None:
    page = await search_services(
        session, category=Category.EDUCATION, city_id="lyon", locale="en", limit=50
    )
    assert all(card.is_sample for card in page.cards)


async def test_cities_are_recognised_as_people_write_them(session: AsyncSession) -> None:
    cities = await list_cities(session)
    found = {
        text: (city.id if (city := match_city(cities, text)) else None)
        for text in [
            "أين أجد طبيب في طنجة؟",
            "fin kayn sbitar f tanja",
            "je cherche un médecin à Tanger",
            "bghit nkhdem btanja",
            "ابحث عن سكن بطنجة",
            "I am in LYON",
            "عندي ديون مليون ليرة",
            "اسمي نعمان وأبحث عن عمل",
            "un logement à lyon stp",
            "I need a doctor",
            "viyanada is ariyorum",
            "Madridde doktor lazım",
            "beyrutta kira yardımı",
            "viyanadayım",
            "Ammana yeni geldim",
            "шукаю житло в Аммані",
            "нужна работа в Турине",
            "потрібен лікар у Відні",
            "Вена",
            "я из Лиссабона",
            "нужно жилье в Лионе",
            "болят вены",
        ]
    }
    assert found == {
        "أين أجد طبيب في طنجة؟": "tangier",
        "fin kayn sbitar f tanja": "tangier",
        "je cherche un médecin à Tanger": "tangier",
        "bghit nkhdem btanja": "tangier",
        "ابحث عن سكن بطنجة": "tangier",
        "I am in LYON": "lyon",
        # A million (مليون) is not Lyon, nor the name Nu'man (نعمان) Amman.
        "عندي ديون مليون ليرة": None,
        "اسمي نعمان وأبحث عن عمل": None,
        "un logement à lyon stp": "lyon",
        "I need a doctor": None,
        # Turkish glues its case endings to the name, without an apostrophe on a phone.
        "viyanada is ariyorum": "vienna",
        "Madridde doktor lazım": "madrid",
        "beyrutta kira yardımı": "beirut",
        "viyanadayım": "vienna",
        "Ammana yeni geldim": "amman",
        # Ukrainian and Russian decline the name, and Russian names cities its own way.
        "шукаю житло в Аммані": "amman",
        "нужна работа в Турине": "turin",
        "потрібен лікар у Відні": "vienna",
        "Вена": "vienna",
        "я из Лиссабона": "lisbon",
        "нужно жилье в Лионе": "lyon",
        # Veins (вени, вены) are not Vienna (Вена).
        "болят вены": None,
    }


async def test_language_codes_are_stored_per_service(session: AsyncSession) -> None:
    codes = (await session.scalars(select(ServiceLanguage.code).distinct())).all()
    assert {"ar", "fr"} <= set(codes)


async def test_an_edit_shows_at_once_and_a_rolled_back_one_never_lingers(
    session: AsyncSession,
) -> None:
    from services_directory.listings import service as listings
    from services_directory.listings.schemas import ServiceFields

    async def first_card_name() -> tuple[str, str]:
        page = await search_services(
            session, category=Category.HEALTH, city_id="vienna", locale="de", limit=1
        )
        return page.cards[0].id, page.cards[0].name

    service_id, before = await first_card_name()
    assert await first_card_name() == (service_id, before)  # read again from this process

    async def rename(name: str) -> None:
        service = await listings.get_service(session, service_id, for_update=True)
        assert service is not None
        fields = listings.to_fields(service)
        fields["translations"]["de"]["name"] = name
        await listings.update_service(
            session, service=service, fields=ServiceFields.model_validate(fields),
            expected_version=service.version, actor=Actor(None, "test"),
        )  # fmt: skip

    savepoint = await session.begin_nested()
    await rename("Umbenannt")
    assert await first_card_name() == (service_id, "Umbenannt")
    await savepoint.rollback()
    session.expire_all()
    assert await first_card_name() == (service_id, before)


async def test_an_edit_refreshes_only_its_city_and_categories(session: AsyncSession) -> None:
    from services_directory.listings import service as listings
    from services_directory.listings.schemas import ServiceFields
    from services_directory.search import service as search

    async def ids(category: Category, city: str) -> set[str]:
        page = await search_services(
            session, category=category, city_id=city, locale="fr", limit=100
        )
        return {card.id for card in page.cards}

    health = await ids(Category.HEALTH, "lyon")
    housing = await ids(Category.HOUSING, "lyon")
    await ids(Category.JOBS, "tunis")
    tunis_jobs = search._CACHE.groups[("tunis", "jobs")]
    moved = sorted(health)[0]

    service = await listings.get_service(session, moved, for_update=True)
    assert service is not None
    fields = listings.to_fields(service)
    fields["category"] = "housing"
    await listings.update_service(
        session, service=service, fields=ServiceFields.model_validate(fields),
        expected_version=service.version, actor=Actor(None, "test"),
    )  # fmt: skip

    assert await ids(Category.HEALTH, "lyon") == health - {moved}
    assert await ids(Category.HOUSING, "lyon") == housing | {moved}
    await ids(Category.JOBS, "tunis")
    assert search._CACHE.groups[("tunis", "jobs")] is tunis_jobs  # not read again


def test_an_index_row_reads_back_as_it_was_written() -> None:
    indexed = IndexedService(
        service_id="s-1", city_id="lyon", category="health", district_key="guillotière",
        name_key="médecins du monde", latitude=45.75, longitude=4.84, is_free=True,
        languages=("ar", "fr"), terms=("eligibility.undocumented",),
        periods=(
            Period(("MO", "TU"), dt.time(9), dt.time(17, 30)),
            Period(("SA",), dt.time(22), dt.time(2), dt.date(2026, 12, 24), dt.date(2026, 12, 26),
                   closed=True),
        ),
    )  # fmt: skip
    assert IndexedService.from_columns(indexed.columns()) == indexed
    card = Card(
        name="Médecins du Monde", description="Soins", address="1 rue X", district=None,
        is_sample=False, phones=("+33 4 00 00 00 00",),
        texts={"ar": CardText("أطباء العالم", "علاج", None, "مجاني")},
    )  # fmt: skip
    assert Card.from_json(card.to_json()) == card


async def test_elsewhere_reads_the_cities_with_a_topic_and_the_topics_of_a_city(
    session: AsyncSession,
) -> None:
    mobility = await search_services(
        session, category=Category.MOBILITY, city_id="tangier", locale="en", limit=100
    )
    for card in mobility.cards:
        hidden = await session.get(Service, card.id)
        assert hidden is not None
        hidden.status = "inactive"
    await refresh(session, [card.id for card in mobility.cards])

    found = await elsewhere(session, city_id="tangier", category=Category.MOBILITY)
    assert found.cities == set(MCCM_CITIES) - {"tangier"}
    assert found.categories == {c.value for c in Category} - {"mobility"}
    assert set(await count_by_category(session, city_id="tangier")) == found.categories
