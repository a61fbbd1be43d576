"""Creating, editing and moving services through review, with an audit entry for each change."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from services_directory import audit, versions
from services_directory.audit import Actor, AuditEntry
from services_directory.cities.models import City
from services_directory.errors import InvalidListing, StaleVersion, WorkflowError

# Re-exported: the API, the portal and the exports read services as `listings.service_options()`.
from services_directory.listings.loading import service_options as service_options
from services_directory.listings.models import (
    Contact,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceLanguage,
    ServiceTranslation,
    TaxonomyTerm,
)
from services_directory.listings.schemas import ServiceFields
from services_directory.search import index as search_index
from services_directory.taxonomy import CATEGORY_TAXONOMY, ELIGIBILITY_TAXONOMY

# draft → pending_review → published → archived; a reviewer may send it back to draft.
TRANSITIONS = {
    "submit": ({"draft"}, "pending_review"),
    "publish": ({"draft", "pending_review"}, "published"),
    "reject": ({"pending_review"}, "draft"),
    "archive": ({"draft", "pending_review", "published"}, "archived"),
    "restore": ({"archived"}, "draft"),
}


_CHILDREN = (
    "translations", "languages", "phones", "schedules", "contacts", "service_areas", "attributes",
)  # fmt: skip


async def get_service(
    session: AsyncSession, service_id: str, *, for_update: bool = False
) -> Service | None:
    """Return a service with everything it shows, or None; locked for the transaction if asked."""
    statement = select(Service).where(Service.id == service_id).options(*service_options())
    if for_update:
        # Editors of one service queue up here, and each then sees the version it must match.
        statement = statement.with_for_update().execution_options(populate_existing=True)
    return (await session.scalars(statement)).one_or_none()


def to_fields(service: Service) -> dict[str, Any]:
    """Return the editable fields of a service as plain JSON-ready data."""
    location = service.service_at_locations[0].location if service.service_at_locations else None
    terms = sorted(a.taxonomy_term_id for a in service.attributes)
    return {
        "name": service.name,
        "description": service.description,
        "category": service.category,
        "terms": [t for t in terms if not t.startswith("eligibility.")],
        "eligibility_tags": [
            t.removeprefix("eligibility.") for t in terms if t.startswith("eligibility.")
        ],
        "by_appointment": service.by_appointment,
        "is_free": service.is_free,
        "email": service.email,
        "url": service.url,
        "operating_status": service.status,
        "translations": {
            t.locale: {
                "name": t.name,
                "description": t.description,
                "eligibility": t.eligibility,
                "fees": t.fees,
            }
            for t in sorted(service.translations, key=lambda t: t.locale)
        },
        "languages": sorted(language.code for language in service.languages),
        "phones": [{"number": p.number, "description": p.description} for p in service.phones],
        "schedules": [
            {
                "byday": s.byday,
                "opens_at": s.opens_at,
                "closes_at": s.closes_at,
                "valid_from": s.valid_from.isoformat() if s.valid_from else None,
                "valid_to": s.valid_to.isoformat() if s.valid_to else None,
                "closed": s.closed,
                "description": s.description,
            }
            for s in sorted(service.schedules, key=lambda s: s.id or 0)
        ],
        "contacts": [
            {"name": c.name, "title": c.title, "email": c.email, "phone": c.phone}
            for c in sorted(service.contacts, key=lambda c: c.id or 0)
        ],
        "service_areas": [
            {"name": a.name, "description": a.description}
            for a in sorted(service.service_areas, key=lambda a: a.id or 0)
        ],
        "location": {
            "name": location.name,
            "city_id": location.city_id,
            "district": location.district,
            "address_1": location.address_1,
            "postal_code": location.postal_code,
            "latitude": location.latitude,
            "longitude": location.longitude,
            "accessibility": location.accessibility,
        }
        if location
        else None,
    }


async def _check_references(session: AsyncSession, fields: ServiceFields) -> list[str]:
    if await session.get(City, fields.location.city_id) is None:
        raise InvalidListing(f"unknown city {fields.location.city_id!r}")
    wanted = [*fields.terms, *(f"eligibility.{tag}" for tag in fields.eligibility_tags)]
    if not wanted:
        return []
    found = await session.scalars(select(TaxonomyTerm).where(TaxonomyTerm.id.in_(wanted)))
    by_id = {term.id: term for term in found}
    for term_id in fields.terms:
        term = by_id.get(term_id)
        if term is None or term.taxonomy != CATEGORY_TAXONOMY or term.parent_id != fields.category:
            raise InvalidListing(f"{term_id!r} is not a term under {fields.category.value!r}")
    for tag in fields.eligibility_tags:
        term = by_id.get(f"eligibility.{tag}")
        if term is None or term.taxonomy != ELIGIBILITY_TAXONOMY:
            raise InvalidListing(f"unknown eligibility tag {tag!r}")
    return list(dict.fromkeys(wanted))


async def _apply(session: AsyncSession, service: Service, fields: ServiceFields) -> None:
    term_ids = await _check_references(session, fields)
    if inspect(service).persistent:
        # Old rows go before new ones arrive: unique keys (service, term) would clash.
        for collection in _CHILDREN:
            getattr(service, collection).clear()
        await session.flush()
    service.name = fields.name
    service.description = fields.description
    service.category = fields.category.value
    service.by_appointment = fields.by_appointment
    service.is_free = fields.is_free
    service.email = fields.email
    service.url = fields.url
    service.status = fields.operating_status
    service.translations = [
        ServiceTranslation(locale=locale, **text.model_dump())
        for locale, text in fields.translations.items()
    ]
    service.languages = [ServiceLanguage(code=code) for code in dict.fromkeys(fields.languages)]
    service.phones = [Phone(**phone.model_dump()) for phone in fields.phones]
    service.schedules = [
        Schedule(freq="WEEKLY", **period.model_dump()) for period in fields.schedules
    ]
    service.contacts = [Contact(**contact.model_dump()) for contact in fields.contacts]
    service.service_areas = [ServiceArea(**area.model_dump()) for area in fields.service_areas]
    service.attributes = [ServiceAttribute(taxonomy_term_id=term_id) for term_id in term_ids]
    place = fields.location.model_dump()
    if service.service_at_locations:
        location = service.service_at_locations[0].location
        for key, value in place.items():
            setattr(location, key, value)
    else:
        location = Location(
            id=f"{service.id}-loc", organization_id=service.organization_id, **place
        )
        service.service_at_locations = [ServiceAtLocation(location=location)]


def _audit(
    session: AsyncSession, actor: Actor, service_id: str, action: str, changes: dict[str, Any]
) -> None:
    audit.record(
        session, actor, entity_type="service", entity_id=service_id, action=action,
        changes=changes,
    )  # fmt: skip


# What an association's change to a published service may not put in front of people before
# the city team has seen it: every field that carries words, a number, an address or a link.
# Hours (schedules) and closures (operating_status), and the codes and flags, apply at once:
# they must be fixable the same day and cannot carry "Call +1-900-SCAM now".
REVIEWED_FIELDS = (
    "name", "description", "translations", "email", "url", "phones", "contacts",
    "service_areas", "location",
)  # fmt: skip

# A service's location is "<service id>-loc", and both are String(64).
MAX_SERVICE_ID_CHARS = 60


def new_service_id(organization_id: str) -> str:
    """Return a fresh, unguessable service id under an organisation's prefix."""
    return f"{organization_id[:40]}-{secrets.token_hex(6)}"


