"""The spreadsheet associations round-trip: one row per service, CSV or XLSX.

Export, edit in any spreadsheet, import. Every row is checked before anything is written;
each problem is reported with its row and column. Rows that name an existing service carry
the version they were exported at, so an import never overwrites a newer edit.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from pydantic import ValidationError

from services_directory.exchange import xlsx
from services_directory.exchange.cells import FORMULA_STARTS, neutralise, read_csv
from services_directory.exchange.errors import UnreadableFile
from services_directory.exchange.limits import DEFAULT_LIMITS, ReadLimits
from services_directory.listings.models import Service
from services_directory.listings.schemas import ServiceFields
from services_directory.listings.service import to_fields

BASE_COLUMNS = [
    "id", "version", "organization_id", "status", "name", "description", "category", "terms",
    "eligibility_tags", "by_appointment", "is_free", "operating_status", "email", "url",
    "languages", "phones", "hours", "closures", "contacts", "service_areas", "location_name",
    "city_id", "district", "address_1", "postal_code", "latitude", "longitude", "accessibility",
]  # fmt: skip
TEXT_FIELDS = ("name", "description", "eligibility", "fees")
_TEXT_COLUMN = re.compile(r"^(name|description|eligibility|fees)_([a-z]{2,3}(?:_[A-Z]{2})?)$")
_LIST_SPLIT = re.compile(r"\s*[;,]\s*")
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_YES = {"yes", "y", "true", "1", "oui", "si", "sí", "ja", "نعم"}
_NO = {"no", "n", "false", "0", "non", "nein", "لا", ""}
CONTACT_FIELDS = ("name", "title", "email", "phone")
AREA_FIELDS = ("name", "description")
LOCATION_COLUMNS = (
    "city_id", "district", "address_1", "postal_code", "latitude", "longitude", "accessibility",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem in one cell (row numbers count the header as row 1, as spreadsheets do)."""

    row: int
    column: str
    message: str
    # What kind of problem, for a reader in another language: the message is English.
    code: str = "invalid"


@dataclass(slots=True)
class ParsedRow:
    """A row turned into what the directory needs, or the errors that prevent it."""

    row: int
    service_id: str | None
    version: int | None
    organization_id: str | None
    fields: ServiceFields | None
    errors: list[RowError] = field(default_factory=list)
    # HSDS imports: a new service keeps the file's id, and an unknown organisation named in
    # the file may be created (by a city admin).
    keep_id: bool = False
    organization: dict[str, Any] | None = None


# Export ----------------------------------------------------------------------------------


def _join(values: list[str]) -> str:
    return "; ".join(values)


def _records(records: list[dict[str, Any]], keys: tuple[str, ...]) -> str:
    """Join records as `a | b | c; a | b | c`, dropping empty trailing fields."""
    entries = []
    for record in records:
        values = [record.get(key) or "" for key in keys]
        while values and not values[-1]:
            values.pop()
        entries.append(" | ".join(values))
    return _join(entries)


def _hours(schedules: list[dict[str, Any]]) -> tuple[str, str]:
    openings = [
        f"{s['byday']} {s['opens_at']}-{s['closes_at']}" for s in schedules if not s["closed"]
    ]
    closures = [
        s["valid_from"]
        if s["valid_from"] == s["valid_to"]
        else f"{s['valid_from']}..{s['valid_to']}"
        for s in schedules
        if s["closed"] and s["valid_from"] and s["valid_to"]
    ]
    return _join(openings), _join(closures)


