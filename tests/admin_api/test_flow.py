"""The whole path: an admin makes an association, which lists a service that the bot then shows."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from admin_api.accounts.models import Role
from services_directory.categories import Category
from services_directory.listings.models import Organization
from services_directory.search.service import search_services
from tests.helpers.api import Api, service_body

# Also on the `make run` default: SQLite and an embedded Redis.
pytestmark = pytest.mark.embedded_default


async def _bot_shows(engine: AsyncEngine, service_id: str) -> bool:
    async with AsyncSession(engine) as session:
        page = await search_services(
            session, category=Category.HEALTH, city_id="tangier", locale="ar", limit=1000
        )
    return service_id in {card.id for card in page.cards}


async def test_association_lists_city_admin_publishes_bot_shows(api: Api) -> None:
    admin = await api.account(Role.CITY_ADMIN)
    # A new id each run: the app commits, and an earlier run's organisation stays.
    org = f"amal-{uuid.uuid4().hex[:8]}"
    body = {"id": org, "name": "Amal (test)", "description": "Health", "email": "amal@example.org"}
    created = await api.client.post("/api/v1/organizations", json=body, headers=admin)
    assert created.status_code == 201, created.text
    assert {k: created.json()[k] for k in body} == body
    read = await api.client.get(f"/api/v1/organizations/{org}", headers=admin)
    assert read.status_code == 200
    assert read.json()["name"] == "Amal (test)"
    async with AsyncSession(api.engine) as session:
        stored = await session.get(Organization, org)
    assert stored is not None
    assert not stored.is_sample
    again = await api.client.post("/api/v1/organizations", json=body, headers=admin)
    # Taken, as a rumour's key can be: the same 409 "conflict".
    assert again.status_code == 409, again.text
    assert again.json() == {"error": "conflict", "detail": f"organization {org!r} exists"}

    account = await api.client.post(
        "/api/v1/accounts", json={"name": "Amal volunteer", "role": "association",
                                  "organization_id": org}, headers=admin,
    )  # fmt: skip
    assert account.status_code == 201, account.text
    account_id = account.json()["id"]
    issued = await api.client.post(
        f"/api/v1/accounts/{account_id}/tokens", json={"label": "phone"}, headers=admin
    )
    assert issued.status_code == 201
    token = issued.json()["token"]
    assert token.startswith("dalil_")
    listed = await api.client.get(f"/api/v1/accounts/{account_id}/tokens", headers=admin)
    assert [t["token"] for t in listed.json()] == [None]  # shown once, stored hashed
    association = {"Authorization": f"Bearer {token}"}

    new = await api.client.post("/api/v1/services", json=service_body(), headers=association)
    assert new.status_code == 201, new.text
    service = new.json()
    assert (service["status"], service["version"], service["organization_id"]) == ("draft", 1, org)
    assert new.headers["ETag"] == '"1"'
    assert not await _bot_shows(api.engine, service["id"])

    edited = await api.client.patch(
        f"/api/v1/services/{service['id']}",
        json={"phones": [{"number": "+212 539 00 09 98"}], "by_appointment": True},
        headers={**association, "If-Match": '"1"'},
    )
    assert edited.status_code == 200, edited.text
    assert edited.headers["ETag"] == '"2"'
    assert edited.json()["fields"]["phones"] == [
        {"number": "+212 539 00 09 98", "description": None}
    ]

    submitted = await api.client.post(
        f"/api/v1/services/{service['id']}/submit", headers=association
    )
    assert submitted.json()["status"] == "pending_review"
    refused = await api.client.post(
        f"/api/v1/services/{service['id']}/publish", headers=association
    )
    assert refused.status_code == 403
    published = await api.client.post(
        f"/api/v1/services/{service['id']}/publish",
        json={"note": "checked by phone"},
        headers=admin,
    )
    assert published.json()["status"] == "published"
    assert await _bot_shows(api.engine, service["id"])

    audit = await api.client.get(f"/api/v1/services/{service['id']}/audit", headers=association)
    assert [e["action"] for e in audit.json()] == ["create", "update", "submit", "publish"]
    assert set(audit.json()[1]["changes"]) == {"phones", "by_appointment"}
    assert audit.json()[3]["changes"]["note"] == "checked by phone"


async def test_another_association_cannot_see_or_touch_a_draft(api: Api) -> None:
    owner = await api.account(Role.ASSOCIATION, await api.organization())
    other = await api.account(Role.ASSOCIATION, await api.organization())
    admin = await api.account(Role.CITY_ADMIN)
    draft = (await api.client.post("/api/v1/services", json=service_body(), headers=owner)).json()
    url = f"/api/v1/services/{draft['id']}"

    assert (await api.client.get(url, headers=other)).status_code == 404
    assert (
        await api.client.patch(url, json={"name": "x"}, headers={**other, "If-Match": '"1"'})
    ).status_code == 404
    assert (await api.client.post(f"{url}/submit", headers=other)).status_code == 404
    assert (await api.client.get(f"{url}/audit", headers=other)).status_code == 404
    listing = await api.client.get(
        "/api/v1/services", params={"per_page": 100, "status": "draft"}, headers=other
    )
    assert draft["id"] not in {s["id"] for s in listing.json()["contents"]}
    # Once published it is public, yet still not theirs to change.
    await api.client.post(f"{url}/publish", headers=admin)
    assert (await api.client.get(url, headers=other)).status_code == 200
    assert (
        await api.client.patch(url, json={"name": "x"}, headers={**other, "If-Match": '"1"'})
    ).status_code == 404
    # An association cannot create a service for someone else's organisation either.
    foreign = {**service_body(), "organization_id": draft["organization_id"]}
    assert (
        await api.client.post("/api/v1/services", json=foreign, headers=other)
    ).status_code == 404


async def test_an_association_puts_back_its_own_service_as_a_draft_to_review_again(
    api: Api,
) -> None:
    organization = await api.organization()
    owner = await api.account(Role.ASSOCIATION, organization)
    other = await api.account(Role.ASSOCIATION, await api.organization())
    admin = await api.account(Role.CITY_ADMIN)
    service = (await api.client.post("/api/v1/services", json=service_body(), headers=owner)).json()
    url = f"/api/v1/services/{service['id']}"
    await api.client.post(f"{url}/publish", headers=admin)
    assert (await api.client.post(f"{url}/archive", headers=owner)).json()["status"] == "archived"
    assert (await api.client.post(f"{url}/restore", headers=other)).status_code == 404
    restored = await api.client.post(f"{url}/restore", headers=owner)
    assert restored.status_code == 200, restored.text
    # Not published again by itself: the city team reviews it as any draft.
    assert restored.json()["status"] == "draft"
    assert not await _bot_shows(api.engine, service["id"])
    audit = await api.client.get(f"{url}/audit", headers=owner)
    assert [e["action"] for e in audit.json()][-2:] == ["archive", "restore"]


async def test_taxonomies_and_their_terms_follow_the_hsds_endpoints(api: Api) -> None:
    reader = await api.account(Role.AUTHORITY)
    taxonomies = (await api.client.get("/api/v1/taxonomies", headers=reader)).json()
    assert {t["id"] for t in taxonomies} == {"dalil-category", "dalil-eligibility"}
    assert all(t["terms"] > 0 for t in taxonomies)
    one = await api.client.get("/api/v1/taxonomies/dalil-category", headers=reader)
    assert one.status_code == 200
    assert one.json()["name"] == "Dalil categories"
    assert (await api.client.get("/api/v1/taxonomies/nope", headers=reader)).status_code == 404
    top = (
        await api.client.get(
            "/api/v1/taxonomy_terms", params={"taxonomy_id": "dalil-category", "top_only": True},
            headers=reader,
        )
    ).json()  # fmt: skip
    assert {t["id"] for t in top} == {
        "health", "housing", "education", "jobs", "legal", "social_support", "mobility",
    }  # fmt: skip
    finer = (
        await api.client.get("/api/v1/taxonomy_terms", params={"parent_id": "health"},
                             headers=reader)
    ).json()  # fmt: skip
    assert finer
    assert {t["parent_id"] for t in finer} == {"health"}
