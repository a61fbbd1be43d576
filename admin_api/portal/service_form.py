"""A service as the portal's form shows it, and the form sent back as the fields it changes.

The form carries the texts per language, a weekly hours grid, closures and seasonal dates,
phones and the place. What it does not show (taxonomy terms, contacts...) is kept as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from admin_api.portal.i18n import DAYS, LANGUAGES
from services_directory.listings.schemas import ServiceFields

TEXTS = ("name", "description", "eligibility", "fees")
# The language whose name and description a service shows where it has none in the reader's.
FALLBACK = ("en", "fr", "es", "it", "pt", "de", "ar", "fa", "uk", "tr")
# A closure of whole days runs from midnight to the day's last minute (see search.opening).
WHOLE_DAY_END = "23:59"
DESCRIPTION_MAX = 200
PLACE = ("city_id", "address_1", "district", "postal_code")
FLAGS = ("is_free", "by_appointment")
Values = dict[str, str]


def _regular(period: dict[str, Any]) -> bool:
    # A plain weekly period, which the grid shows; closures and seasonal periods it does not.
    return not (period.get("valid_from") or period.get("valid_to") or period.get("closed")
                or period.get("description"))  # fmt: skip


def values_of(fields: dict[str, Any]) -> Values:
    """Return a service's fields as the form's values."""
    values: Values = {"category": fields["category"]}
    for flag in FLAGS:
        if fields.get(flag):
            values[flag] = "on"
    for locale, text in fields.get("translations", {}).items():
        for key in TEXTS:
            values[f"t-{locale}-{key}"] = text.get(key) or ""
    slots: dict[str, int] = dict.fromkeys(DAYS, 0)
    for period in filter(_regular, fields.get("schedules", [])):
        for day in period["byday"].split(","):
            slots[day] += 1
            values[f"h-{day}-{slots[day]}-opens"] = period["opens_at"]
            values[f"h-{day}-{slots[day]}-closes"] = period["closes_at"]
    dated = [p for p in fields.get("schedules", []) if not _regular(p)]
    for index, period in enumerate(dated, start=1):
        values.update(_dated_values(index, period))
    for index, phone in enumerate(fields.get("phones", []), start=1):
        values[f"phone-{index}-number"] = phone["number"]
        values[f"phone-{index}-description"] = phone.get("description") or ""
    location = fields.get("location") or {}
    for key in (*PLACE, "latitude", "longitude"):
        value = location.get(key)
        values[key] = "" if value is None else str(value)
    return values


def _dated_values(index: int, period: dict[str, Any]) -> Values:
    row = f"x-{index}"
    values = {
        f"{row}-kind": "closed" if period.get("closed") else "open",
        f"{row}-from": str(period.get("valid_from") or ""),
        f"{row}-to": str(period.get("valid_to") or ""),
        f"{row}-description": period.get("description") or "",
    }
    days = period["byday"].split(",")
    whole_days = period["opens_at"] == "00:00" and period["closes_at"] == WHOLE_DAY_END
    # A closure of whole days shows no times, and no days if it is every day: that is what
    # empty means in the form.
    if not (period.get("closed") and whole_days and set(days) == set(DAYS)):
        values.update({f"{row}-day-{day}": "on" for day in days})
    if not (period.get("closed") and whole_days):
        values[f"{row}-opens"], values[f"{row}-closes"] = period["opens_at"], period["closes_at"]
    return values


# Rows a form may hold: what a service may have (ServiceFields: 50 schedules, 10 phones) and
# one empty row. Only a forged form goes further; its numbers must not make the server loop.
MAX_SLOTS = 50
MAX_PHONES = 11
MAX_DATED = 51


def _used(values: Values, prefix: str, position: int, most: int) -> list[int]:
    """Return the row numbers the form's field names hold (beyond `most`, ignored)."""
    parts = (key.split("-") for key in values if key.startswith(prefix))
    numbers = (p[position] for p in parts if len(p) > position and p[position].isdigit())
    return [n for n in map(int, numbers) if 1 <= n <= most]


def dated_count(values: Values) -> int:
    """Return how many closure or seasonal rows the form shows: those filled, and one more."""
    return min(max([0, *_used(values, "x-", 1, MAX_DATED)]) + 1, MAX_DATED)