def service_row(service: Service) -> dict[str, str]:
    """Return one service as spreadsheet cells."""
    data = to_fields(service)
    location = data["location"] or {}
    hours, closures = _hours(data["schedules"])
    row = {
        "id": service.id,
        "version": str(service.version),
        "organization_id": service.organization_id,
        "status": service.review_state,
        "name": data["name"],
        "description": data["description"],
        "category": data["category"],
        "terms": _join(data["terms"]),
        "eligibility_tags": _join(data["eligibility_tags"]),
        "by_appointment": "yes" if data["by_appointment"] else "no",
        "is_free": "yes" if data["is_free"] else "no",
        "operating_status": data["operating_status"],
        "email": data["email"] or "",
        "url": data["url"] or "",
        "languages": _join(data["languages"]),
        "phones": _join([p["number"] for p in data["phones"]]),
        "hours": hours,
        "closures": closures,
        "contacts": _records(data["contacts"], CONTACT_FIELDS),
        "service_areas": _records(data["service_areas"], AREA_FIELDS),
    }
    row["location_name"] = location.get("name") or ""
    for key in LOCATION_COLUMNS:
        value = location.get(key)
        row[key] = "" if value is None else str(value)
    for locale, texts in data["translations"].items():
        for name in TEXT_FIELDS:
            row[f"{name}_{locale}"] = texts.get(name) or ""
    return row


def header_for(rows: list[dict[str, str]]) -> list[str]:
    """Return the base columns, then the text columns of every locale present."""
    locales = sorted({m.group(2) for r in rows for c in r if (m := _TEXT_COLUMN.match(c))})
    return BASE_COLUMNS + [f"{name}_{loc}" for loc in locales for name in TEXT_FIELDS]


def write_csv(rows: list[dict[str, str]]) -> bytes:
    """Return the rows as UTF-8 CSV (with a BOM, so spreadsheet programs read Arabic right)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header_for(rows), extrasaction="ignore")
    writer.writeheader()
    writer.writerows({column: neutralise(value) for column, value in row.items()} for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(rows: list[dict[str, str]]) -> bytes:
    """Return the rows as an XLSX workbook with one sheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "services"
    header = header_for(rows)
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column, "") for column in header])
        for cell in sheet[sheet.max_row]:
            # openpyxl makes a formula of any text starting with "=": keep every cell text,
            # and quote-prefixed, so that editing it in a spreadsheet keeps it text too.
            if str(cell.value or "")[:1] in FORMULA_STARTS:
                cell.data_type = "s"
                cell.quotePrefix = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Import ----------------------------------------------------------------------------------


def read_table(content: bytes, limits: ReadLimits = DEFAULT_LIMITS) -> list[dict[str, str]]:
    """Read CSV or XLSX bytes (told apart by content) into rows keyed by column, within limits.

    Raises UnreadableFile (BeyondLimits when a limit is passed).
    """
    # One row a service, and the header.
    limits = dataclasses.replace(limits, rows=limits.services + 1)
    read = xlsx.read_rows if content[:2] == b"PK" else read_csv
    values = read(content, limits)
    if not values or not any(cell.strip() for cell in values[0]):
        raise UnreadableFile("the file is empty")
    header = [h.strip() for h in values[0]]
    if not any(column in BASE_COLUMNS or _TEXT_COLUMN.match(column) for column in header):
        raise UnreadableFile(
            "its first row names none of the columns an import reads ("
            + ", ".join(BASE_COLUMNS)
            + ", name_<language>...): start from an export"
        )
    return [
        dict(zip(header, [cell.strip() for cell in row], strict=False))
        for row in values[1:]
        if any(row)
    ]


def _split(value: str) -> list[str]:
    return [part for part in _LIST_SPLIT.split(value.strip()) if part]


def _flag(value: str, column: str, row: int, errors: list[RowError]) -> bool:
    lowered = value.strip().casefold()
    if lowered in _YES:
        return True
    if lowered not in _NO:
        errors.append(RowError(row, column, f"write yes or no, not {value!r}", "yes_no"))
    return False


def _days(spec: str) -> str:
    days: list[str] = []
    for part in spec.upper().split(","):
        if "-" in part:
            first, last = part.split("-", 1)
            days += _DAYS[_DAYS.index(first) : _DAYS.index(last) + 1]
        else:
            _DAYS.index(part)
            days.append(part)
    return ",".join(dict.fromkeys(days))


