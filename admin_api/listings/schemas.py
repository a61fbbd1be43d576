"""What the directory's endpoints take and answer: services, organisations, taxonomies."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services_directory.audit import AuditEntry
from services_directory.listings import organizations
from services_directory.listings import service as listings
from services_directory.listings.models import Organization, Service
from services_directory.listings.schemas import ServiceFields

ReviewState = Literal["draft", "pending_review", "published", "archived"]
WorkflowAction = Literal["submit", "publish", "reject", "archive", "restore"]


class ServiceOut(BaseModel):
    """A service as the API shows it: identity, review status and version, then its fields."""

    id: str
    organization_id: str
    status: ReviewState
    version: int
    updated_at: dt.datetime | None
    fields: dict[str, Any]
    pending_changes: dict[str, Any] | None = Field(
        None,
        description="an association's changes to this published service waiting for the city "
        "team (field: proposed value); `fields` are what people are shown meanwhile",
    )


class ServiceIn(ServiceFields):
    """A new service; associations may leave out their own organisation."""

    organization_id: str | None = Field(None, max_length=64)


class WorkflowIn(BaseModel):
    """A review step, with an optional note for the audit log."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=1000)


class AuditOut(BaseModel):
    """One audit entry."""

    at: dt.datetime
    actor: str
    issued_by: str | None = Field(
        None, description="who issued the token the change was made with, if not the actor"
    )
    action: str
    changes: dict[str, Any]


def audit_out(entry: AuditEntry) -> AuditOut:
    """Return an audit entry as the API shows it."""
    return AuditOut(
        at=entry.at, actor=entry.actor_label, issued_by=entry.issued_by, action=entry.action,
        changes=entry.changes,
    )  # fmt: skip


class OrganizationOut(BaseModel):
    """An organisation."""

    id: str
    name: str
    description: str
    email: str | None
    website: str | None


class TaxonomyOut(BaseModel):
    """An HSDS taxonomy: a named set of terms."""

    id: str
    name: str
    description: str
    terms: int


class TermOut(BaseModel):
    """A taxonomy term."""

    id: str
    taxonomy: str
    parent_id: str | None
    name: str


def service_out(service: Service) -> ServiceOut:
    """Return a service as the API shows it."""
    return ServiceOut(
        id=service.id,
        organization_id=service.organization_id,
        status=service.review_state,
        version=service.version,
        updated_at=service.updated_at,
        fields=listings.to_fields(service),
        pending_changes=service.pending,
    )


def organization_out(organization: Organization) -> OrganizationOut:
    """Return an organisation as the API shows it."""
    return OrganizationOut(**organizations.to_fields(organization))
