"""What a reviewer compares: a service as last published, and as it would be published now."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from admin_api.accounts.models import Role
from admin_api.deps import Caller, require
from admin_api.listings import service as rules
from services_directory.audit import AuditEntry
from services_directory.listings import service as listings
from services_directory.listings.models import Service

# The audit actions that are a step of review, for the notes the city team sent back.
REVIEW_STEPS = ("submit", "reject", "publish", "approve_changes", "reject_changes")


async def pending_change(
    session: AsyncSession, caller: Caller, service_id: str
) -> tuple[Service, dict[str, Any] | None, dict[str, Any]]:
    """Return a service, its fields as last published (None if never), and its fields now.

    The published fields are the current ones with every edit since the last publication
    undone, newest first, from the audit log: the directory keeps one row per service.
    """
    require(caller, Role.CITY_ADMIN)
    service = await rules.read_service(session, caller, service_id)
    after = listings.to_fields(service)
    if service.changes_proposed:
        # An association's changes to a published service, held aside: what people see now,
        # and what they would see.
        return service, after, {**after, **(service.pending or {})}
    trail = await listings.audit_trail(session, service_id)
    published = [index for index, entry in enumerate(trail) if entry.action == "publish"]
    if not published:
        return service, None, after
    before = copy.deepcopy(after)
    for entry in reversed(trail[published[-1] + 1 :]):
        for key, change in entry.changes.items():
            if key in before and isinstance(change, dict) and "from" in change:
                before[key] = change["from"]
    return service, before, after


async def notes_sent_back(
    session: AsyncSession, caller: Caller, services: list[Service]
) -> dict[str, str]:
    """Return the reviewer's note of each service whose last review step sent it back."""
    require(caller, Role.CITY_ADMIN, Role.ASSOCIATION)
    # Drafts sent back, and published services whose changes were sent back (the note stays
    # until the city team decides on their next changes).
    ids = [s.id for s in services if s.review_state in ("draft", "published")]
    if not ids:
        return {}
    steps = await session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.entity_type == "service",
            AuditEntry.entity_id.in_(ids),
            AuditEntry.action.in_(REVIEW_STEPS),
        )
        .order_by(AuditEntry.id)
    )
    last = {step.entity_id: step for step in steps}
    return {
        service_id: str(step.changes.get("note", ""))
        for service_id, step in last.items()
        if step.action in ("reject", "reject_changes") and step.changes.get("note")
    }
