"""The admin API's routes under /api/v1, and the pages served beside them."""

from __future__ import annotations

from fastapi import APIRouter

from admin_api.accounts.endpoints import router as accounts_router
from admin_api.campaigns.endpoints import router as campaigns_router
from admin_api.listings.exchange import router as exchange_router
from admin_api.listings.organizations import router as organizations_router
from admin_api.listings.search import router as search_router
from admin_api.listings.services import router as services_router
from admin_api.listings.taxonomies import router as taxonomies_router
from admin_api.portal.router import router as portal_router
from admin_api.rumours.endpoints import router as rumours_router
from admin_api.stats.endpoints import router as stats_router
from admin_api.stats.page import router as stats_page_router

router = APIRouter(prefix="/api/v1")
router.include_router(accounts_router)
router.include_router(services_router)
router.include_router(organizations_router)
router.include_router(taxonomies_router)
router.include_router(search_router)
router.include_router(exchange_router)
router.include_router(rumours_router)
router.include_router(campaigns_router)
router.include_router(stats_router)

# Pages for people in a browser, outside the API prefix: HTML and its script.
pages = APIRouter()
pages.include_router(stats_page_router)
pages.include_router(portal_router)

HSDS_VERSION = "3.0"


@router.get("/", tags=["directory"])
async def api_root() -> dict[str, str]:
    """Describe the API: the HSDS version its read endpoints follow."""
    return {
        "version": HSDS_VERSION,
        "profile": "https://docs.openreferral.org/en/3.0/hsds/",
        "openapi_url": "/openapi.json",
    }
