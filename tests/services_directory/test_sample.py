"""Loading the sample directory twice gives the same directory."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import SUPPORTED_LOCALES
from services_directory.cities.service import get_city, list_cities, match_district
from services_directory.listings.models import Organization, Phone, Service, ServiceTranslation
from services_directory.sample.loader import load_sample
from tests.helpers.sample import MCCM_CITIES


async def _counts(session: AsyncSession) -> tuple[int, int, int]:
    services = await session.scalar(select(func.count()).select_from(Service))
    phones = await session.scalar(select(func.count()).select_from(Phone))
    translations = await session.scalar(select(func.count()).select_from(ServiceTranslation))
    return services or 0, phones or 0, translations or 0


async def test_loading_again_replaces_instead_of_duplicating(session: AsyncSession) -> None:
    before = await _counts(session)
    loaded = await load_sample(session)
    assert await _counts(session) == before
    sample_services = await session.scalar(
        select(func.count())
        .select_from(Service)
        .join(Organization, Organization.id == Service.organization_id)
        .where(Organization.is_sample)
    )
    assert sum(loaded.values()) == sample_services
    assert set(loaded) == set(MCCM_CITIES)


async def test_cities_carry_their_real_emergency_numbers(session: AsyncSession) -> None:
    tangier = await get_city(session, "tangier")
    lyon = await get_city(session, "lyon")
    assert tangier is not None
    assert lyon is not None
    assert {(n.kind, n.number) for n in tangier.emergency_numbers} >= {("police", "19")}
    assert {(n.kind, n.number) for n in lyon.emergency_numbers} >= {
        ("general", "112"),
        ("ambulance", "15"),
    }
    assert tangier.display_name("ar") == "طنجة"
    assert lyon.display_name("fr_FR") == "Lyon"


async def test_every_city_has_its_name_in_every_interface_language(session: AsyncSession) -> None:
    cities = await list_cities(session)
    missing = {c.id: set(SUPPORTED_LOCALES) - set(c.names) for c in cities}
    assert not {city: locales for city, locales in missing.items() if locales}
    vienna = next(c for c in cities if c.id == "vienna")
    # A Persian sentence names the city in Persian, not in English.
    assert vienna.display_name("fa") == "وین" != vienna.display_name("en")
    assert vienna.display_name("uk") == "Відень"


@pytest.mark.parametrize(
    ("named", "text", "expected"),
    [
        ("favoriten", None, "Favoriten"),  # the NLU entity, however it is written
        ("Rudolfsheim Funfhaus", None, "Rudolfsheim-Fünfhaus"),
        (None, "necesito un médico en el Centro, Madrid", "Centro"),
        (None, "busco un centro de salud en Madrid", None),  # a word, not the district
        (None, "doctor near Lyon 1er please", "Lyon 1er"),
        ("Atlantis", "a doctor in Atlantis", None),  # unknown: never returned, never kept
    ],
)
def test_a_district_is_one_the_directory_knows(
    named: str | None, text: str | None, expected: str | None
) -> None:
    districts = ["Centro", "Favoriten", "Lyon", "Lyon 1er", "Rudolfsheim-Fünfhaus"]
    assert match_district(districts, named, text) == expected