def slot_count(values: Values) -> int:
    """Return how many periods a day the hours grid shows: two, or more if one has more."""
    return max([2, *_used(values, "h-", 2, MAX_SLOTS)])


def phone_count(values: Values) -> int:
    """Return how many phone rows the form shows: those filled, and one more (at least two)."""
    return min(max([1, *_used(values, "phone-", 1, MAX_PHONES)]) + 1, MAX_PHONES)


@dataclass
class FormErrors(Exception):
    """What is wrong in a sent form, by field name (a page shows each next to its field)."""

    fields: dict[str, str]


def _translations(form: Values, current: dict[str, Any]) -> dict[str, dict[str, str | None]]:
    kept = {loc: text for loc, text in current.get("translations", {}).items()
            if loc not in LANGUAGES}  # fmt: skip
    for locale in LANGUAGES:
        text = {key: form.get(f"t-{locale}-{key}", "").strip() for key in TEXTS}
        if text["name"]:
            kept[locale] = {
                "name": text["name"], "description": text["description"],
                "eligibility": text["eligibility"] or None, "fees": text["fees"] or None,
            }  # fmt: skip
    return kept


# The form's box that confirms hours closing before they open (see `_unconfirmed_nights`).
OVERNIGHT = "overnight"


def _unconfirmed_nights(schedules: list[dict[str, Any]], current: dict[str, Any]) -> bool:
    """Tell whether some hours close before they open, and were not saved so already.

    They are saved as closing the next day: what a night shelter means by 20:00-08:00, and
    what an office's 17:00-09:00 typed the wrong way round would become without a word.
    """
    saved = {(p["opens_at"], p["closes_at"]) for p in current.get("schedules", [])}
    return any(
        p["closes_at"] < p["opens_at"] and (p["opens_at"], p["closes_at"]) not in saved
        for p in schedules
    )


def next_day_at(values: Values, row: str) -> str | None:
    """Return the closing time of a row of the form (`h-MO-1`, `x-2`) that closes the next
    day, which the form says beside it; else None."""
    opens = values.get(f"{row}-opens", "").strip()
    closes = values.get(f"{row}-closes", "").strip()
    return closes if opens and closes and closes < opens else None


def _period(opens: str, closes: str) -> bool:
    """Tell whether two times make a period; one that closes before it opens ends the next
    morning (a night shelter's 20:00-08:00), as the API, the spreadsheet and search read it."""
    return bool(opens and closes) and opens != closes


def _hours(form: Values, errors: dict[str, str]) -> list[dict[str, Any]]:
    periods: dict[tuple[str, str], list[str]] = {}
    for day in DAYS:
        for slot in range(1, slot_count(form) + 1):
            field = f"h-{day}-{slot}"
            opens = form.get(f"{field}-opens", "").strip()
            closes = form.get(f"{field}-closes", "").strip()
            if not opens and not closes:
                continue
            if not _period(opens, closes):
                errors[f"{field}-opens"] = "hours"
                continue
            periods.setdefault((opens, closes), []).append(day)
    return [{"byday": ",".join(days), "opens_at": opens, "closes_at": closes}
            for (opens, closes), days in periods.items()]  # fmt: skip


