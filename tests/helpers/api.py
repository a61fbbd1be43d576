"""The admin API as tests use it: a client, accounts made as the CLI makes them, a service."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from admin_api.accounts.models import Role
from admin_api.accounts.service import create_account, issue_token
from services_directory.listings.models import Organization


@dataclass
class Api:
    """An HTTP client of the admin API and a way to make accounts."""

    client: httpx.AsyncClient
    engine: AsyncEngine

    async def account(self, role: Role, organization_id: str | None = None) -> dict[str, str]:
        """Create an account with a token, as `dalil accounts create` does; return auth headers."""
        async with AsyncSession(self.engine) as session, session.begin():
            account = await create_account(
                session, name=f"{role.value}-{uuid.uuid4().hex[:6]}", role=role,
                organization_id=organization_id,
            )  # fmt: skip
            _record, token = await issue_token(session, account=account, label="test")
        return {"Authorization": f"Bearer {token}"}

    async def organization(self) -> str:
        """Create an organisation; return its id."""
        org_id = f"org-{uuid.uuid4().hex[:10]}"
        async with AsyncSession(self.engine) as session, session.begin():
            session.add(Organization(id=org_id, name=f"Association {org_id}", description=""))
        return org_id


def service_body(name: str = "Free clinic", city: str = "tangier") -> dict[str, object]:
    """A complete, valid new service."""
    return {
        "name": name,
        "description": "Doctors see anyone, papers or not.",
        "category": "health",
        "terms": ["health.primary_care"],
        "eligibility_tags": ["no_papers_needed"],
        "is_free": True,
        "translations": {
            "en": {"name": name, "description": "Doctors see anyone, papers or not."},
            "ar": {"name": "عيادة مجانية", "description": "الأطباء يستقبلون الجميع."},
            "fr": {"name": "Clinique gratuite", "description": "Pour tous, avec ou sans papiers."},
        },
        "languages": ["ar", "fr"],
        "phones": [{"number": "+212 539 00 09 99"}],
        "schedules": [{"byday": "MO,TU,WE,TH,FR", "opens_at": "09:00", "closes_at": "17:00"}],
        "location": {"city_id": city, "district": "Medina", "address_1": "1 Rue Test"},
    }
