"""A local stand-in for the WhatsApp Cloud API's `POST /{version}/{phone-number-id}/messages`.

It checks what the real API checks that matters here (bearer token, message types, button
and list limits, body lengths) and answers as the Graph API does: on success
`{"messaging_product": "whatsapp", "contacts": [{"input", "wa_id"}], "messages": [{"id"}]}`,
on failure `{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`. It can
also answer 429, 500, the 131047 "re-engagement" error, or hang, on demand; and, as Meta
does, it refuses every free-form message to a person whose 24-hour window is closed (131047)
while accepting a well-formed template.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.standins.answering import Answering

WHATSAPP_TOKEN = "EAAG-test-token-for-the-stand-in"
PHONE_NUMBER_ID = "106540352242922"


def graph_error(code: int, message: str, *, subcode: int | None = None) -> dict[str, Any]:
    """Return a Graph API error body."""
    error: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "AbCdEfGhIjKlMnOp",
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


@dataclass
class Call:
    """One request as received."""

    phone_number_id: str
    authorization: str
    body: dict[str, Any]
    at: float
    accepted: bool = False

    @property
    def type(self) -> str:
        """The message type: text, interactive or template."""
        return str(self.body.get("type"))

    @property
    def interactive_type(self) -> str | None:
        """button or list, for interactive messages."""
        interactive = self.body.get("interactive")
        return interactive["type"] if isinstance(interactive, dict) else None

    @property
    def text(self) -> str:
        """The text shown: a text body or an interactive body."""
        if self.type == "text":
            return str(self.body["text"]["body"])
        if self.type == "interactive":
            return str(self.body["interactive"]["body"]["text"])
        return ""

    @property
    def choices(self) -> list[tuple[str, str]]:
        """The (id, title) of the buttons or list rows offered."""
        if self.type != "interactive" or self.interactive_type == "location_request_message":
            return []
        action = self.body["interactive"]["action"]
        if self.interactive_type == "button":
            return [(b["reply"]["id"], b["reply"]["title"]) for b in action["buttons"]]
        return [(r["id"], r["title"]) for s in action["sections"] for r in s["rows"]]

    @property
    def template(self) -> tuple[str, str, list[str]]:
        """The template's name, language code and body parameters, for a template message."""
        template = self.body["template"]
        parameters = [
            str(parameter["text"])
            for component in template.get("components", [])
            if component["type"] == "body"
            for parameter in component["parameters"]
        ]
        return str(template["name"]), str(template["language"]["code"]), parameters


# Meta's template language codes (developers.facebook.com/docs/whatsapp/api/messages/
# message-templates, reference/platforms.md §3.6).
TEMPLATE_LANGUAGES = frozenset((
    "af", "sq", "ar", "az", "bn", "bg", "ca", "zh_CN", "zh_HK", "zh_TW", "hr", "cs", "da", "nl",
    "en", "en_GB", "en_US", "et", "fil", "fi", "fr", "ka", "de", "el", "gu", "ha", "he", "hi",
    "hu", "id", "ga", "it", "ja", "kn", "kk", "rw_RW", "ko", "ky_KG", "lo", "lv", "lt", "mk",
    "ms", "ml", "mr", "nb", "fa", "pl", "pt_BR", "pt_PT", "pa", "ro", "ru", "sr", "sk", "sl",
    "es", "es_AR", "es_ES", "es_MX", "sw", "sv", "ta", "te", "th", "tr", "uk", "ur", "uz", "vi",
    "zu",
))  # fmt: skip
# A template variable may not hold a new line, a tab or more than four spaces in a row (132018).
_BAD_PARAMETER = re.compile(r"[\n\t]| {5,}")


def _template_problems(template: dict[str, Any]) -> list[str]:
    found: list[str] = []
    if not template.get("name"):
        found.append("template.name")
    if template.get("language", {}).get("code") not in TEMPLATE_LANGUAGES:
        found.append("template.language.code")
    for component in template.get("components", []):
        if component.get("type") not in ("header", "body", "button"):
            found.append("template.components.type")
            continue
        for parameter in component.get("parameters", []):
            if parameter.get("type") != "text":
                continue
            text = parameter.get("text")
            if not isinstance(text, str) or not text or _BAD_PARAMETER.search(text):
                found.append("template.components.parameters.text")
            elif len(text) > 1024:
                found.append("template.components.parameters.text length")
    return found


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def problems(body: dict[str, Any]) -> list[str]:
    """Return what the real API would refuse in a message body (empty when valid)."""
    found: list[str] = []

    def check(condition: bool, problem: str) -> None:
        if not condition:
            found.append(problem)

    check(body.get("messaging_product") == "whatsapp", "messaging_product")
    check(bool(body.get("to")), "to")
    kind = body.get("type")
    if kind == "text":
        check(0 < _utf16(body["text"]["body"]) <= 4096, "text.body length")
    elif kind == "template":
        found += _template_problems(body["template"])
    elif kind == "interactive":
        interactive = body["interactive"]
        body_text = interactive["body"]["text"]
        action = interactive["action"]
        if interactive["type"] == "button":
            check(0 < _utf16(body_text) <= 1024, "body.text length")
            buttons = action["buttons"]
            check(1 <= len(buttons) <= 3, "buttons count")
            titles = [b["reply"]["title"] for b in buttons]
            check(len(set(titles)) == len(titles), "button titles unique")
            for b in buttons:
                check(0 < _utf16(b["reply"]["title"]) <= 20, "button title length")
                check(0 < len(b["reply"]["id"]) <= 256, "button id length")
        elif interactive["type"] == "list":
            check(0 < _utf16(body_text) <= 4096, "body.text length")
            check(0 < _utf16(action["button"]) <= 20, "list button length")
            rows = [r for s in action["sections"] for r in s["rows"]]
            check(1 <= len(rows) <= 10, "rows count")
            check(len(action["sections"]) == 1 or all("title" in s for s in action["sections"]),
                  "section titles")  # fmt: skip
            for r in rows:
                check(0 < _utf16(r["title"]) <= 24, "row title length")
                check(0 < len(r["id"]) <= 200, "row id length")
                check(_utf16(r.get("description", "")) <= 72, "row description length")
        elif interactive["type"] == "location_request_message":
            check(0 < _utf16(body_text) <= 1024, "body.text length")
            check(action == {"name": "send_location"}, "action.name")
        else:
            found.append("interactive.type")
    else:
        found.append("type")
    return found


