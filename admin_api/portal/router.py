"""The portal's routes under /portal/, and its static files."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from starlette.responses import Response

from admin_api.errors import NotFound
from admin_api.portal import (
    account_pages,
    accounts_pages,
    campaign_pages,
    exchange_pages,
    handover_pages,
    review_pages,
    rumour_pages,
    service_pages,
    stats_pages,
    unmet_pages,
)
from admin_api.portal.pages import STATIC_HEADERS, PortalRoute

_STATIC = Path(__file__).resolve().parent / "static"
# Read once, served from memory: a fixed set of files, so no path from a URL touches the disk.
_FILES = {
    "portal.css": ("text/css; charset=utf-8", (_STATIC / "portal.css").read_bytes()),
    "position.js": ("text/javascript; charset=utf-8", (_STATIC / "position.js").read_bytes()),
    "handover.js": ("text/javascript; charset=utf-8", (_STATIC / "handover.js").read_bytes()),
}

router = APIRouter(route_class=PortalRoute, include_in_schema=False)
router.include_router(account_pages.router)
router.include_router(service_pages.router)
router.include_router(review_pages.router)
router.include_router(accounts_pages.router)
router.include_router(exchange_pages.router)
router.include_router(unmet_pages.router)
# The city team's and authorities' pages: statistics, myths and facts, campaigns.
router.include_router(stats_pages.router)
router.include_router(rumour_pages.router)
router.include_router(campaign_pages.router)
router.include_router(handover_pages.router)


@router.get("/portal/static/{name}")
async def static_file(name: str) -> Response:
    """Serve one of the portal's own style sheets or scripts."""
    if name not in _FILES:
        raise NotFound("no such file")
    media_type, body = _FILES[name]
    return Response(body, media_type=media_type, headers=STATIC_HEADERS)
