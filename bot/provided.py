"""What the composition root hands the channels' endpoints, one typed object per type.

`bot` cannot import `dalil` (it is below it), so its endpoints used to reach into an untyped
`request.app.state.runtime`. Now the app provides each endpoint's own configuration object
at start-up (`provide`), and an endpoint asks for it by its type through a dependency
(`provided`): it gets exactly that type, and a router mounted on any app works wherever its
objects are provided.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import FastAPI, Request

T = TypeVar("T")
_REGISTRY = "provided"


class NotProvided(RuntimeError):
    """An endpoint asked for an object the app never provided: a wiring mistake."""


def provide(app: FastAPI, *objects: object) -> None:
    """Make each of `objects` available to the endpoints that ask for its type."""
    registry: dict[type[Any], object] = getattr(app.state, _REGISTRY, {})
    registry.update({type(item): item for item in objects})
    setattr(app.state, _REGISTRY, registry)


def provided(kind: type[T]) -> Callable[[Request], Awaitable[T]]:
    """Return a dependency that answers the object of type `kind` the app provided."""

    # A coroutine although it awaits nothing: FastAPI runs a plain function dependency in
    # its thread pool, a hand-over to a thread and back on every webhook post.
    async def dependency(request: Request) -> T:
        registry: dict[type[Any], object] = getattr(request.app.state, _REGISTRY, {})
        found = registry.get(kind)
        if not isinstance(found, kind):
            raise NotProvided(f"no {kind.__name__} was provided to the app")
        return found

    dependency.__name__ = f"provided_{kind.__name__}"
    return dependency
