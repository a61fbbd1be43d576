"""An association's changes to a published service's words and contacts wait for the city team.

Issue 13, finding 9: a stolen association token put "Call +1-900-SCAM now" in front of
migrants at once. Hours and closures still apply at once: they must be fixable the same day.
"""

from __future__ import annotations

from typing import Any

from admin_api.accounts.models import Role
from tests.helpers.api import Api, service_body


def _renamed(name: str) -> dict[str, Any]:
    """The changes that rename the service, in its own language and in English."""
    translations: dict[str, Any] = dict(service_body()["translations"])  # type: ignore[call-overload]
    translations["en"] = {**translations["en"], "name": name}
    return {"name": name, "translations": translations}


SCAM = {**_renamed("Call +1-900-SCAM now"), "phones": [{"number": "+1 900 726 0000"}]}
HOURS = [{"byday": "SA", "opens_at": "10:00", "closes_at": "12:00"}]


async def _published(api: Api) -> tuple[str, dict[str, str], dict[str, str]]:
    """A service of a new association, published by the city team; its path and both tokens."""
    organization = await api.organization()
    association = await api.account(Role.ASSOCIATION, organization)
    admin = await api.account(Role.CITY_ADMIN)
    body = service_body(name="Free clinic", city="lyon")
    created = await api.client.post("/api/v1/services", json=body, headers=association)
    path = f"/api/v1/services/{created.json()['id']}"
    published = await api.client.post(f"{path}/publish", headers=admin)
    assert published.status_code == 200, published.text
    return path, association, admin


async def _patch(api: Api, path: str, headers: dict[str, str], changes: dict[str, Any]) -> Any:
    etag = (await api.client.get(path, headers=headers)).headers["ETag"]
    return await api.client.patch(path, json=changes, headers={**headers, "If-Match": etag})


async def _shown_to_people(api: Api, service_id: str, headers: dict[str, str]) -> dict[str, Any]:
    """The card the bot's search gives people for the service."""
    found = await api.client.get(
        "/api/v1/search", params={"category": "health", "city": "lyon", "per_page": 50},
        headers=headers,
    )  # fmt: skip
    cards = [card for card in found.json()["contents"] if card["id"] == service_id]
    assert len(cards) == 1, found.json()
    card: dict[str, Any] = cards[0]
    return card


async def test_a_scam_name_and_phone_wait_while_new_hours_apply_at_once(api: Api) -> None:
    path, association, admin = await _published(api)
    service_id = path.rsplit("/", 1)[1]
    response = await _patch(api, path, association, {**SCAM, "schedules": HOURS})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["fields"]["name"] == "Free clinic"
    assert body["fields"]["phones"] == [{"number": "+212 539 00 09 99", "description": None}]
    assert [s["byday"] for s in body["fields"]["schedules"]] == ["SA"]
    assert set(body["pending_changes"]) == {"name", "translations", "phones"}
    assert body["pending_changes"]["phones"] == [{"number": "+1 900 726 0000", "description": None}]
    card = await _shown_to_people(api, service_id, admin)
    assert "SCAM" not in str(card)
    assert "900 726" not in str(card)
    assert card["name"] == "Free clinic"

    trail = (await api.client.get(f"{path}/audit", headers=admin)).json()
    assert trail[-1]["action"] == "update"
    assert trail[-1]["changes"]["pending"]["to"]["name"] == SCAM["name"]

    # The city team reads the changes and drops them: nothing of them was ever shown.
    etag = response.headers["ETag"]
    rejected = await api.client.post(f"{path}/changes/reject", headers={**admin, "If-Match": etag})
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["pending_changes"] is None
    assert rejected.json()["fields"]["name"] == "Free clinic"
    assert (await api.client.get(f"{path}/audit", headers=admin)).json()[-1]["action"] == (
        "reject_changes"
    )


async def test_approved_changes_go_live_and_only_the_city_team_approves(api: Api) -> None:
    path, association, admin = await _published(api)
    service_id = path.rsplit("/", 1)[1]
    proposed = await _patch(api, path, association, _renamed("Free clinic (Croix-Rousse)"))
    etag = proposed.headers["ETag"]
    refused = await api.client.post(
        f"{path}/changes/approve", headers={**association, "If-Match": etag}
    )
    assert refused.status_code == 403
    unsure = await api.client.post(f"{path}/changes/approve", headers=admin)
    assert unsure.status_code == 428
    # A change proposed after the reviewer read the service is not published unseen.
    await _patch(api, path, association, {"url": "https://example.org/clinic"})
    stale = await api.client.post(f"{path}/changes/approve", headers={**admin, "If-Match": etag})
    assert stale.status_code == 412
    current = (await api.client.get(path, headers=admin)).headers["ETag"]
    approved = await api.client.post(
        f"{path}/changes/approve", headers={**admin, "If-Match": current}
    )
    assert approved.status_code == 200, approved.text
    fields = approved.json()["fields"]
    assert (fields["name"], fields["url"]) == (
        "Free clinic (Croix-Rousse)",
        "https://example.org/clinic",
    )
    assert approved.json()["pending_changes"] is None
    assert (await _shown_to_people(api, service_id, admin))["name"] == "Free clinic (Croix-Rousse)"
    again = await api.client.post(
        f"{path}/changes/approve", headers={**admin, "If-Match": approved.headers["ETag"]}
    )
    assert again.status_code == 409


async def test_the_city_team_and_drafts_are_not_held(api: Api) -> None:
    path, _association, admin = await _published(api)
    direct = await _patch(api, path, admin, {"name": "Free clinic, Lyon"})
    assert direct.json()["fields"]["name"] == "Free clinic, Lyon"
    assert direct.json()["pending_changes"] is None
    organization = await api.organization()
    association = await api.account(Role.ASSOCIATION, organization)
    draft = await api.client.post("/api/v1/services", json=service_body(), headers=association)
    draft_path = f"/api/v1/services/{draft.json()['id']}"
    renamed = await _patch(api, draft_path, association, {"name": "Clinic"})
    assert renamed.json()["fields"]["name"] == "Clinic"


async def test_an_import_cannot_go_around_the_review(api: Api) -> None:
    path, association, admin = await _published(api)
    exported = await api.client.get("/api/v1/exports/services.json", headers=association)
    document = exported.json()
    document["contents"][0]["name"] = "Call +1-900-SCAM now"
    imported = await api.client.post("/api/v1/imports/services", json=document, headers=association)
    assert imported.status_code == 200, imported.text
    shown = (await api.client.get(path, headers=admin)).json()
    assert shown["fields"]["name"] == "Free clinic"
    assert shown["pending_changes"] == {"name": "Call +1-900-SCAM now"}