async def create_service(
    session: AsyncSession,
    *,
    organization_id: str,
    fields: ServiceFields,
    actor: Actor,
    service_id: str | None = None,
) -> Service:
    """Create a draft service of `organization_id` (with a fresh id unless one is given)."""
    service = Service(
        id=service_id or new_service_id(organization_id),
        organization_id=organization_id,
        review_state="draft",
    )
    service.translations, service.phones, service.schedules = [], [], []
    service.languages, service.attributes, service.service_at_locations = [], [], []
    service.contacts, service.service_areas = [], []
    await _apply(session, service, fields)
    session.add(service)
    await session.flush()
    created = audit.changes({}, fields.model_dump(mode="json"))
    _audit(session, actor, service.id, "create", created)
    await search_index.refresh(session, [service.id])
    return service


async def update_service(
    session: AsyncSession,
    *,
    service: Service,
    fields: ServiceFields,
    expected_version: int,
    actor: Actor,
) -> Service:
    """Replace a service's fields if `expected_version` is still current; else StaleVersion.

    From an actor that `needs_review`, changes to a published service's REVIEWED_FIELDS are
    kept aside as `pending` for the city team (`decide_pending`); the others apply at once.
    """
    live = to_fields(service)
    wanted = fields.model_dump(mode="json")
    held: dict[str, Any] = {}
    if actor.needs_review and service.review_state == "published":
        held = {name: wanted[name] for name in REVIEWED_FIELDS if wanted[name] != live[name]}
    after = {**wanted, **{name: live[name] for name in held}}
    pending = {**(service.pending or {}), **held} or None
    await _versioned(session, service, expected_version, live, after, pending, actor, "update")
    return service


