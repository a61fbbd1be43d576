"""Creating, editing, switching on and off, and reading rumours; each change is audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services_directory import audit, versions
from services_directory.audit import Actor
from services_directory.errors import RumourExists
from services_directory.rumours.models import Rumour
from services_directory.rumours.schemas import RumourFields, RumourIn

Phrasings = dict[str, dict[str, list[str]]]


async def list_rumours(session: AsyncSession, *, active_only: bool = False) -> list[Rumour]:
    """Return the rumours ordered by key (only those the bot offers, if asked)."""
    statement = select(Rumour).order_by(Rumour.key)
    if active_only:
        statement = statement.where(Rumour.active.is_(True))
    return list((await session.scalars(statement)).all())


async def get_rumour(session: AsyncSession, key: str, *, for_update: bool = False) -> Rumour | None:
    """Return one rumour, or None; locked for the transaction if asked."""
    statement = select(Rumour).where(Rumour.key == key)
    if for_update:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    return (await session.scalars(statement)).one_or_none()


async def get_active(session: AsyncSession, key: str) -> Rumour | None:
    """Return the rumour of `key` if the bot may answer with it."""
    rumour = await session.get(Rumour, key)
    return rumour if rumour is not None and rumour.active else None


def to_fields(rumour: Rumour) -> dict[str, Any]:
    """Return the editable fields of a rumour as plain JSON-ready data."""
    return {
        "source_url": rumour.source_url,
        "titles": dict(sorted(rumour.titles.items())),
        "facts": dict(sorted(rumour.facts.items())),
        "phrasings": {code: list(texts) for code, texts in sorted(rumour.phrasings.items())},
    }


def _audit(
    session: AsyncSession, actor: Actor, key: str, action: str, changes: dict[str, Any]
) -> None:
    audit.record(
        session, actor, entity_type="rumour", entity_id=key, action=action, changes=changes
    )


async def create_rumour(session: AsyncSession, *, fields: RumourIn, actor: Actor) -> Rumour:
    """Create a rumour; RumourExists if its key is taken."""
    if await session.get(Rumour, fields.key) is not None:
        raise RumourExists(f"a rumour with key {fields.key!r} exists")
    rumour = Rumour(
        key=fields.key, active=fields.active, **fields.model_dump(exclude={"key", "active"})
    )
    session.add(rumour)
    await session.flush()
    await session.refresh(rumour)  # the database's defaults: updated_at
    _audit(session, actor, rumour.key, "create", {"fields": to_fields(rumour)})
    return rumour


async def update_rumour(
    session: AsyncSession,
    *,
    rumour: Rumour,
    fields: RumourFields,
    expected_version: int,
    actor: Actor,
) -> Rumour:
    """Replace a rumour's fields if `expected_version` is still current; else StaleVersion."""
    after = fields.model_dump()

    async def apply() -> None:
        for name, value in after.items():
            setattr(rumour, name, value)

    changed = await versions.edit(
        session, row=rumour, entity_type="rumour", entity_id=rumour.key,
        expected_version=expected_version, before=to_fields(rumour), after=after, apply=apply,
        actor=actor,
    )  # fmt: skip
    if changed:
        await session.refresh(rumour)  # the database's updated_at
    return rumour


async def set_active(
    session: AsyncSession, *, rumour: Rumour, active: bool, actor: Actor
) -> Rumour:
    """Offer the rumour in the bot (and train its phrasings), or stop doing so."""
    if rumour.active != active:
        rumour.active = active
        await session.flush()
        await session.refresh(rumour)
        _audit(session, actor, rumour.key, "activate" if active else "deactivate",
               {"active": {"from": not active, "to": active}})  # fmt: skip
    return rumour


async def training_phrasings(session: AsyncSession) -> Phrasings:
    """Return the phrasings of the active rumours that have some: {key: {locale: [text]}}."""
    return {
        rumour.key: {code: sorted(texts) for code, texts in sorted(rumour.phrasings.items())
                     if texts}
        for rumour in await list_rumours(session, active_only=True)
        if any(rumour.phrasings.values())
    }  # fmt: skip
