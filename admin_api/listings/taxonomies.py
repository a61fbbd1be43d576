"""Taxonomies and their terms: how services are classified (HSDS `taxonomy`, `taxonomy_term`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from admin_api.deps import CallerDep, SessionDep
from admin_api.errors import NotFound
from admin_api.listings.schemas import TaxonomyOut, TermOut
from services_directory.listings.models import TaxonomyTerm
from services_directory.taxonomy import CATEGORY_TAXONOMY, ELIGIBILITY_TAXONOMY

router = APIRouter(tags=["directory"])

_TAXONOMIES = {
    CATEGORY_TAXONOMY: (
        "Dalil categories",
        "The needs people ask about (health, housing, education, jobs, legal, social support, "
        "mobility), each with finer terms.",
    ),
    ELIGIBILITY_TAXONOMY: (
        "Dalil eligibility",
        "Who may use a service: no papers needed, women only, minors...",
    ),
}


@router.get("/taxonomies")
async def list_taxonomies(caller: CallerDep, session: SessionDep) -> list[TaxonomyOut]:
    """List the taxonomies whose terms classify services (HSDS `taxonomy`)."""
    rows = await session.execute(
        select(TaxonomyTerm.taxonomy, func.count()).group_by(TaxonomyTerm.taxonomy)
    )
    counts: dict[str, int] = dict(rows.tuples().all())
    return [
        TaxonomyOut(id=key, name=name, description=description, terms=counts.get(key, 0))
        for key, (name, description) in _TAXONOMIES.items()
    ]


@router.get("/taxonomies/{taxonomy_id}")
async def get_taxonomy(taxonomy_id: str, caller: CallerDep, session: SessionDep) -> TaxonomyOut:
    """Return one taxonomy."""
    for taxonomy in await list_taxonomies(caller, session):
        if taxonomy.id == taxonomy_id:
            return taxonomy
    raise NotFound("no such taxonomy")


@router.get("/taxonomy_terms")
async def list_terms(
    caller: CallerDep,
    session: SessionDep,
    taxonomy: Annotated[str | None, Query(max_length=64)] = None,
    taxonomy_id: Annotated[str | None, Query(max_length=64)] = None,
    parent_id: Annotated[str | None, Query(max_length=64)] = None,
    top_only: bool = False,
) -> list[TermOut]:
    """List the categories, their finer terms and the eligibility terms (filters add up)."""
    statement = select(TaxonomyTerm).order_by(TaxonomyTerm.id)
    for value in {taxonomy, taxonomy_id} - {None}:
        statement = statement.where(TaxonomyTerm.taxonomy == value)
    if parent_id:
        statement = statement.where(TaxonomyTerm.parent_id == parent_id)
    if top_only:
        statement = statement.where(TaxonomyTerm.parent_id.is_(None))
    return [
        TermOut(id=t.id, taxonomy=t.taxonomy, parent_id=t.parent_id, name=t.name)
        for t in await session.scalars(statement)
    ]
