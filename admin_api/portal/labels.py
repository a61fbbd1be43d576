"""Names of states, categories, fields and errors, marked for the catalog, shown translated."""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark `message` for the catalog; the template translates it."""
    return message


TEXT_LABELS = {
    "name": N_("Name"),
    "description": N_("Description"),
    "eligibility": N_("Who can come"),
    "fees": N_("Fees"),
}
CATEGORY_LABELS = {
    "health": N_("Health"),
    "housing": N_("Housing"),
    "education": N_("Education"),
    "jobs": N_("Work and training"),
    "legal": N_("Legal help and papers"),
    "social_support": N_("Social support"),
    "mobility": N_("Transport"),
}
STATE_LABELS = {
    "draft": N_("Draft"),
    "pending_review": N_("Waiting for review"),
    "published": N_("Published"),
    "archived": N_("Archived"),
}
OTHER_LABELS = {
    "category": N_("Category"),
    "hours": N_("Opening hours"),
    "phones": N_("Phones"),
    "address": N_("Address"),
    "coordinates": N_("Coordinates"),
    "is_free": N_("Free of charge"),
    "by_appointment": N_("By appointment only"),
}


FIELD_ERRORS = {
    "name": N_("Give the name in at least one language."),
    "hours": N_("Give both times, the closing after the opening."),
    "number": N_("Write a number, such as 35.7595."),
    "invalid": N_("This value is not accepted."),
}
ROLE_LABELS = {
    "city_admin": N_("City team"),
    "association": N_("Association"),
    "authority": N_("Local authority (statistics)"),
}
