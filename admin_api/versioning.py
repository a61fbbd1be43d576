"""Optimistic concurrency and partial updates, shared by every editable resource."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Set
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from fastapi import Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin_api.errors import InvalidInput, PreconditionFailed, PreconditionRequired
from services_directory.errors import StaleVersion

Fields = TypeVar("Fields", bound=BaseModel)
Row = TypeVar("Row")


class Shown(Protocol):
    """A representation that carries the version it shows."""

    @property
    def version(self) -> int:
        """The version shown."""
        ...

    def model_dump(self, *, mode: str) -> dict[str, Any]:
        """The representation as JSON-ready data."""
        ...


Representation = TypeVar("Representation", bound=Shown)


def with_etag(response: Response, shown: Representation) -> Representation:
    """Return `shown`, with the ETag of its version on the response."""
    response.headers["ETag"] = f'"{shown.version}"'
    return shown


def expected_version(if_match: str | None) -> int | None:
    """Return the version an If-Match header names, None without one; 412 if unreadable."""
    if if_match is None:
        return None
    try:
        return int(if_match.strip().removeprefix("W/").strip('"'))
    except ValueError as error:
        raise PreconditionFailed("If-Match is not an ETag this API gave out") from error


async def edited(
    response: Response,
    edit: Awaitable[Row],
    *,
    show: Callable[[Row], Representation],
    reread: Callable[[AsyncSession], Awaitable[Row | None]],
    sessions: async_sessionmaker[AsyncSession],
) -> Representation:
    """Return the edited row as shown, with its ETag; if stale, 412 with what is current now."""
    try:
        row = await edit
    except StaleVersion as stale:
        # Read in a session of its own: the request's is unusable after a write that lost the
        # race (on SQLite, where no row lock queues the editors, that is how a race ends), and
        # it is rolled back anyway. A plain read: the request may still hold the row's lock.
        async with sessions() as session:
            current = await reread(session)
            shown = show(current).model_dump(mode="json") if current is not None else None
        raise PreconditionFailed(str(stale), shown) from stale
    return with_etag(response, show(row))


@dataclass(frozen=True, slots=True)
class Edit:
    """What an editor asks: the fields to replace, and the version it read them in."""

    changes: dict[str, Any]
    # None when the editor did not say: refused, as the edit could overwrite another.
    expected_version: int | None

    def applied(
        self, schema: type[Fields], current: dict[str, Any], editable: Set[str]
    ) -> tuple[Fields, int]:
        """Return `current` with the changes, validated, and the version they must replace."""
        if self.expected_version is None:
            raise PreconditionRequired("send If-Match with the ETag you read, so no edit is lost")
        return patched(schema, current, self.changes, editable), self.expected_version


def patched(
    schema: type[Fields], current: dict[str, Any], body: dict[str, Any], editable: Set[str]
) -> Fields:
    """Return `current` with `body`'s fields replaced, validated; 422 for any other field."""
    unknown = sorted(set(body) - editable)
    if unknown:
        raise InvalidInput(f"not editable here: {', '.join(unknown)}")
    try:
        return schema.model_validate({**current, **body})
    except ValidationError as error:
        detail = [
            {"loc": [str(part) for part in e["loc"]], "msg": e["msg"]}
            for e in error.errors(include_url=False, include_context=False)
        ]
        raise InvalidInput(repr(detail)) from error
