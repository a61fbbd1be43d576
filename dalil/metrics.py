"""`GET /metrics` and the count of HTTP requests by route (what core.metrics declares)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.exceptions import RedisError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.queue import DEAD_LETTERS, INBOUND, OUTBOUND, SENDERS, WORKERS
from core.metrics import HTTP_REQUESTS, STREAM_LENGTH, STREAM_PENDING

router = APIRouter(include_in_schema=False)
_GROUPS = {INBOUND: WORKERS, OUTBOUND: SENDERS, DEAD_LETTERS: None}


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    """Serve every counter in Prometheus' text format, with the streams read now."""
    redis = request.app.state.redis
    for stream, group in _GROUPS.items():
        try:
            STREAM_LENGTH.labels(stream).set(await redis.xlen(stream))
            if group is not None:
                pending: Any = await redis.xpending(stream, group)
                STREAM_PENDING.labels(stream).set(pending["pending"])
        except RedisError:
            # Redis down: the gauges keep their last value; /ready says Redis is down.
            break
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


class CountRequests:
    """ASGI middleware: count each HTTP request by its route's template, never its path.

    Paths hold ids and whatever a scanner tries; templates are few, so the counts stay small
    and hold nothing about a person.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def counting_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            HTTP_REQUESTS.labels(template, scope["method"], str(status)).inc()
