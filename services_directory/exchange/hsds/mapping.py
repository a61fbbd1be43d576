"""HSDS 3.0 import: any HSDS service mapped onto the fields the spreadsheet edits.

Reads one service object, a list, or a page with `contents`. Every problem is reported with
the service's number and the JSON path of the field; the importer then writes all or nothing.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from services_directory.categories import Category
from services_directory.cities.models import City
from services_directory.cities.service import match_city
from services_directory.exchange.hsds.errors import HSDSFormatError
from services_directory.exchange.spreadsheet import ParsedRow, RowError
from services_directory.listings.schemas import ServiceFields
from services_directory.taxonomy import CATEGORY_TAXONOMY

_TIME = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])")
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_PHONE_JUNK = re.compile(r"[^0-9+ ().\-/]")


def services_in(document: Any) -> list[Any]:
    """Return the service objects of a document: one service, a list, or an HSDS page."""
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        return list(document["contents"])
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and "name" in document:
        return [document]
    raise HSDSFormatError("expected an HSDS service, a list of services or a page of them")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _phone(value: Any) -> str | None:
    number = _PHONE_JUNK.sub("", str(value or "")).strip()
    return number or None


def _time(value: Any) -> str | None:
    match = _TIME.match(str(value or "").strip())
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else None


def _terms_of(attributes: list[Any]) -> list[str]:
    found: list[str] = []
    for attribute in attributes:
        if not isinstance(attribute, dict):
            continue
        nested = attribute.get("taxonomy_term")
        term: dict[str, Any] = nested if isinstance(nested, dict) else {}
        for key in (attribute.get("taxonomy_term_id"), term.get("id"), term.get("code")):
            if key:
                found.append(str(key))
    return list(dict.fromkeys(found))


class _Mapper:
    """Map one HSDS service onto ServiceFields, noting every problem with its path."""

    def __init__(
        self,
        number: int,
        cities: list[City],
        terms: dict[str, tuple[str, str | None]],
        default_category: Category | None,
        locale: str,
    ) -> None:
        self.number = number
        self.cities = cities
        self.terms = terms
        self.default_category = default_category
        self.locale = locale
        self.errors: list[RowError] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(RowError(self.number, path, message))

    def listed(self, item: dict[str, Any], key: str, path: str) -> list[Any]:
        """An HSDS array of `item` as a list; a value that is not an array is an error of
        the row (read as empty), not a crash."""
        value = item.get(key)
        if value is not None and not isinstance(value, list):
            self.error(path, f"must be a list, not {type(value).__name__}")
        return value if isinstance(value, list) else []

    def classify(self, service: dict[str, Any]) -> tuple[str | None, list[str], list[str]]:
        category, finer, eligibility = None, [], []
        for term in _terms_of(self.listed(service, "attributes", "attributes")):
            if term in {c.value for c in Category}:
                category = category or term
            elif term.startswith("eligibility.") and term in self.terms:
                eligibility.append(term.removeprefix("eligibility."))
            elif term in self.terms and self.terms[term][0] == CATEGORY_TAXONOMY:
                finer.append(term)
                category = category or self.terms[term][1]
        if category is None and self.default_category is not None:
            category = self.default_category.value
        if category is None:
            self.error(
                "attributes",
                "no Dalil category among the taxonomy terms (one of "
                + ", ".join(c.value for c in Category)
                + "); add one, or import with a default category",
            )
        finer = [t for t in finer if self.terms[t][1] == category]
        return category, finer, eligibility

    def place(self, service: dict[str, Any]) -> dict[str, Any]:
        links = [
            s
            for s in self.listed(service, "service_at_locations", "service_at_locations")
            if isinstance(s, dict)
        ]
        located = [link for link in links if isinstance(link.get("location"), dict)]
        if not located:
            self.error("service_at_locations", "the service needs a location with an address")
            return {"city_id": "", "address_1": ""}
        location = located[0]["location"]
        path = "service_at_locations[0].location"
        addresses = [
            a
            for a in self.listed(location, "addresses", f"{path}.addresses")
            if isinstance(a, dict)
        ]
        physical = [a for a in addresses if a.get("address_type") in (None, "physical")]
        address = (physical or addresses or [{}])[0]
        city_id = _text(location.get("dalil_city_id"))
        if city_id is None:
            named = " ".join(str(v) for v in (address.get("city"), address.get("region")) if v)
            city = match_city(self.cities, named) if named else None
            if city is None:
                self.error(f"{path}.addresses[0].city", f"not a Dalil city: {named!r}")
            city_id = city.id if city else ""
        accessibility = [
            _text(a.get("description"))
            for a in self.listed(location, "accessibility", f"{path}.accessibility")
            if isinstance(a, dict)
        ]
        place = {
            "name": _text(location.get("name")),
            "city_id": city_id,
            "district": _text(location.get("dalil_district")),
            "address_1": _text(address.get("address_1")) or "",
            "postal_code": _text(address.get("postal_code")),
            "latitude": location.get("latitude"),
            "longitude": location.get("longitude"),
            "accessibility": "\n".join(a for a in accessibility if a) or None,
        }
        if not place["address_1"]:
            self.error(f"{path}.addresses[0].address_1", "the location needs a street address")
        return place

    def schedules(self, service: dict[str, Any]) -> list[dict[str, Any]]:
        periods = []
        for n, schedule in enumerate(self.listed(service, "schedules", "schedules")):
            if not isinstance(schedule, dict):
                continue
            path = f"schedules[{n}]"
            if (schedule.get("freq") or "WEEKLY") != "WEEKLY":
                self.error(f"{path}.freq", "only weekly schedules can be imported")
                continue
            days = [d.strip().upper()[:2] for d in str(schedule.get("byday") or "").split(",")]
            days = [d for d in days if d]
            if not days or any(d not in _DAYS for d in days):
                self.error(f"{path}.byday", "needs weekdays like MO,TU,WE")
                continue
            opens, closes = _time(schedule.get("opens_at")), _time(schedule.get("closes_at"))
            if opens is None or closes is None:
                self.error(f"{path}.opens_at", "needs opening and closing times like 09:00")
                continue
            periods.append(
                {
                    "byday": ",".join(dict.fromkeys(days)),
                    "opens_at": opens,
                    "closes_at": closes,
                    "valid_from": _text(schedule.get("valid_from")),
                    "valid_to": _text(schedule.get("valid_to")),
                    "closed": bool(schedule.get("dalil_closed", False)),
                    "description": _text(schedule.get("description")),
                }
            )
        return periods

    def fields(self, service: dict[str, Any]) -> ServiceFields | None:
        category, finer, eligibility = self.classify(service)
        costs = [
            c for c in self.listed(service, "cost_options", "cost_options") if isinstance(c, dict)
        ]
        if costs:
            is_free = all(not c.get("amount") for c in costs)
        else:
            is_free = not _text(service.get("fees_description"))
        translations = service.get("dalil_translations")
        if not isinstance(translations, dict):
            translations = {}
            eligibility_text = _text(service.get("eligibility_description"))
            fees_text = _text(service.get("fees_description"))
            if eligibility_text or fees_text:
                translations[self.locale] = {
                    "name": _text(service.get("name")) or "",
                    "description": _text(service.get("description")) or "",
                    "eligibility": eligibility_text,
                    "fees": fees_text,
                }
        contacts = []
        for n, contact in enumerate(self.listed(service, "contacts", "contacts")):
            if isinstance(contact, dict) and _text(contact.get("name")):
                phones = [
                    p
                    for p in self.listed(contact, "phones", f"contacts[{n}].phones")
                    if isinstance(p, dict)
                ]
                contacts.append(
                    {
                        "name": _text(contact.get("name")),
                        "title": _text(contact.get("title")),
                        "email": _text(contact.get("email")),
                        "phone": _phone(phones[0].get("number")) if phones else None,
                    }
                )
        data = {
            "name": _text(service.get("name")) or "",
            "description": _text(service.get("description")) or "",
            "category": category or "",
            "terms": finer,
            "eligibility_tags": eligibility,
            "by_appointment": bool(service.get("dalil_by_appointment", False)),
            "is_free": is_free,
            "email": _text(service.get("email")),
            "url": _text(service.get("url")),
            "operating_status": _text(service.get("status")) or "active",
            "translations": translations,
            "languages": [
                str(language["code"])
                for language in self.listed(service, "languages", "languages")
                if isinstance(language, dict) and language.get("code")
            ],
            "phones": [
                {"number": _phone(p.get("number")), "description": _text(p.get("description"))}
                for p in self.listed(service, "phones", "phones")
                if isinstance(p, dict) and _phone(p.get("number"))
            ],
            "schedules": self.schedules(service),
            "contacts": contacts,
            "service_areas": [
                {"name": _text(a.get("name")), "description": _text(a.get("description"))}
                for a in self.listed(service, "service_areas", "service_areas")
                if isinstance(a, dict) and _text(a.get("name"))
            ],
            "location": self.place(service),
        }
        try:
            return ServiceFields.model_validate(data)
        except ValidationError as invalid:
            for problem in invalid.errors():
                self.error(_path(tuple(problem["loc"])), problem["msg"])
            return None


def _path(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]" if parts else f"[{item}]"
        else:
            parts.append(str(item))
    text = ".".join(parts)
    return text.replace("location.", "service_at_locations[0].location.", 1)


def parse_services(
    services: list[Any],
    *,
    cities: list[City],
    terms: dict[str, tuple[str, str | None]],
    default_category: Category | None = None,
    locale: str = "en",
) -> list[ParsedRow]:
    """Turn HSDS service objects into parsed rows (numbered from 1) for the importer."""
    parsed = []
    for number, service in enumerate(services, start=1):
        mapper = _Mapper(number, cities, terms, default_category, locale)
        if not isinstance(service, dict):
            mapper.error("", "not an HSDS service object")
            parsed.append(ParsedRow(number, None, None, None, None, mapper.errors))
            continue
        fields = mapper.fields(service)
        version = service.get("dalil_version")
        nested = service.get("organization")
        organization: dict[str, Any] = nested if isinstance(nested, dict) else {}
        organization_id = _text(organization.get("id")) or _text(service.get("organization_id"))
        row = ParsedRow(
            number,
            _text(service.get("id")),
            version if isinstance(version, int) and not isinstance(version, bool) else None,
            organization_id,
            fields if not mapper.errors else None,
            mapper.errors,
        )
        row.keep_id = True
        row.organization = {
            "id": organization_id,
            "name": _text(organization.get("name")),
            "description": _text(organization.get("description")) or "",
            "email": _text(organization.get("email")),
            "website": _text(organization.get("website")),
        }
        parsed.append(row)
    return parsed