def _parse_hours(value: str, row: int, errors: list[RowError]) -> list[dict[str, Any]]:
    periods = []
    for group in (g.strip() for g in value.split(";") if g.strip()):
        try:
            days, times = group.rsplit(" ", 1)
            opens, closes = times.split("-")
            periods.append(
                {"byday": _days(days.replace(" ", "")), "opens_at": opens, "closes_at": closes}
            )
        except ValueError:
            errors.append(
                RowError(row, "hours", f"{group!r} is not like 'MO-FR 09:00-17:00'", "hours")
            )
    return periods


def _parse_records(value: str, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    records = []
    for entry in (e.strip() for e in value.split(";") if e.strip()):
        parts = [part.strip() or None for part in entry.split("|")]
        records.append(dict(zip(keys, parts, strict=False)))
    return records


def _parse_closures(value: str) -> list[dict[str, Any]]:
    closures = []
    for group in (g.strip() for g in value.split(";") if g.strip()):
        start, _, end = group.partition("..")
        closures.append(
            {"byday": ",".join(_DAYS), "opens_at": "00:00", "closes_at": "23:59", "closed": True,
             "valid_from": start, "valid_to": end or start}
        )  # fmt: skip
    return closures


def _column_of(loc: tuple[Any, ...]) -> str:
    head = str(loc[0]) if loc else ""
    if head == "location" and len(loc) > 1:
        return "location_name" if loc[1] == "name" else str(loc[1])
    if head == "translations" and len(loc) > 2:
        return f"{loc[2]}_{loc[1]}"
    if head == "schedules":
        return "hours"
    return head


def parse_row(number: int, cells: dict[str, str]) -> ParsedRow:
    """Turn one row into service fields, collecting every problem with its column."""
    errors: list[RowError] = []
    version = None
    if cells.get("version"):
        try:
            version = int(cells["version"])
        except ValueError:
            errors.append(
                RowError(number, "version", "must be the number the export gave", "version")
            )
    translations: dict[str, dict[str, str | None]] = {}
    for column, value in cells.items():
        match = _TEXT_COLUMN.match(column)
        if match and value:
            translations.setdefault(match.group(2), {})[match.group(1)] = value
    for locale, texts in list(translations.items()):
        if "name" not in texts:
            errors.append(
                RowError(number, f"name_{locale}", "a translation needs its name", "name")
            )
            del translations[locale]
    location: dict[str, Any] = {key: cells.get(key) or None for key in LOCATION_COLUMNS}
    location["name"] = cells.get("location_name") or None
    for key in ("latitude", "longitude"):
        if location[key] is not None:
            try:
                location[key] = float(str(location[key]).replace(",", "."))
            except ValueError:
                errors.append(
                    RowError(number, key, "must be a decimal number like 35.7801", "decimal")
                )
                location[key] = None
    data = {
        "name": cells.get("name", ""),
        "description": cells.get("description", ""),
        "category": cells.get("category", ""),
        "terms": _split(cells.get("terms", "")),
        "eligibility_tags": _split(cells.get("eligibility_tags", "")),
        "by_appointment": _flag(cells.get("by_appointment", ""), "by_appointment", number, errors),
        "is_free": _flag(cells.get("is_free", "yes"), "is_free", number, errors),
        "operating_status": cells.get("operating_status") or "active",
        "email": cells.get("email") or None,
        "url": cells.get("url") or None,
        "languages": _split(cells.get("languages", "")),
        "phones": [{"number": n} for n in _split(cells.get("phones", "").replace(",", ";"))],
        "schedules": _parse_hours(cells.get("hours", ""), number, errors)
        + _parse_closures(cells.get("closures", "")),
        "contacts": _parse_records(cells.get("contacts", ""), CONTACT_FIELDS),
        "service_areas": _parse_records(cells.get("service_areas", ""), AREA_FIELDS),
        "translations": translations,
        "location": location,
    }
    fields = None
    try:
        fields = ServiceFields.model_validate(data)
    except ValidationError as invalid:
        errors += [
            RowError(number, _column_of(tuple(e["loc"])), e["msg"]) for e in invalid.errors()
        ]
    return ParsedRow(
        number,
        cells.get("id") or None,
        version,
        cells.get("organization_id") or None,
        fields if not errors else None,
        errors,
    )
