"""Rumours for the anti-rumour campaign: the city team writes them, authorities may read them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Response
from pydantic import BaseModel

from admin_api.accounts.models import Role
from admin_api.deps import Caller, CallerDep, SessionDep, SettingsDep, require
from admin_api.errors import NotFound, PreconditionFailed
from admin_api.listings.pages import Page, PageNumber, PerPage, page_of
from admin_api.versioning import expected_version, patched
from core import training_record
from services_directory.audit import Actor
from services_directory.errors import StaleVersion
from services_directory.rumours import service as rumours
from services_directory.rumours.models import Rumour
from services_directory.rumours.schemas import EDITABLE_FIELDS, KEY_PATTERN, RumourFields, RumourIn

router = APIRouter(tags=["rumours"])
RumourKey = Annotated[str, Path(pattern=KEY_PATTERN)]
_READERS = (Role.CITY_ADMIN, Role.AUTHORITY)


class RumourOut(BaseModel):
    """A rumour as the API shows it."""

    key: str
    active: bool
    source_url: str
    titles: dict[str, str]
    facts: dict[str, str]
    phrasings: dict[str, list[str]]
    version: int
    updated_at: dt.datetime | None


class RumourPage(Page):
    """A page of rumours, and whether the NLU model must be retrained to know them."""

    model_stale: bool


def _actor(caller: Caller) -> Actor:
    return Actor(caller.account.id, f"{caller.role.value}:{caller.account.name}")


def _out(rumour: Rumour) -> RumourOut:
    return RumourOut(
        key=rumour.key, active=rumour.active, version=rumour.version,
        updated_at=rumour.updated_at, **rumours.to_fields(rumour),
    )  # fmt: skip


def _with_etag(response: Response, rumour: Rumour) -> RumourOut:
    response.headers["ETag"] = f'"{rumour.version}"'
    return _out(rumour)


async def _writable(caller: Caller, session: SessionDep, key: str) -> Rumour:
    require(caller, Role.CITY_ADMIN)
    rumour = await rumours.get_rumour(session, key, for_update=True)
    if rumour is None:
        raise NotFound("no such rumour")
    return rumour


@router.get("/rumours")
async def list_rumours(
    caller: CallerDep,
    session: SessionDep,
    settings: SettingsDep,
    page: PageNumber = 1,
    per_page: PerPage = 25,
) -> RumourPage:
    """List rumours; `model_stale` tells whether the NLU model lacks their current phrasings."""
    require(caller, *_READERS)
    everything = await rumours.list_rumours(session)
    shown = everything[(page - 1) * per_page : page * per_page]
    listed = page_of([_out(r).model_dump(mode="json") for r in shown], total=len(everything),
                     page=page, per_page=per_page)  # fmt: skip
    stale = training_record.is_stale(
        settings.nlu_model_dir, await rumours.training_phrasings(session)
    )
    return RumourPage(**listed.model_dump(), model_stale=stale)


@router.get("/rumours/{key}")
async def get_rumour(
    key: RumourKey, caller: CallerDep, session: SessionDep, response: Response
) -> RumourOut:
    """Return one rumour with its ETag."""
    require(caller, *_READERS)
    rumour = await rumours.get_rumour(session, key)
    if rumour is None:
        raise NotFound("no such rumour")
    return _with_etag(response, rumour)


@router.post("/rumours", status_code=201)
async def post_rumour(
    body: RumourIn, caller: CallerDep, session: SessionDep, response: Response
) -> RumourOut:
    """Create a rumour (city admins); its phrasings reach the bot after `dalil nlu train`."""
    require(caller, Role.CITY_ADMIN)
    rumour = await rumours.create_rumour(session, fields=body, actor=_actor(caller))
    response.headers["Location"] = f"/api/v1/rumours/{rumour.key}"
    return _with_etag(response, rumour)


@router.patch("/rumours/{key}")
async def patch_rumour(
    key: RumourKey,
    caller: CallerDep,
    session: SessionDep,
    response: Response,
    body: Annotated[dict[str, Any], Body(description="the fields to replace, and only those")],
    if_match: Annotated[str | None, Header()] = None,
) -> RumourOut:
    """Replace some fields of a rumour (each given field whole); If-Match must be current."""
    rumour = await _writable(caller, session, key)
    expected = expected_version(if_match)
    fields = patched(RumourFields, rumours.to_fields(rumour), body, EDITABLE_FIELDS)
    try:
        await rumours.update_rumour(
            session, rumour=rumour, fields=fields, expected_version=expected, actor=_actor(caller)
        )
    except StaleVersion as stale:
        current = await rumours.get_rumour(session, key) if stale.session_usable else None
        raise PreconditionFailed(
            str(stale), _out(current).model_dump(mode="json") if current else None
        ) from stale
    return _with_etag(response, rumour)


async def _switch(
    key: str, active: bool, caller: Caller, session: SessionDep, response: Response
) -> RumourOut:
    rumour = await _writable(caller, session, key)
    await rumours.set_active(session, rumour=rumour, active=active, actor=_actor(caller))
    return _with_etag(response, rumour)


@router.post("/rumours/{key}/activate")
async def activate_rumour(
    key: RumourKey, caller: CallerDep, session: SessionDep, response: Response
) -> RumourOut:
    """Offer the rumour in the bot's menu (and train its phrasings at the next retrain)."""
    return await _switch(key, True, caller, session, response)


@router.post("/rumours/{key}/deactivate")
async def deactivate_rumour(
    key: RumourKey, caller: CallerDep, session: SessionDep, response: Response
) -> RumourOut:
    """Take the rumour out of the bot's menu at once; its campaigns stop."""
    return await _switch(key, False, caller, session, response)
