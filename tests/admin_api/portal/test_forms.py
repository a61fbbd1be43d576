"""Forms as browsers send them: what cannot be stored is dropped, not refused."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import Message

from admin_api.portal.forms import read_form


def _posted(body: bytes) -> Request:
    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {
        "type": "http", "method": "POST", "path": "/portal/handovers/1/answer",
        "headers": [(b"content-type", b"application/x-www-form-urlencoded")],
        "query_string": b"",
    }  # fmt: skip
    return Request(scope, receive)


async def test_a_nul_character_in_a_form_is_dropped_and_the_rest_is_kept() -> None:
    # PostgreSQL text cannot hold U+0000: kept, it made the answer's INSERT fail with a 500.
    form = await read_form(_posted(b"csrf=abc&text=Fatou%2C+appelez+Ma%C3%AEtre+X%00&no%00te=1"))
    assert form == {"csrf": "abc", "text": "Fatou, appelez Maître X", "note": "1"}
