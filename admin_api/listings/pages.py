"""HSDS pagination: the Page fields and its `contents`, for the lists that come in pages."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

MAX_PER_PAGE = 100

PageNumber = Annotated[int, Query(ge=1, le=1_000_000, description="1-based page number")]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description="items per page")]


class Page(BaseModel):
    """The HSDS 3.0 Page schema with its contents."""

    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[Any]


async def paginate(
    session: AsyncSession, statement: Select[Any], *, page: int, per_page: int
) -> tuple[list[Any], int]:
    """Return one page of `statement`'s rows and the total count."""
    total = await session.scalar(
        select(func.count()).select_from(statement.order_by(None).subquery())
    )
    rows = (await session.scalars(statement.limit(per_page).offset((page - 1) * per_page))).all()
    return list(rows), int(total or 0)


def page_of(contents: list[Any], *, total: int, page: int, per_page: int) -> Page:
    """Wrap one page of contents in the HSDS Page fields."""
    pages = max(1, math.ceil(total / per_page))
    return Page(
        total_items=total,
        total_pages=pages,
        page_number=page,
        size=len(contents),
        first_page=page == 1,
        last_page=page >= pages,
        empty=not contents,
        contents=contents,
    )
