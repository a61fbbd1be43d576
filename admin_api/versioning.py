"""Optimistic concurrency and partial updates, shared by every editable resource."""

from __future__ import annotations

from collections.abc import Set
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from admin_api.errors import InvalidInput, PreconditionFailed, PreconditionRequired

Fields = TypeVar("Fields", bound=BaseModel)


def expected_version(if_match: str | None) -> int:
    """Return the version an If-Match header names; 428 without one, 412 if unreadable."""
    if if_match is None:
        raise PreconditionRequired("send If-Match with the ETag you read, so no edit is lost")
    try:
        return int(if_match.strip().removeprefix("W/").strip('"'))
    except ValueError as error:
        raise PreconditionFailed("If-Match is not an ETag this API gave out") from error


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
