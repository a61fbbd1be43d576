"""HSDS 3.0: services as nested JSON, and the tabular package (one CSV per table, zipped).

Export writes the HSDS 3.0 service shape (organization, service_at_locations with location
and addresses, phones, schedules, languages, cost_options, contacts, service_areas,
attributes with taxonomy terms). What HSDS has no field for travels in `dalil_*` extension
fields, so our own export imports back unchanged: per-locale texts, the city, the district,
closures, "by appointment", the review state and the version an update must match.

Import reads any HSDS 3.0 service (one object, a list, or a page with `contents`) and maps
it onto the same editable fields the spreadsheet uses; every problem is reported with the
service's number and the JSON path of the field, and the importer writes all or nothing.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections import defaultdict
from typing import Any

from pydantic import ValidationError

from services_directory.categories import Category
from services_directory.cities.models import City
from services_directory.cities.service import match_city
from services_directory.exchange.spreadsheet import ParsedRow, RowError
from services_directory.listings.models import Service
from services_directory.listings.schemas import ServiceFields
from services_directory.listings.service import to_fields
from services_directory.taxonomy import CATEGORY_TAXONOMY, ELIGIBILITY_TAXONOMY

HSDS_VERSION = "3.0"
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)")
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_PHONE_JUNK = re.compile(r"[^0-9+ ().\-/]")


class HSDSFormatError(ValueError):
    """The document is not HSDS services at all (not a problem of one service)."""


# Export ----------------------------------------------------------------------------------


def service_document(service: Service, city: City | None) -> dict[str, Any]:
    """Return one service as a fully nested HSDS 3.0 service object."""
    data = to_fields(service)
    location = data["location"] or {}
    organization = service.organization
    texts = data["translations"]
    main_text: dict[str, Any] = texts.get("en") or next(iter(texts.values()), {})
    terms = [
        data["category"],
        *data["terms"],
        *(f"eligibility.{t}" for t in data["eligibility_tags"]),
    ]
    document: dict[str, Any] = {
        "id": service.id,
        "name": data["name"],
        "description": data["description"],
        "url": data["url"],
        "email": data["email"],
        "status": data["operating_status"],
        "eligibility_description": main_text.get("eligibility"),
        "fees_description": main_text.get("fees"),
        "last_modified": service.updated_at.isoformat() if service.updated_at else None,
        "organization": {
            "id": organization.id,
            "name": organization.name,
            "description": organization.description,
            "email": organization.email,
            "website": organization.website,
        },
        "phones": [
            {
                "id": f"{service.id}-phone-{n}",
                "number": p["number"],
                "description": p["description"],
            }
            for n, p in enumerate(data["phones"], start=1)
        ],
        "schedules": [
            {
                "id": f"{service.id}-schedule-{n}",
                "freq": "WEEKLY",
                "byday": s["byday"],
                "opens_at": s["opens_at"],
                "closes_at": s["closes_at"],
                "valid_from": s["valid_from"],
                "valid_to": s["valid_to"],
                "description": s["description"],
                "dalil_closed": s["closed"],
            }
            for n, s in enumerate(data["schedules"], start=1)
        ],
        "languages": [
            {"id": f"{service.id}-language-{code}", "code": code} for code in data["languages"]
        ],
        "cost_options": [{"id": f"{service.id}-cost", "option": "Free of charge", "amount": 0}]
        if data["is_free"]
        else [],
        "contacts": [
            {
                "id": f"{service.id}-contact-{n}",
                "name": c["name"],
                "title": c["title"],
                "email": c["email"],
                "phones": [{"id": f"{service.id}-contact-{n}-phone", "number": c["phone"]}]
                if c["phone"]
                else [],
            }
            for n, c in enumerate(data["contacts"], start=1)
        ],
        "service_areas": [
            {"id": f"{service.id}-area-{n}", "name": a["name"], "description": a["description"]}
            for n, a in enumerate(data["service_areas"], start=1)
        ],
        "attributes": [
            {
                "id": f"{service.id}-attribute-{n}",
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": term,
                "taxonomy_term": {
                    "id": term,
                    "code": term,
                    "taxonomy": ELIGIBILITY_TAXONOMY
                    if term.startswith("eligibility.")
                    else CATEGORY_TAXONOMY,
                },
            }
            for n, term in enumerate(terms, start=1)
        ],
        "service_at_locations": [],
        "dalil_version": service.version,
        "dalil_review_state": service.review_state,
        "dalil_by_appointment": data["by_appointment"],
        "dalil_translations": texts,
    }
    if location:
        location_id = service.service_at_locations[0].location.id
        document["service_at_locations"] = [
            {
                "id": f"{service.id}-at-{location_id}",
                "location": {
                    "id": location_id,
                    "location_type": "physical",
                    "name": location["name"],
                    "latitude": location["latitude"],
                    "longitude": location["longitude"],
                    "addresses": [
                        {
                            "id": f"{location_id}-address",
                            "address_1": location["address_1"],
                            "city": (city.names.get("en") if city else None) or location["city_id"],
                            "region": location["district"],
                            "postal_code": location["postal_code"],
                            "country": city.country if city else None,
                            "address_type": "physical",
                        }
                    ],
                    "accessibility": [
                        {
                            "id": f"{location_id}-accessibility",
                            "description": location["accessibility"],
                        }
                    ]
                    if location["accessibility"]
                    else [],
                    "dalil_city_id": location["city_id"],
                    "dalil_district": location["district"],
                },
            }
        ]
    return document


# Import ----------------------------------------------------------------------------------


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


def _terms_of(service: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for attribute in service.get("attributes") or []:
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

    def classify(self, service: dict[str, Any]) -> tuple[str | None, list[str], list[str]]:
        category, finer, eligibility = None, [], []
        for term in _terms_of(service):
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
        links = [s for s in service.get("service_at_locations") or [] if isinstance(s, dict)]
        located = [link for link in links if isinstance(link.get("location"), dict)]
        if not located:
            self.error("service_at_locations", "the service needs a location with an address")
            return {"city_id": "", "address_1": ""}
        location = located[0]["location"]
        path = "service_at_locations[0].location"
        addresses = [a for a in location.get("addresses") or [] if isinstance(a, dict)]
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
            for a in location.get("accessibility") or []
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
        for n, schedule in enumerate(service.get("schedules") or []):
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
        costs = [c for c in service.get("cost_options") or [] if isinstance(c, dict)]
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
        for contact in service.get("contacts") or []:
            if isinstance(contact, dict) and _text(contact.get("name")):
                phones = [p for p in contact.get("phones") or [] if isinstance(p, dict)]
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
                for language in service.get("languages") or []
                if isinstance(language, dict) and language.get("code")
            ],
            "phones": [
                {"number": _phone(p.get("number")), "description": _text(p.get("description"))}
                for p in service.get("phones") or []
                if isinstance(p, dict) and _phone(p.get("number"))
            ],
            "schedules": self.schedules(service),
            "contacts": contacts,
            "service_areas": [
                {"name": _text(a.get("name")), "description": _text(a.get("description"))}
                for a in service.get("service_areas") or []
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


# Tabular package -------------------------------------------------------------------------

# table → (parent table, foreign key column, the parent's list field holding its rows)
_CHILD_TABLES: dict[str, tuple[str, str, str]] = {
    "phone": ("service", "service_id", "phones"),
    "schedule": ("service", "service_id", "schedules"),
    "language": ("service", "service_id", "languages"),
    "cost_option": ("service", "service_id", "cost_options"),
    "contact": ("service", "service_id", "contacts"),
    "service_area": ("service", "service_id", "service_areas"),
    "attribute": ("service", "link_id", "attributes"),
    "service_at_location": ("service", "service_id", "service_at_locations"),
    "address": ("location", "location_id", "addresses"),
    "accessibility": ("location", "location_id", "accessibility"),
}
_TABLE_ORDER = (
    "organization", "service", "service_at_location", "location", "address", "accessibility",
    "phone", "schedule", "language", "cost_option", "contact", "service_area", "attribute",
    "taxonomy_term",
)  # fmt: skip


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def tabular_package(documents: list[dict[str, Any]]) -> bytes:
    """Flatten nested services into HSDS tables and return them as a zip of CSV files."""
    tables: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)

    def put(table: str, row: dict[str, Any]) -> None:
        tables[table][str(row["id"])] = row

    for service in documents:
        flat = {k: v for k, v in service.items() if not isinstance(v, list | dict)}
        flat["organization_id"] = service["organization"]["id"]
        flat["dalil_translations"] = service.get("dalil_translations") or {}
        put("organization", dict(service["organization"]))
        put("service", flat)
        for field in ("phones", "schedules", "languages", "cost_options", "service_areas"):
            table = field.removesuffix("s") if field != "service_areas" else "service_area"
            for child in service[field]:
                put(table, {**child, "service_id": service["id"]})
        for contact in service["contacts"]:
            phone = contact["phones"][0]["number"] if contact["phones"] else None
            row = {k: v for k, v in contact.items() if k != "phones"}
            put("contact", {**row, "service_id": service["id"], "dalil_phone": phone})
        for attribute in service["attributes"]:
            term = attribute["taxonomy_term"]
            put("taxonomy_term", {"id": term["id"], "code": term["code"], "name": term["id"],
                                  "description": "", "taxonomy": term["taxonomy"]})  # fmt: skip
            row = {k: v for k, v in attribute.items() if k != "taxonomy_term"}
            put("attribute", {**row, "link_id": service["id"]})
        for link in service["service_at_locations"]:
            location = link["location"]
            put("service_at_location", {"id": link["id"], "service_id": service["id"],
                                        "location_id": location["id"]})  # fmt: skip
            flat_location = {k: v for k, v in location.items() if not isinstance(v, list)}
            put("location", {**flat_location, "organization_id": service["organization"]["id"]})
            for address in location["addresses"]:
                put("address", {**address, "location_id": location["id"]})
            for item in location["accessibility"]:
                put("accessibility", {**item, "location_id": location["id"]})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        resources = []
        for table in _TABLE_ORDER:
            rows = list(tables.get(table, {}).values())
            header = sorted({key for row in rows for key in row}, key=lambda k: (k != "id", k))
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(header or ["id"])
            for row in rows:
                writer.writerow([_cell(row.get(column)) for column in header])
            archive.writestr(f"{table}.csv", text.getvalue())
            resources.append({"name": table, "path": f"{table}.csv", "format": "csv"})
        package = {"name": "dalil-directory", "profile": "tabular-data-package",
                   "hsds_version": HSDS_VERSION, "resources": resources}  # fmt: skip
        archive.writestr("datapackage.json", json.dumps(package, indent=2))
    return buffer.getvalue()


_JSON_COLUMNS = {"dalil_translations"}
_BOOL_COLUMNS = {"dalil_closed", "dalil_by_appointment"}
_NUMBER_COLUMNS = {"latitude", "longitude", "amount", "dalil_version"}


def _typed(column: str, value: str) -> Any:
    if value == "":
        return None
    if column in _JSON_COLUMNS:
        return json.loads(value)
    if column in _BOOL_COLUMNS:
        return value.strip().lower() in {"true", "1", "yes"}
    if column in _NUMBER_COLUMNS:
        number = float(value)
        return int(number) if column == "dalil_version" else number
    return value


def read_tabular_package(content: bytes) -> list[dict[str, Any]]:
    """Read a zip of HSDS CSV tables back into nested service objects."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as error:
        raise HSDSFormatError("not a zip file of HSDS CSV tables") from error
    tables: dict[str, list[dict[str, Any]]] = {}
    with archive:
        for name in archive.namelist():
            table = name.rsplit("/", 1)[-1].removesuffix(".csv")
            if not name.endswith(".csv"):
                continue
            text = archive.read(name).decode("utf-8-sig").replace("\x00", "")
            try:
                tables[table] = [
                    {k: _typed(k, v or "") for k, v in row.items() if k}
                    for row in csv.DictReader(io.StringIO(text))
                ]
            except ValueError as error:
                raise HSDSFormatError(f"{name}: {error}") from error
    if "service" not in tables:
        raise HSDSFormatError("the package has no service.csv")
    by_id = {t: {str(r.get("id")): r for r in rows} for t, rows in tables.items()}
    children: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for table, (_, key, field) in _CHILD_TABLES.items():
        for row in tables.get(table, []):
            children[(field, str(row.get(key)))].append(row)
    locations = by_id.get("location", {})
    terms = by_id.get("taxonomy_term", {})
    organizations = by_id.get("organization", {})
    services = []
    for row in tables["service"]:
        service_id = str(row.get("id"))
        service = dict(row)
        organization_id = str(row.get("organization_id"))
        service["organization"] = organizations.get(organization_id, {"id": organization_id})
        for field in ("phones", "schedules", "languages", "cost_options", "service_areas"):
            service[field] = children[(field, service_id)]
        service["contacts"] = [
            {**c, "phones": [{"number": c["dalil_phone"]}] if c.get("dalil_phone") else []}
            for c in children[("contacts", service_id)]
        ]
        service["attributes"] = [
            {**a, "taxonomy_term": terms.get(str(a.get("taxonomy_term_id")), {})}
            for a in children[("attributes", service_id)]
        ]
        links = []
        for link in children[("service_at_locations", service_id)]:
            location = dict(locations.get(str(link.get("location_id")), {}))
            if location:
                location["addresses"] = children[("addresses", str(location.get("id")))]
                location["accessibility"] = children[("accessibility", str(location.get("id")))]
                links.append({**link, "location": location})
        service["service_at_locations"] = links
        services.append(service)
    return services
