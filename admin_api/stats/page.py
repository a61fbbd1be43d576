"""The statistics page: one HTML file and its script, served as they are (no build, no CDN)."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse

from admin_api.csp import page_headers

router = APIRouter(include_in_schema=False)
_STATIC = Path(__file__).resolve().parent / "static"
_HTML = (_STATIC / "stats.html").read_text(encoding="utf-8")
_SCRIPT = (_STATIC / "stats.js").read_text(encoding="utf-8")


def _style_hash(html: str) -> str:
    match = re.search(r"<style>(.*?)</style>", html, re.DOTALL)
    digest = hashlib.sha256(match.group(1).encode() if match else b"").digest()
    return "'sha256-" + base64.b64encode(digest).decode() + "'"


# Only this server's script, style and API: the token typed into the page goes nowhere else.
_HEADERS = page_headers(style_src=_style_hash(_HTML))


@router.get("/stats")
async def stats_page() -> HTMLResponse:
    """Serve the charts of the statistics API for authorities and the city team."""
    return HTMLResponse(_HTML, headers=_HEADERS)


@router.get("/stats/stats.js")
async def stats_script() -> Response:
    """Serve the page's script."""
    return Response(_SCRIPT, media_type="text/javascript; charset=utf-8", headers=_HEADERS)
