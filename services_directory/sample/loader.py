"""Loading the sample directories (YAML files beside this module) into the database."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from services_directory.categories import Category
from services_directory.cities.models import City, EmergencyNumber
from services_directory.listings.models import (
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceLanguage,
    ServiceTranslation,
)
from services_directory.search import index as search_index
from services_directory.taxonomy import sync_terms

SAMPLE_DIR = Path(__file__).resolve().parent
# HSDS has one text per field; the sample files carry several, English is the base.
_BASE_LOCALE = "en"


def sample_files() -> list[Path]:
    """Return the sample directory files, one per city."""
    return sorted(SAMPLE_DIR.glob("*.yaml"))


def _text(values: dict[str, str] | None, locale: str) -> str | None:
    return (values or {}).get(locale)


def _city(data: dict[str, Any]) -> City:
    return City(
        id=data["id"],
        country=data["country"],
        timezone=data["timezone"],
        latitude=float(data["latitude"]),
        longitude=float(data["longitude"]),
        names=dict(data["names"]),
        aliases=[str(a).casefold() for a in data.get("aliases", [])],
    )


def _service(data: dict[str, Any], organization_id: str, city_id: str) -> Service:
    names, descriptions = data["name"], data["description"]
    service = Service(
        id=data["id"],
        organization_id=organization_id,
        name=names[_BASE_LOCALE],
        description=descriptions[_BASE_LOCALE],
        category=Category(data["category"]).value,
        status="active",
        review_state="published",
        is_free=bool(data.get("free", True)),
        by_appointment=bool(data.get("by_appointment", False)),
        email=data.get("email"),
        url=data.get("url"),
    )
    service.translations = [
        ServiceTranslation(
            locale=locale,
            name=names[locale],
            description=descriptions.get(locale, ""),
            eligibility=_text(data.get("eligibility"), locale),
            fees=_text(data.get("fees"), locale),
        )
        for locale in names
    ]
    service.phones = [Phone(number=str(number)) for number in data.get("phones", [])]
    service.schedules = [
        Schedule(
            freq="WEEKLY",
            byday=period["days"].replace(" ", ""),
            opens_at=dt.time.fromisoformat(period["opens"]).strftime("%H:%M"),
            closes_at=dt.time.fromisoformat(period["closes"]).strftime("%H:%M"),
        )
        for period in data.get("schedule", [])
    ]
    service.languages = [ServiceLanguage(code=code) for code in dict.fromkeys(data["languages"])]
    service.attributes = [
        ServiceAttribute(taxonomy_term_id=f"eligibility.{tag}")
        for tag in dict.fromkeys(data.get("eligibility_tags", []))
    ]
    place = data["location"]
    location = Location(
        id=f"{data['id']}-loc",
        organization_id=organization_id,
        name=place.get("name"),
        city_id=city_id,
        district=place.get("district"),
        address_1=place["address"],
        postal_code=str(place["postal_code"]) if place.get("postal_code") else None,
        latitude=place.get("latitude"),
        longitude=place.get("longitude"),
    )
    service.service_at_locations = [ServiceAtLocation(location=location)]
    return service


async def load_file(session: AsyncSession, path: Path) -> int:
    """Replace the sample city and organisations of one file; return the services loaded."""
    document = yaml.safe_load(await asyncio.to_thread(path.read_text, encoding="utf-8"))
    city = _city(document["city"])
    organizations = document.get("organizations", [])
    # Replacing wholesale keeps the command idempotent: run it twice, get the same directory.
    await session.execute(
        delete(Organization).where(Organization.id.in_([o["id"] for o in organizations]))
    )
    await session.execute(delete(EmergencyNumber).where(EmergencyNumber.city_id == city.id))
    await session.merge(city)
    session.add_all(
        EmergencyNumber(city_id=city.id, kind=n["kind"], number=str(n["number"]))
        for n in document["city"].get("emergency_numbers", [])
    )
    loaded: list[str] = []
    for item in organizations:
        session.add(
            Organization(
                id=item["id"],
                name=item["name"],
                description=item.get("description", ""),
                email=item.get("email"),
                website=item.get("website"),
                is_sample=True,
            )
        )
        # Locations reference the organisation without a relationship the flush could order by.
        await session.flush()
        for service_data in item.get("services", []):
            service = _service(service_data, item["id"], city.id)
            session.add(service)
            loaded.append(service.id)
    await session.flush()
    await search_index.refresh(session, loaded)
    return len(loaded)


async def load_sample(session: AsyncSession) -> dict[str, int]:
    """Load every sample file; return the number of services per file."""
    await sync_terms(session)
    return {path.stem: await load_file(session, path) for path in sample_files()}
