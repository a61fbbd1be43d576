"""Errors of the services directory, each with the HTTP status it should be shown with."""

from __future__ import annotations

from core.errors import DalilError


class DirectoryError(DalilError):
    """Base of the directory's expected errors."""


class InvalidListing(DirectoryError):
    """A listing that refers to something that does not exist, or is inconsistent."""

    status_code = 422
    code = "invalid_listing"


class StaleVersion(DirectoryError):
    """Someone else changed the service or rumour since it was read."""

    status_code = 412
    code = "stale_version"

    def __init__(self, entity_type: str, current_version: int) -> None:
        super().__init__(
            f"the {entity_type} changed meanwhile; current version is {current_version}"
        )
        self.current_version = current_version


class WorkflowError(DirectoryError):
    """A review step that does not apply to the listing's current state."""

    status_code = 409
    code = "workflow"


class InvalidOrganization(DirectoryError):
    """A change that would leave an organisation without a name."""

    status_code = 422
    code = "invalid"


class OrganizationExists(DirectoryError):
    """A new organisation whose id is taken (as for a rumour's key: 409)."""

    status_code = 409
    code = "conflict"


class RumourExists(DirectoryError):
    """A new rumour whose key is taken."""

    status_code = 409
    code = "conflict"
