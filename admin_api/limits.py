"""Request guards for the API: a body size limit, and no NUL characters anywhere.

PostgreSQL text cannot hold U+0000; refusing it at the door gives a clear 422 instead of a
database error deep inside a handler. Bodies are read here (at most `max_bytes`) and then
handed on, because errors raised while the framework reads a body become a vague 400.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1_000_000
# A raw NUL byte, or its JSON escape.
_NUL_MARKERS = (b"\x00", b"\\u0000")
_BINARY = (b"application/vnd.", b"application/octet-stream", b"application/zip")


class BodySizeLimit:
    """Answer 413 for bodies over `max_bytes` and 422 for NUL characters, in the error shape."""

    def __init__(
        self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES, prefix: str = "/api/"
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Only the API: platforms' webhooks answer 200 to whatever they send (or they retry).
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._answer(send, 413, "too_large", self._too_large)
            return
        target = scope.get("raw_path", b"") + b"?" + scope.get("query_string", b"")
        if b"%00" in target or b"\x00" in target:
            await self._answer(send, 422, "invalid", "NUL characters are not allowed")
            return
        body = b""
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            more = bool(message.get("more_body", False))
            if len(body) > self.max_bytes:
                await self._answer(send, 413, "too_large", self._too_large)
                return
        content_type = dict(scope.get("headers") or []).get(b"content-type", b"")
        # Binary uploads (spreadsheets) hold NUL bytes legitimately; text and JSON may not.
        markers = () if content_type.startswith(_BINARY) else _NUL_MARKERS
        if any(marker in body for marker in markers):
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

    @property
    def _too_large(self) -> str:
        return f"bodies are limited to {self.max_bytes} bytes"

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
