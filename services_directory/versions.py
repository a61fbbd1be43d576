"""Versioned edits: a change made on a version someone else replaced fails, never overwrites."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from services_directory import audit
from services_directory.errors import StaleVersion


class Versioned(Protocol):
    """A row whose mapper counts versions in `version` (`version_id_col`)."""

    @property
    def version(self) -> int:
        """The version the row had when it was read."""
        ...


async def edit(
    session: AsyncSession,
    *,
    row: Versioned,
    entity_type: str,
    entity_id: str,
    expected_version: int,
    before: dict[str, Any],
    after: dict[str, Any],
    apply: Callable[[], Awaitable[None]],
    actor: audit.Actor,
    action: str = "update",
    note: str | None = None,
) -> dict[str, Any]:
    """Apply and audit a change if `expected_version` is current; return what changed.

    `before` and `after` are the row's fields as plain data; `apply` writes `after` into the row.
    A `note` (a reviewer's, for the editor) is kept in the audit entry beside the changes.
    Nothing is written when they do not differ. StaleVersion when the version is not current,
    or when another editor commits first.
    """
    if row.version != expected_version:
        raise StaleVersion(entity_type, row.version)
    changed = audit.changes(before, after)
    if not changed:
        return changed
    await apply()
    try:
        # The version column makes the UPDATE conditional: a concurrent editor who got there
        # first leaves it matching no row.
        await session.flush()
    except StaleDataError as error:
        raise StaleVersion(entity_type, expected_version + 1) from error
    audit.record(
        session,
        actor,
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        changes={**changed, "note": note} if note else changed,
    )
    return changed