_REENGAGEMENT = graph_error(
    131047,
    "Re-engagement message: more than 24 hours have passed since the recipient last replied "
    "to the sender number.",
)


@dataclass
class WhatsAppStandIn(Answering):
    """State of the stand-in: what it received and what it should answer next."""

    calls: list[Call] = field(default_factory=list)
    # Planned answers for the next calls: (status, body, headers), ("hang", seconds, {}) or
    # ("ok", None, {}) for a normal answer.
    planned: list[tuple[Any, Any, dict[str, str]]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    # The people whose 24-hour window Meta knows to be closed: free-form messages to them fail.
    closed_windows: set[str] = field(default_factory=set)

    def sent(self) -> list[Call]:
        """Return the accepted messages, in order."""
        return [c for c in self.calls if c.accepted]

    def fail_next(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        """Answer the next request with an error."""
        self.planned.append((status, body, headers or {}))

    def rate_limit_next(self, *, retry_after: int | None = None) -> None:
        """Answer the next request 429, throughput exceeded (130429)."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self.fail_next(429, graph_error(130429, "Rate limit hit"), headers)

    def server_error_next(self, times: int = 1) -> None:
        """Answer the next `times` requests 500."""
        for _ in range(times):
            self.fail_next(500, graph_error(1, "An unknown error occurred"))

    def outside_window_next(self) -> None:
        """Answer the next request with the re-engagement error (131047)."""
        self.fail_next(400, _REENGAGEMENT)

    def close_window(self, wa_id: str) -> None:
        """Refuse free-form messages to `wa_id` from now on, as 24 hours after they wrote."""
        self.closed_windows.add(wa_id)

    def person_wrote(self, wa_id: str) -> None:
        """Open the window of `wa_id` again, as when they write."""
        self.closed_windows.discard(wa_id)

    def accept_next(self) -> None:
        """Answer the next request normally (to plan a failure after it)."""
        self.planned.append(("ok", None, {}))

    def hang_next(self, seconds: float) -> None:
        """Make the next request hang before answering."""
        self.planned.append(("hang", seconds, {}))

    async def handle(self, request: Request) -> JSONResponse:
        return await self.counted(self._answer, request)

    async def _answer(self, request: Request) -> JSONResponse:
        body = await request.json()
        call = Call(
            phone_number_id=request.path_params["phone_number_id"],
            authorization=request.headers.get("authorization", ""),
            body=body,
            at=time.monotonic(),
        )
        self.calls.append(call)
        if call.authorization != f"Bearer {WHATSAPP_TOKEN}":
            return JSONResponse(graph_error(190, "Invalid OAuth access token"), status_code=401)
        if self.planned:
            status, answer, headers = self.planned.pop(0)
            if status == "hang":
                await asyncio.sleep(answer)
            elif status != "ok":
                return JSONResponse(answer, status_code=status, headers=headers)
        invalid = problems(body)
        if invalid:
            message = f"(#100) Invalid parameter: {', '.join(invalid)}"
            return JSONResponse(graph_error(100, message, subcode=2494010), status_code=400)
        if body.get("type") != "template" and body.get("to") in self.closed_windows:
            return JSONResponse(_REENGAGEMENT, status_code=400)
        call.accepted = True
        wamid = f"wamid.HBgLOTk5OTk5OTk5OTkVAgARGBI{next(self._ids):012d}AA=="
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                "messages": [{"id": wamid}],
            }
        )

    def app(self) -> Starlette:
        """Return the ASGI app serving `/{version}/{phone_number_id}/messages`."""
        return Starlette(
            routes=[Route("/{version}/{phone_number_id}/messages", self.handle, methods=["POST"])]
        )
