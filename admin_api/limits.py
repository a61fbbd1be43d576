"""Request guards: a body size limit on every route, and no NUL characters in the API.

Every body is read here, at most its route's limit, before any handler sees it: the declared
Content-Length first, then the bytes as they stream in. So an unsigned webhook POST of
300 MB costs no more memory than the limit, and a handler checks a signature over a body
already known to be small. PostgreSQL text cannot hold U+0000; refusing it at the door gives
a clear 422 instead of a database error deep inside a handler. Bodies are handed on after,
because errors raised while the framework reads a body become a vague 400.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1_000_000
# A raw NUL byte, or its JSON escape.
_NUL_MARKERS = (b"\x00", b"\\u0000")
_BINARY = (b"application/vnd.", b"application/octet-stream", b"application/zip")


class BodySizeLimit:
    """Answer 413 for bodies over their route's limit and 422 for NUL in the API's."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int = MAX_BODY_BYTES,
        prefix: str = "/api/",
        routes: Mapping[str, int] | None = None,
    ) -> None:
        """`max_bytes` holds for every path but those starting with a key of `routes`.

        NUL characters are refused under `prefix` only: platforms' webhooks answer 200 to
        whatever they sign (or they retry it for days).
        """
        self.app = app
        self.max_bytes = max_bytes
        self.prefix = prefix
        self.routes = dict(routes or {})

    def _limit(self, path: str) -> int:
        return next((n for p, n in self.routes.items() if path.startswith(p)), self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope["path"])
        too_large = f"bodies are limited to {limit} bytes"
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._answer(send, 413, "too_large", too_large)
            return
        api = scope["path"].startswith(self.prefix)
        target = scope.get("raw_path", b"") + b"?" + scope.get("query_string", b"")
        if api and (b"%00" in target or b"\x00" in target):
            await self._answer(send, 422, "invalid", "NUL characters are not allowed")
            return
        received = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            received += message.get("body", b"")
            more = bool(message.get("more_body", False))
            if len(received) > limit:
                await self._answer(send, 413, "too_large", too_large)
                return
        body = bytes(received)
        # Binary uploads (spreadsheets) hold NUL bytes legitimately; text and JSON may not.
        markers = () if headers.get(b"content-type", b"").startswith(_BINARY) else _NUL_MARKERS
        if api and any(marker in body for marker in markers):
            await self._answer(send, 422, "invalid", "NUL characters are not allowed")
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _answer(self, send: Send, status: int, error: str, detail: str) -> None:
        payload = json.dumps({"error": error, "detail": detail}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})
