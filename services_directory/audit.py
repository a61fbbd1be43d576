"""Who changed what in the directory: the actor, the entry, and the one way entries are written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes a change, as the audit log records it."""

    id: int | None
    label: str
    # Who issued the token the change was made with, when it was not the actor itself.
    issued_by: str | None = None
    # Its changes to a published service's texts and contacts wait for the city team.
    needs_review: bool = False


class AuditEntry(Base):
    """Who changed what in the directory, and when. Kept with the listings it describes."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_label: Mapped[str] = mapped_column(String(120))
    issued_by: Mapped[str | None] = mapped_column(String(160))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(32))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Return `{field: {"from": old, "to": new}}` for each field of `after` that differs."""
    return {
        key: {"from": before.get(key), "to": value}
        for key, value in after.items()
        if before.get(key) != value
    }


def record(
    session: AsyncSession,
    actor: Actor,
    *,
    entity_type: str,
    entity_id: str,
    action: str,
    changes: dict[str, Any],
) -> None:
    """Add an audit entry to the session's transaction: kept if, and only if, the change is."""
    session.add(
        AuditEntry(
            actor_id=actor.id,
            actor_label=actor.label,
            issued_by=actor.issued_by,
            entity_type=entity_type,
            entity_id=entity_id,
            action=action,
            changes=changes,
        )
    )


async def trail(session: AsyncSession, *, entity_type: str, entity_id: str) -> list[AuditEntry]:
    """Return the audit entries of one entity, oldest first."""
    statement = (
        select(AuditEntry)
        .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id)
    )
    return list((await session.scalars(statement)).all())
