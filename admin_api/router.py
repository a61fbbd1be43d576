"""The admin API's routes under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter

from admin_api.accounts.endpoints import router as accounts_router
from admin_api.listings.endpoints import router as listings_router
from admin_api.listings.exchange import router as exchange_router
from admin_api.listings.search import router as search_router

router = APIRouter(prefix="/api/v1")
router.include_router(accounts_router)
router.include_router(listings_router)
router.include_router(search_router)
router.include_router(exchange_router)

HSDS_VERSION = "3.0"


@router.get("/", tags=["directory"])
async def api_root() -> dict[str, str]:
    """Describe the API: the HSDS version its read endpoints follow."""
    return {
        "version": HSDS_VERSION,
        "profile": "https://docs.openreferral.org/en/3.0/hsds/",
        "openapi_url": "/openapi.json",
    }