async def decide_pending(
    session: AsyncSession, *, service: Service, expected_version: int, approve: bool, actor: Actor,
    note: str | None = None,
) -> Service:  # fmt: skip
    """Apply (`approve`) or drop a service's pending changes, if the version read is current;
    a `note` to the association is kept in the audit entry."""
    if not service.pending:
        raise WorkflowError("this service has no changes waiting for review")
    live = to_fields(service)
    after = {**live, **service.pending} if approve else live
    # Validated again: the proposal was valid with the fields of its day.
    after = ServiceFields.model_validate(after).model_dump(mode="json")
    action = "approve_changes" if approve else "reject_changes"
    await _versioned(
        session, service, expected_version, live, after, None, actor, action, note=note
    )
    return service


async def _versioned(
    session: AsyncSession,
    service: Service,
    expected_version: int,
    live: dict[str, Any],
    after: dict[str, Any],
    pending: dict[str, Any] | None,
    actor: Actor,
    action: str,
    note: str | None = None,
) -> None:
    """Write `after` and `pending` through the one versioned edit, audited as `action`."""
    fields = ServiceFields.model_validate(after)

    async def apply() -> None:
        await _apply(session, service, fields)
        service.pending = pending
        # Mark the service row itself changed, so its version moves even when only phones,
        # hours or texts changed.
        service.updated_at = func.now()

    changed = await versions.edit(
        session, row=service, entity_type="service", entity_id=service.id,
        expected_version=expected_version, before={**live, "pending": service.pending},
        after={**after, "pending": pending}, apply=apply, actor=actor, action=action,
        note=note,
    )  # fmt: skip
    if changed:
        await search_index.refresh(session, [service.id])


async def transition(
    session: AsyncSession, *, service: Service, action: str, actor: Actor, note: str | None = None
) -> Service:
    """Move a service through the review workflow."""
    allowed_from, target = TRANSITIONS[action]
    if service.review_state not in allowed_from:
        raise WorkflowError(f"cannot {action} a service that is {service.review_state}")
    before, version = service.review_state, service.version
    service.review_state = target
    try:
        await session.flush()
    except StaleDataError as error:
        # Moved or edited meanwhile by another request (on SQLite, where no row lock queues
        # them): the version this step read is gone, as with a stale edit.
        raise StaleVersion("service", version + 1) from error
    changes: dict[str, Any] = {"status": {"from": before, "to": target}}
    if note:
        changes["note"] = note
    _audit(session, actor, service.id, action, changes)
    await search_index.refresh(session, [service.id])
    return service


async def audit_trail(session: AsyncSession, service_id: str) -> list[AuditEntry]:
    """Return the audit entries of a service, oldest first."""
    return await audit.trail(session, entity_type="service", entity_id=service_id)
