"""The admin API's routes under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["directory"])

HSDS_VERSION = "3.0"


@router.get("/")
async def api_root() -> dict[str, str]:
    """Describe the API: the HSDS version its read endpoints follow."""
    return {
        "version": HSDS_VERSION,
        "profile": "https://docs.openreferral.org/en/3.0/hsds/",
        "openapi_url": "/openapi.json",
    }
