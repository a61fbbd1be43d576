"""Rumours for the anti-rumour campaign: the city team writes them, authorities may read them."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Response
from pydantic import BaseModel

from admin_api.deps import Caller, CallerDep, SessionDep, SessionsDep, SettingsDep
from admin_api.listings.pages import Page, PageNumber, PerPage, page_of
from admin_api.rumours import service as rules
from admin_api.versioning import Edit, edited, expected_version, with_etag
from core import training_record
from services_directory.rumours import service as rumours
from services_directory.rumours.models import Rumour
from services_directory.rumours.schemas import KEY_PATTERN, RumourIn

router = APIRouter(tags=["rumours"])
RumourKey = Annotated[str, Path(pattern=KEY_PATTERN)]


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


def _out(rumour: Rumour) -> RumourOut:
    return RumourOut(
        key=rumour.key, active=rumour.active, version=rumour.version,
        updated_at=rumour.updated_at, **rumours.to_fields(rumour),
    )  # fmt: skip


@router.get("/rumours")
async def list_rumours(
    caller: CallerDep,
    session: SessionDep,
    settings: SettingsDep,
    page: PageNumber = 1,
    per_page: PerPage = 25,
) -> RumourPage:
    """List rumours; `model_stale` tells whether the NLU model lacks their current phrasings."""
    everything = await rules.list_rumours(session, caller)
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
    return with_etag(response, _out(await rules.read_rumour(session, caller, key)))


@router.post("/rumours", status_code=201)
async def post_rumour(
    body: RumourIn, caller: CallerDep, session: SessionDep, response: Response
) -> RumourOut:
    """Create a rumour (city admins); its phrasings reach the bot after `dalil nlu train`."""
    rumour = await rules.create_rumour(session, caller, fields=body)
    response.headers["Location"] = f"/api/v1/rumours/{rumour.key}"
    return with_etag(response, _out(rumour))


@router.patch("/rumours/{key}")
async def patch_rumour(
    key: RumourKey,
    caller: CallerDep,
    session: SessionDep,
    sessions: SessionsDep,
    response: Response,
    body: Annotated[dict[str, Any], Body(description="the fields to replace, and only those")],
    if_match: Annotated[str | None, Header()] = None,
) -> RumourOut:
    """Replace some fields of a rumour (each given field whole); If-Match must be current."""
    edit = rules.edit_rumour(session, caller, key, Edit(body, expected_version(if_match)))
    reread = partial(rumours.get_rumour, key=key)
    return await edited(response, edit, show=_out, reread=reread, sessions=sessions)


async def _switch(
    key: str, active: bool, caller: Caller, session: SessionDep, response: Response
) -> RumourOut:
    rumour = await rules.switch_rumour(session, caller, key=key, active=active)
    return with_etag(response, _out(rumour))


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