def _date(form: Values, field: str, errors: dict[str, str]) -> dt.date | None:
    raw = form.get(field, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[field] = "date"
        return None


def _dated_row(form: Values, row: str, errors: dict[str, str]) -> dict[str, Any] | None:
    """Return one closure or seasonal period of the form, None if empty or removed."""
    keys = [key for key in form if key.startswith(f"{row}-") and key != f"{row}-kind"]
    if form.get(f"{row}-remove") == "on" or not any(form[key].strip() for key in keys):
        return None
    closed = form.get(f"{row}-kind", "closed") != "open"
    start, end = _date(form, f"{row}-from", errors), _date(form, f"{row}-to", errors)
    if start is None and end is None and f"{row}-from" not in errors:
        errors[f"{row}-from"] = "dates"
    elif start and end and end < start:
        errors[f"{row}-to"] = "date-order"
    days = [day for day in DAYS if form.get(f"{row}-day-{day}") == "on"]
    opens = form.get(f"{row}-opens", "").strip()
    closes = form.get(f"{row}-closes", "").strip()
    if closed and not opens and not closes:
        # Closed whole days: those ticked, or every day between the dates.
        days, opens, closes = days or list(DAYS), "00:00", WHOLE_DAY_END
    if not days:
        errors[f"{row}-days"] = "days"
    if not _period(opens, closes):
        errors[f"{row}-opens"] = "hours"
    description = form.get(f"{row}-description", "").strip()
    if len(description) > DESCRIPTION_MAX:
        errors[f"{row}-description"] = "long"
    return {
        "byday": ",".join(days), "opens_at": opens, "closes_at": closes,
        "valid_from": start.isoformat() if start else None,
        "valid_to": end.isoformat() if end else None,
        "closed": closed, "description": description or None,
    }  # fmt: skip


def _dated(form: Values, errors: dict[str, str]) -> list[dict[str, Any]]:
    rows = (_dated_row(form, f"x-{index}", errors) for index in range(1, dated_count(form) + 1))
    return [row for row in rows if row is not None]


def _coordinate(form: Values, key: str, errors: dict[str, str]) -> float | None:
    raw = form.get(key, "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        errors[key] = "number"
        return None


def changes_from(form: Values, current: dict[str, Any] | None) -> dict[str, Any]:
    """Return the fields a sent form sets, checked as the API checks them; else FormErrors."""
    current = current or {}
    errors: dict[str, str] = {}
    translations = _translations(form, current)
    named = [loc for loc in FALLBACK if loc in translations] or list(translations)
    if not named:
        errors["t-name"] = "name"
    schedules = _hours(form, errors)
    schedules += _dated(form, errors)
    if form.get(OVERNIGHT) != "yes" and _unconfirmed_nights(schedules, current):
        errors[OVERNIGHT] = "overnight"
    phones = [
        {"number": form[f"phone-{i}-number"].strip(),
         "description": form.get(f"phone-{i}-description", "").strip() or None}
        for i in range(1, phone_count(form) + 1) if form.get(f"phone-{i}-number", "").strip()
    ]  # fmt: skip
    location = {**(current.get("location") or {})}
    location.update({key: form.get(key, "").strip() or None for key in PLACE})
    location["latitude"] = _coordinate(form, "latitude", errors)
    location["longitude"] = _coordinate(form, "longitude", errors)
    changes: dict[str, Any] = {
        "category": form.get("category", ""),
        "translations": translations,
        "schedules": schedules,
        "phones": phones,
        "location": location,
        **{flag: form.get(flag) == "on" for flag in FLAGS},
    }
    if named:
        first = translations[named[0]]
        changes["name"], changes["description"] = first["name"], first["description"] or ""
    if current and form.get("category") != current.get("category"):
        changes["terms"] = []  # a term belongs to one category: the old ones no longer fit
    _validate({**current, **changes}, errors)
    return changes


def _validate(fields: dict[str, Any], errors: dict[str, str]) -> None:
    try:
        ServiceFields.model_validate(fields)
    except ValidationError as invalid:
        for error in invalid.errors(include_url=False, include_context=False):
            field = _field_of(error["loc"])
            errors.setdefault(field, _code_of(field))
    if errors:
        raise FormErrors(errors)


def _code_of(field: str) -> str:
    # A field whose rule fits in one sentence says it; "not accepted" tells nobody what to fix.
    if field in {"latitude", "longitude"}:
        return field
    if field.startswith("phone-"):
        return "long" if field.endswith("-description") else "phone"
    return "invalid"


def _field_of(loc: tuple[int | str, ...]) -> str:
    head = str(loc[0]) if loc else ""
    if head == "translations" and len(loc) >= 3:
        return f"t-{loc[1]}-{loc[2]}"
    if head == "phones" and len(loc) >= 2 and isinstance(loc[1], int):
        part = "description" if loc[2:3] == ("description",) else "number"
        return f"phone-{loc[1] + 1}-{part}"
    if head == "location" and len(loc) >= 2:
        return str(loc[1])
    if head == "schedules":
        return "hours"
    return head
