"""The HSDS tabular package: nested services as one CSV file a table, zipped, and back."""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import zipfile
from collections import defaultdict
from typing import Any

from services_directory.exchange.cells import neutralise, read_csv
from services_directory.exchange.errors import UnreadableFile, unreadable
from services_directory.exchange.hsds.errors import HSDSFormatError
from services_directory.exchange.hsds.jsontext import read_json
from services_directory.exchange.limits import DEFAULT_LIMITS, Budget, ReadLimits

HSDS_VERSION = "3.0"

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
    return neutralise(str(value))


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


def _typed(column: str, value: str, limits: ReadLimits) -> Any:
    if value == "":
        return None
    if column in _JSON_COLUMNS:
        return read_json(value, limits.depth)
    if column in _BOOL_COLUMNS:
        return value.strip().lower() in {"true", "1", "yes"}
    if column in _NUMBER_COLUMNS:
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"{column} must be a finite number, not {value!r}")
        if column == "dalil_version" and not number.is_integer():
            raise ValueError(f"{column} must be a whole number, not {value!r}")
        return int(number) if column == "dalil_version" else number
    return value


def _records(name: str, content: bytes, limits: ReadLimits) -> list[dict[str, Any]]:
    rows = read_csv(content, limits)
    header = rows[0] if rows else []
    try:
        with unreadable(name):
            return [
                # As csv.DictReader: missing cells are empty, cells past the header dropped.
                {
                    k: _typed(k, v, limits)
                    for k, v in itertools.zip_longest(header, row, fillvalue="")
                    if k
                }
                for row in rows[1:]
                if row
            ]
    except UnreadableFile as error:
        # A JSON cell's own refusal (HSDSFormatError, BeyondLimits): say which file it is in.
        raise type(error)(f"{name}: {error.detail}") from error


def read_tabular_package(
    content: bytes, limits: ReadLimits = DEFAULT_LIMITS
) -> list[dict[str, Any]]:
    """Read a zip of HSDS CSV tables back into nested service objects, within `limits`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as error:
        raise HSDSFormatError("not a zip file of HSDS CSV tables") from error
    tables: dict[str, list[dict[str, Any]]] = {}
    budget = Budget(limits)
    with archive, unreadable("not a readable zip of HSDS CSV tables"):
        for info in budget.members(archive):
            table = info.filename.rsplit("/", 1)[-1].removesuffix(".csv")
            if info.filename.endswith(".csv"):
                tables[table] = _records(info.filename, budget.read(archive, info), limits)
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
