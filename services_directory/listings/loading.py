"""The relations a service is read with, written once for every reader of whole services.

The API and the portal, the exports and the search index all read a service with its
children; one list keeps a relation added to the model from being loaded by some of them
and raising (`lazy="raise"`) in the others.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import selectinload

from services_directory.listings.models import Service, ServiceAtLocation


def service_options() -> list[Any]:
    """Return the loader options that fetch a service with everything any reader shows of it."""
    return [
        selectinload(Service.organization),
        selectinload(Service.translations),
        selectinload(Service.phones),
        selectinload(Service.schedules),
        selectinload(Service.contacts),
        selectinload(Service.service_areas),
        selectinload(Service.languages),
        selectinload(Service.attributes),
        selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location),
    ]
