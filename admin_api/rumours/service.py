"""What a caller may do with rumours: the city team writes them, authorities may read them.

The rules behind the API and the portal; the directory's rumour service keeps versions and
the audit log.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from admin_api.accounts.models import Role
from admin_api.deps import Caller, require
from admin_api.errors import NotFound
from admin_api.versioning import Edit
from services_directory.rumours import service as rumours
from services_directory.rumours.models import Rumour
from services_directory.rumours.schemas import EDITABLE_FIELDS, RumourFields, RumourIn

READERS = (Role.CITY_ADMIN, Role.AUTHORITY)


async def list_rumours(session: AsyncSession, caller: Caller) -> list[Rumour]:
    """Return every rumour, ordered by key, to those who may read them."""
    require(caller, *READERS)
    return await rumours.list_rumours(session)


async def read_rumour(session: AsyncSession, caller: Caller, key: str) -> Rumour:
    """Return one rumour to those who may read it; 404 if there is none."""
    require(caller, *READERS)
    rumour = await rumours.get_rumour(session, key)
    if rumour is None:
        raise NotFound("no such rumour")
    return rumour


async def _writable(session: AsyncSession, caller: Caller, key: str) -> Rumour:
    require(caller, Role.CITY_ADMIN)
    rumour = await rumours.get_rumour(session, key, for_update=True)
    if rumour is None:
        raise NotFound("no such rumour")
    return rumour


async def create_rumour(session: AsyncSession, caller: Caller, *, fields: RumourIn) -> Rumour:
    """Create a rumour (city admins); its phrasings reach the bot after `dalil nlu train`."""
    require(caller, Role.CITY_ADMIN)
    return await rumours.create_rumour(session, fields=fields, actor=caller.actor)


async def edit_rumour(session: AsyncSession, caller: Caller, key: str, edit: Edit) -> Rumour:
    """Replace some fields of a rumour, each whole, if the version edited is current."""
    rumour = await _writable(session, caller, key)
    fields, expected = edit.applied(RumourFields, rumours.to_fields(rumour), EDITABLE_FIELDS)
    return await rumours.update_rumour(
        session, rumour=rumour, fields=fields, expected_version=expected, actor=caller.actor
    )


async def switch_rumour(session: AsyncSession, caller: Caller, *, key: str, active: bool) -> Rumour:
    """Offer the rumour in the bot's menu, or take it out at once (city admins)."""
    rumour = await _writable(session, caller, key)
    return await rumours.set_active(session, rumour=rumour, active=active, actor=caller.actor)
