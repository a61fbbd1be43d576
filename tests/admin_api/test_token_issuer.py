"""A token records who issued it, and the audit log says so for whatever is done with it."""

from __future__ import annotations

from admin_api.accounts.models import Role
from tests.helpers.api import Api, service_body


async def test_a_token_minted_by_a_city_admin_does_not_pass_for_the_account_itself(
    api: Api,
) -> None:
    admin = await api.account(Role.CITY_ADMIN)
    me = (await api.client.get("/api/v1/me", headers=admin)).json()
    organization = await api.organization()
    created = await api.client.post(
        "/api/v1/accounts",
        json={"name": "Amal", "role": "association", "organization_id": organization},
        headers=admin,
    )
    association_id = created.json()["id"]
    minted = await api.client.post(
        f"/api/v1/accounts/{association_id}/tokens", json={"label": "laptop"}, headers=admin
    )
    assert minted.status_code == 201, minted.text
    assert minted.json()["issued_by_id"] == me["id"]
    as_association = {"Authorization": f"Bearer {minted.json()['token']}"}
    # A token the association issues for itself is its own.
    own = await api.client.post(
        f"/api/v1/accounts/{association_id}/tokens", json={"label": "phone"}, headers=as_association
    )
    assert own.json()["issued_by_id"] == association_id
    by_itself = {"Authorization": f"Bearer {own.json()['token']}"}

    service = await api.client.post("/api/v1/services", json=service_body(), headers=as_association)
    assert service.status_code == 201, service.text
    path = f"/api/v1/services/{service.json()['id']}"
    rename = {"name": "Free clinic (Medina)"}
    edited = await api.client.patch(
        path, json=rename, headers={**by_itself, "If-Match": service.headers["ETag"]}
    )
    assert edited.status_code == 200, edited.text

    trail = (await api.client.get(f"{path}/audit", headers=admin)).json()
    assert [(e["actor"], e["issued_by"]) for e in trail] == [
        ("association:Amal", f"city_admin:{me['name']}"),
        ("association:Amal", None),
    ]
    issued = await api.client.get(f"/api/v1/accounts/{association_id}/audit", headers=admin)
    assert [(e["action"], e["actor"], e["changes"]["label"]) for e in issued.json()] == [
        ("token_issued", f"city_admin:{me['name']}", "laptop"),
        ("token_issued", "association:Amal", "phone"),
    ]
    listed = await api.client.get(f"/api/v1/accounts/{association_id}/tokens", headers=admin)
    assert [t["issued_by_id"] for t in listed.json()] == [me["id"], association_id]
    refused = await api.client.get(
        f"/api/v1/accounts/{association_id}/audit", headers=as_association
    )
    assert refused.status_code == 403
