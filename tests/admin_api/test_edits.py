"""No lost edits, strict input, clear errors."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from admin_api import deps
from admin_api.accounts.models import Role
from tests.helpers.api import Api, service_body


async def _draft(api: Api) -> tuple[dict[str, str], str]:
    headers = await api.account(Role.ASSOCIATION, await api.organization())
    created = await api.client.post("/api/v1/services", json=service_body(), headers=headers)
    assert created.status_code == 201, created.text
    return headers, f"/api/v1/services/{created.json()['id']}"


# On both backends: SQLite has no row lock to queue the editors, so there the loser's write
# fails in flight and what is current must be read apart from its transaction.
@pytest.mark.embedded_default
async def test_two_editors_same_etag_one_wins_the_other_gets_412(api: Api) -> None:
    headers, url = await _draft(api)
    first, second = await asyncio.gather(
        api.client.patch(url, json={"name": "Clinic A"}, headers={**headers, "If-Match": '"1"'}),
        api.client.patch(url, json={"description": "B"}, headers={**headers, "If-Match": '"1"'}),
    )
    statuses = sorted([first.status_code, second.status_code])
    assert statuses == [200, 412], (first.text, second.text)
    winner, loser = (first, second) if first.status_code == 200 else (second, first)
    assert loser.json()["error"] == "stale_version"
    current = loser.json()["current"]
    assert current["version"] == 2 == winner.json()["version"]
    # The loser re-applies its change on the current version: both edits survive.
    change = {"name": "Clinic A"} if loser is first else {"description": "B"}
    retried = await api.client.patch(url, json=change, headers={**headers, "If-Match": '"2"'})
    assert retried.status_code == 200
    final = retried.json()["fields"]
    assert (final["name"], final["description"]) == ("Clinic A", "B")


async def test_update_without_if_match_is_refused(api: Api) -> None:
    headers, url = await _draft(api)
    response = await api.client.patch(url, json={"name": "x"}, headers=headers)
    assert response.status_code == 428
    assert response.json()["error"] == "if_match_required"


@pytest.mark.parametrize("field", ["id", "status", "organization_id", "version", "colour"])
async def test_read_only_and_unknown_fields_are_rejected(api: Api, field: str) -> None:
    headers, url = await _draft(api)
    response = await api.client.patch(
        url, json={field: "x"}, headers={**headers, "If-Match": '"1"'}
    )
    assert response.status_code == 422
    assert field in response.json()["detail"]
    unchanged = await api.client.get(url, headers=headers)
    assert unchanged.json()["version"] == 1


@pytest.mark.parametrize(
    "change",
    [
        {"schedules": [{"byday": "MO", "opens_at": "25:00", "closes_at": "26:00"}]},
        {"category": "astrology"},
        {"location": {"city_id": "atlantis", "address_1": "1 Sea Road"}},
        {"terms": ["jobs.cv"]},  # a jobs term on a health service
        {"eligibility_tags": ["vip"]},
        {"phones": [{"number": "call me maybe"}]},
        {"languages": ["Arabic"]},
        {"name": ""},
    ],
)
async def test_invalid_changes_are_422_and_change_nothing(
    api: Api, change: dict[str, object]
) -> None:
    headers, url = await _draft(api)
    response = await api.client.patch(url, json=change, headers={**headers, "If-Match": '"1"'})
    assert response.status_code == 422, response.text
    assert set(response.json()) >= {"error", "detail"}
    assert (await api.client.get(url, headers=headers)).json()["version"] == 1


async def test_bad_bodies_get_4xx_in_one_shape(api: Api) -> None:
    headers, _url = await _draft(api)
    raw = {**headers, "Content-Type": "application/json"}
    cases = [
        (await api.client.post("/api/v1/services", content=b"{oops", headers=raw), 422),
        (await api.client.post("/api/v1/services", json=[1, 2], headers=headers), 422),
        (await api.client.post("/api/v1/services", json={"name": "x"}, headers=headers), 422),
        (await api.client.post("/api/v1/services", content=b"x" * 1_000_001, headers=raw), 413),
        (await api.client.get("/api/v1/services", params={"per_page": 1000}, headers=headers), 422),
        (await api.client.get("/api/v1/services/nope", headers=headers), 404),
    ]
    for response, status in cases:
        assert response.status_code == status, response.text
        assert set(response.json()) >= {"error", "detail"}


async def test_workflow_steps_out_of_order_are_409(api: Api) -> None:
    headers, url = await _draft(api)
    admin = await api.account(Role.CITY_ADMIN)
    assert (await api.client.post(f"{url}/reject", headers=admin)).status_code == 409
    assert (await api.client.post(f"{url}/archive", headers=headers)).status_code == 200
    assert (await api.client.post(f"{url}/submit", headers=headers)).status_code == 409


async def test_rate_limit_per_token(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deps, "REQUESTS_PER_MINUTE", 3)
    headers = await api.account(Role.AUTHORITY)
    other = await api.account(Role.AUTHORITY)
    codes = [(await api.client.get("/api/v1/me", headers=headers)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert (await api.client.get("/api/v1/me", headers=other)).status_code == 200


async def test_hsds_pages(api: Api) -> None:
    headers = await api.account(Role.AUTHORITY)
    first = (
        await api.client.get(
            "/api/v1/services",
            params={"per_page": 4, "city": "lyon", "taxonomy_term_id": "health"},
            headers=headers,
        )
    ).json()
    assert first["page_number"] == 1
    assert first["first_page"]
    assert first["size"] == 4
    assert first["total_pages"] == -(-first["total_items"] // 4)
    last = (
        await api.client.get(
            "/api/v1/services",
            params={
                "per_page": 4,
                "page": first["total_pages"],
                "city": "lyon",
                "taxonomy_term_id": "health",
            },
            headers=headers,
        )
    ).json()
    assert last["last_page"]
    assert not last["empty"]
    assert {s["fields"]["category"] for s in first["contents"] + last["contents"]} == {"health"}
    assert {s["fields"]["location"]["city_id"] for s in first["contents"]} == {"lyon"}


async def test_search_as_the_bot_does(api: Api) -> None:
    headers = await api.account(Role.AUTHORITY)
    params: dict[str, str | float] = {
        "category": "health", "city": "lyon", "locale": "ar", "lat": 45.75, "lon": 4.85,
    }  # fmt: skip
    found = (await api.client.get("/api/v1/search", params=params, headers=headers)).json()
    assert found["size"] == 5
    assert found["total_items"] >= 5
    distances = [card["distance_m"] for card in found["contents"]]
    assert distances == sorted(distances)
    bad = await api.client.get(
        "/api/v1/search",
        params={"category": "health", "city": "lyon", "lat": 45.0},
        headers=headers,
    )
    assert bad.status_code == 422
    assert bad.json()["error"] == "invalid"
    # A typo in the city is said, not answered with an empty list.
    unknown = await api.client.get(
        "/api/v1/search", params={"category": "health", "city": "lyom"}, headers=headers
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"] == "invalid"
    assert "lyom" in unknown.json()["detail"]


async def test_nul_characters_are_refused_before_the_database(api: Api) -> None:
    headers = await api.account(Role.CITY_ADMIN)
    body = {"name": "bad\u0000name", "role": "authority"}
    response = await api.client.post("/api/v1/accounts", json=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"] == "NUL characters are not allowed"
    response = await api.client.get("/api/v1/services?search=a%00b", headers=headers)
    assert response.status_code == 422
    raw = {**headers, "Content-Type": "text/csv"}
    response = await api.client.post(
        "/api/v1/imports/services", content=b"id,name\n,a\x00b\n", headers=raw
    )
    assert response.status_code == 422


async def test_a_new_organisation_needs_an_email_address_an_edit_would_accept(api: Api) -> None:
    admin = await api.account(Role.CITY_ADMIN)
    body = {"id": f"org-{uuid.uuid4().hex[:10]}", "name": "Association", "email": "call us"}
    refused = await api.client.post("/api/v1/organizations", json=body, headers=admin)
    assert refused.status_code == 422, refused.text
    body["email"] = "desk@example.org"
    created = await api.client.post("/api/v1/organizations", json=body, headers=admin)
    assert created.status_code == 201
    assert created.json()["email"] == "desk@example.org"
