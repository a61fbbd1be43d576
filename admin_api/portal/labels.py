"""Names of states, categories, fields and errors, marked for the catalog, shown translated."""

from __future__ import annotations

from core.errors import DalilError


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
    # Not "closing after opening": 20:00 to 08:00 is a night, taken once confirmed.
    "hours": N_("Give both times, opening and closing, not the same one."),
    "number": N_("Write a number, such as 35.7595."),
    "invalid": N_("This value is not accepted."),
    "latitude": N_("A latitude is between -90 and 90, such as 35.7595."),
    "longitude": N_("A longitude is between -180 and 180, such as -5.8340."),
    "phone": N_("Write the number only, with digits, spaces and +, such as +212 539 00 11 22."),
    "date": N_("Write a date, such as 2026-12-24."),
    "dates": N_("Give the first day, the last day, or both."),
    "date-order": N_("The last day comes before the first."),
    "days": N_("Tick at least one day."),
    "long": N_("Write at most 200 characters here."),
    "overnight": N_(
        "Some hours close before they open: they will be saved as closing the next day. "
        "Check them, then tick the box to confirm."
    ),
}
ROLE_LABELS = {
    "city_admin": N_("City team"),
    "association": N_("Association"),
    "authority": N_("Local authority (statistics)"),
}
# What a refused request means, by the error's code: the service functions' own details are
# written for the API's readers, in English.
ERROR_MESSAGES = {
    "workflow": N_(
        "This service cannot do that in its present state: it may have been submitted, "
        "published or sent back meanwhile. Open the list of services to see where it stands."
    ),
    "invalid_listing": N_(
        "A value of the form is not accepted, such as an unknown city. Go back and check it."
    ),
    "invalid": N_("The form could not be read. Go back, reload the page and send it again."),
    "stale_version": N_(
        "Someone else changed this service meanwhile. Open it again to see their version."
    ),
    "if_match_required": N_(
        "Someone else changed this service meanwhile. Open it again to see their version."
    ),
    "conflict": N_("This already exists. Go back and choose another name."),
}
# A refusal named more closely than its code says (`AdminError.reason`).
REFUSALS = {
    "role": N_("Choose a role."),
    "login": N_("A login has 3 to 120 characters, without spaces."),
    "login_taken": N_("This login belongs to another account: choose another one."),
    "organization": N_("An association's account needs its organisation: choose it in the list."),
    "no_organization": N_("Only an association's account belongs to an organisation."),
    "account": N_("This account does not exist."),
    "own_account": N_("You cannot disable your own account."),
    "rumour": N_("The bot no longer offers this myth: choose one from the list."),
    "city": N_("Choose a city from the list."),
    "category": N_("Choose a topic from the list."),
    "date": N_("Write each date like 2026-03-31."),
    "period_order": N_("The first date is after the last one."),
    "period_empty": N_(
        "No whole week has ended in these dates yet: the figures count whole weeks only."
    ),
    "period_long": N_("That is too many weeks at once: choose a shorter period."),
}
REFUSED = N_(
    "The request could not be done. Go back and try again; if it happens again, tell the city team."
)


def refusal(error: DalilError) -> str:
    """Return the catalog's message for a refused request: by its reason, else by its code."""
    reason = getattr(error, "reason", None)
    if reason in REFUSALS:
        return REFUSALS[reason]
    return ERROR_MESSAGES.get(error.code, REFUSED)


# A spreadsheet row's problem, by its code (`RowError.code`); its English message follows.
ROW_ERRORS = {
    "invalid": N_("This value is not accepted."),
    "yes_no": N_("Write yes or no."),
    "hours": N_("Write the hours like MO-FR 09:00-17:00; separate periods with ;"),
    "version": N_("Keep the version the download gave."),
    "changed": N_("This service changed since your download: download it again."),
    "name": N_("A translation needs its name."),
    "decimal": N_("Write a number, such as 35.7595."),
    "id": N_("Keep the id the download gave, or leave it empty for a new service."),
    "not_yours": N_("You can only import your own services."),
    "organization": N_("Name an existing organisation."),
    "duplicate": N_("This id is on more than one row."),
    "unknown_service": N_("Your organisation has no service with this id."),
    "city": N_("Unknown city: write its code as the download does."),
    "term": N_("This term does not belong to the service's category."),
    "tag": N_("Unknown eligibility tag."),
}
