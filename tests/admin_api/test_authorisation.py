"""Every endpoint refuses the wrong caller: no token 401, wrong role 403, not theirs 404."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from admin_api.accounts.models import ApiToken, Role
from admin_api.accounts.service import hash_token
from services_directory.audit import AuditEntry
from tests.helpers.api import Api, service_body

# Also on the `make run` default: SQLite and an embedded Redis.
pytestmark = pytest.mark.embedded_default

PUBLIC = {("GET", "/api/v1/")}


def _api_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Return every operation of the API, read from its own OpenAPI document."""
    return [
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/api/v1")
        for method in operations
    ]


def _concrete(path: str) -> str:
    return (
        path.replace("{service_id}", "some-service")
        .replace("{account_id}", "1")
        .replace("{token_id}", "1")
        .replace("{organization_id}", "some-org")
        .replace("{action}", "submit")
        .replace("{taxonomy_id}", "dalil-category")
    )


async def test_every_endpoint_needs_a_token(app: FastAPI, api: Api) -> None:
    routes = [r for r in _api_routes(app) if r not in PUBLIC]
    assert len(routes) >= 15
    for method, path in routes:
        response = await api.client.request(method, _concrete(path), json={})
        assert response.status_code == 401, (method, path, response.text)
        assert response.json()["error"] == "unauthorized"
        assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("kind", ["expired", "revoked", "garbage"])
async def test_expired_revoked_or_unknown_tokens_are_refused(api: Api, kind: str) -> None:
    headers = await api.account(Role.CITY_ADMIN)
    assert (await api.client.get("/api/v1/me", headers=headers)).status_code == 200
    token = headers["Authorization"].removeprefix("Bearer ")
    if kind == "garbage":
        headers = {"Authorization": "Bearer dalil_not-a-token"}
    else:
        column = ApiToken.expires_at if kind == "expired" else ApiToken.revoked_at
        async with AsyncSession(api.engine) as session, session.begin():
            await session.execute(
                update(ApiToken)
                .where(ApiToken.token_hash == hash_token(token))
                .values({column: dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)})
            )
    response = await api.client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401


async def test_a_revoked_token_stops_working_at_once(api: Api) -> None:
    headers = await api.account(Role.ASSOCIATION, await api.organization())
    me = (await api.client.get("/api/v1/me", headers=headers)).json()
    tokens = (await api.client.get(f"/api/v1/accounts/{me['id']}/tokens", headers=headers)).json()
    assert (
        await api.client.delete(f"/api/v1/tokens/{tokens[0]['id']}", headers=headers)
    ).status_code == 204
    assert (await api.client.get("/api/v1/me", headers=headers)).status_code == 401


async def test_authority_cannot_write_listings_or_see_accounts(api: Api) -> None:
    authority = await api.account(Role.AUTHORITY)
    owner = await api.account(Role.ASSOCIATION, await api.organization())
    draft = (await api.client.post("/api/v1/services", json=service_body(), headers=owner)).json()
    url = f"/api/v1/services/{draft['id']}"
    writes = [
        ("POST", "/api/v1/services", service_body()),
        ("PATCH", url, {"name": "x"}),
        ("POST", f"{url}/submit", None),
        ("POST", f"{url}/publish", None),
        ("POST", f"{url}/archive", None),
        ("GET", f"{url}/audit", None),
        ("POST", "/api/v1/organizations", {"id": "x-org", "name": "X"}),
        ("PATCH", f"/api/v1/organizations/{draft['organization_id']}", {"name": "X"}),
        ("POST", "/api/v1/accounts", {"name": "x", "role": "city_admin"}),
        ("PATCH", "/api/v1/accounts/1", {"disabled": True}),
        ("GET", "/api/v1/accounts", None),
    ]
    for method, path, body in writes:
        response = await api.client.request(
            method, path, json=body, headers={**authority, "If-Match": '"1"'}
        )
        assert response.status_code == 403, (method, path, response.text)
    # Drafts are not the authority's to read; published listings are public.
    assert (await api.client.get(url, headers=authority)).status_code == 404
    sample = (await api.client.get("/api/v1/services", headers=authority)).json()
    assert sample["total_items"] > 0
    assert {s["status"] for s in sample["contents"]} == {"published"}


async def test_association_cannot_manage_accounts_or_publish(api: Api) -> None:
    association = await api.account(Role.ASSOCIATION, await api.organization())
    assert (await api.client.get("/api/v1/accounts", headers=association)).status_code == 403
    body = {"name": "x", "role": "city_admin"}
    assert (
        await api.client.post("/api/v1/accounts", json=body, headers=association)
    ).status_code == 403
    me = (await api.client.get("/api/v1/me", headers=association)).json()
    someone_else = me["id"] - 1
    minted = await api.client.post(
        f"/api/v1/accounts/{someone_else}/tokens", json={}, headers=association
    )
    assert minted.status_code == 403


async def test_a_disabled_account_is_locked_out_until_enabled_again(api: Api) -> None:
    admin = await api.account(Role.CITY_ADMIN)
    association = await api.account(Role.ASSOCIATION, await api.organization())
    me = (await api.client.get("/api/v1/me", headers=association)).json()
    url = f"/api/v1/accounts/{me['id']}"
    assert (
        await api.client.patch(url, json={"disabled": True}, headers=association)
    ).status_code == 403
    disabled = await api.client.patch(url, json={"disabled": True}, headers=admin)
    assert disabled.status_code == 200
    assert disabled.json()["disabled"] is True
    assert (await api.client.get("/api/v1/me", headers=association)).status_code == 401
    enabled = await api.client.patch(url, json={"disabled": False}, headers=admin)
    assert enabled.json()["disabled"] is False
    assert (await api.client.get("/api/v1/me", headers=association)).status_code == 200

    admin_me = (await api.client.get("/api/v1/me", headers=admin)).json()
    own = await api.client.patch(
        f"/api/v1/accounts/{admin_me['id']}", json={"disabled": True}, headers=admin
    )
    assert own.status_code == 422
    missing = await api.client.patch("/api/v1/accounts/999999", json={"name": "x"}, headers=admin)
    assert missing.status_code == 404


async def test_an_association_edits_its_own_organisation_only(api: Api) -> None:
    mine, theirs = await api.organization(), await api.organization()
    association = await api.account(Role.ASSOCIATION, mine)
    changed = await api.client.patch(
        f"/api/v1/organizations/{mine}",
        json={"website": "https://example.org/new", "description": "Now open on Saturdays"},
        headers=association,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["website"] == "https://example.org/new"
    refused = await api.client.patch(
        f"/api/v1/organizations/{theirs}", json={"name": "Taken"}, headers=association
    )
    assert refused.status_code == 404
    for body in ({"id": "renamed"}, {"name": None}, {"website": "ftp://x"}):
        bad = await api.client.patch(
            f"/api/v1/organizations/{mine}", json=body, headers=association
        )
        assert bad.status_code == 422, body
    async with AsyncSession(api.engine) as session:
        entries = (
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.entity_type == "organization", AuditEntry.entity_id == mine
                )
            )
        ).all()
    assert [set(e.changes) for e in entries] == [{"website", "description"}]
