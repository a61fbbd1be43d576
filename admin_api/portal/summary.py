"""A service's fields as lines a person reads: for the review diff and the edit conflict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from admin_api.portal.i18n import DAYS, day_names, translations
from admin_api.portal.labels import CATEGORY_LABELS, OTHER_LABELS, TEXT_LABELS


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a comparison: what it is, before, after."""

    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        """Tell whether the line differs."""
        return self.before != self.after


def _hours(schedules: list[dict[str, Any]], locale: str) -> str:
    names = day_names(locale)
    lines = []
    for period in schedules:
        days = ", ".join(names[d] for d in period["byday"].split(",") if d in DAYS)
        extra = " ✕" if period.get("closed") else ""
        lines.append(f"{days} {period['opens_at']}–{period['closes_at']}{extra}")
    return "\n".join(lines)


def summary(fields: dict[str, Any], locale: str) -> dict[str, Any]:
    """Return texts per language and the other fields, each as one readable string."""
    location = fields.get("location") or {}
    coordinates = ""
    if location.get("latitude") is not None and location.get("longitude") is not None:
        coordinates = f"{location['latitude']}, {location['longitude']}"
    address = ", ".join(
        str(location[k]) for k in ("address_1", "postal_code", "district", "city_id")
        if location.get(k)
    )  # fmt: skip
    phones = "\n".join(
        " ".join(filter(None, [p["number"], p.get("description")]))
        for p in fields.get("phones", [])
    )
    texts = {
        loc: {key: text.get(key) or "" for key in TEXT_LABELS}
        for loc, text in fields.get("translations", {}).items()
    }
    others = {
        "category": translations(locale).gettext(CATEGORY_LABELS[fields["category"]]),
        "hours": _hours(fields.get("schedules", []), locale),
        "phones": phones,
        "address": address,
        "coordinates": coordinates,
        "is_free": "✓" if fields.get("is_free") else "—",
        "by_appointment": "✓" if fields.get("by_appointment") else "—",
    }
    return {"texts": texts, "others": others}


def compared(
    before: dict[str, Any] | None, after: dict[str, Any]
) -> tuple[dict[str, list[Row]], list[Row]]:
    """Return per-language rows and the other rows of two summaries (`before` None: all new)."""
    old = before or {"texts": {}, "others": {}}
    languages: dict[str, list[Row]] = {}
    for loc in sorted({*old["texts"], *after["texts"]}):
        was, now = old["texts"].get(loc, {}), after["texts"].get(loc, {})
        languages[loc] = [
            Row(label, was.get(key, ""), now.get(key, "")) for key, label in TEXT_LABELS.items()
        ]
    others = [
        Row(label, old["others"].get(key, ""), after["others"].get(key, ""))
        for key, label in OTHER_LABELS.items()
    ]
    return languages, others
