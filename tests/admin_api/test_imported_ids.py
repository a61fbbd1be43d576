"""An HSDS file's ids name services within the importing organisation only (issue 13, finding 8)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from admin_api.accounts.models import Role
from services_directory.exchange.importer import imported_id
from tests.helpers.api import Api

EXAMPLE = Path(__file__).parents[1] / "services_directory" / "fixtures" / "hsds_example.json"


def _document(*ids: str) -> bytes:
    """The example file's first service under each of `ids`."""
    service: dict[str, Any] = json.loads(EXAMPLE.read_text())["contents"][0]
    return json.dumps({"contents": [{**service, "id": name} for name in ids]}).encode()


async def _import(api: Api, headers: dict[str, str], content: bytes) -> Any:
    return await api.client.post(
        "/api/v1/imports/services", content=content,
        headers={**headers, "Content-Type": "application/json"},
    )  # fmt: skip


async def test_an_association_cannot_choose_ids_that_look_like_the_directorys(api: Api) -> None:
    organization = await api.organization()
    association = await api.account(Role.ASSOCIATION, organization)
    # One mimicking the sample's ids, and one of 64 characters, whose location id ("-loc")
    # no longer fitted String(64): a 500 from PostgreSQL before.
    mimic, longest = "tng-health-99", "a" * 64
    response = await _import(api, association, _document(mimic, longest))
    assert response.status_code == 200, response.text
    created = response.json()["created"]
    assert created == [f"{organization}.{mimic}", imported_id(organization, longest)]
    assert all(name.startswith(f"{organization}.") and len(name) <= 60 for name in created)
    admin = await api.account(Role.CITY_ADMIN)
    assert (await api.client.get(f"/api/v1/services/{mimic}", headers=admin)).status_code == 404
    for name in created:
        assert (await api.client.get(f"/api/v1/services/{name}", headers=admin)).status_code == 200


async def test_ids_that_cannot_be_kept_are_422_and_nothing_is_written(api: Api) -> None:
    organization = await api.organization()
    association = await api.account(Role.ASSOCIATION, organization)
    for name in ("b" * 65, "with space", f"{organization}." + "c" * 60):
        response = await _import(api, association, _document(name))
        assert response.status_code == 422, (name, response.text)
        body = response.json()
        assert [(e["row"], e["column"]) for e in body["errors"]] == [(1, "id")], body
    listed = await api.client.get(
        "/api/v1/services", params={"organization_id": organization}, headers=association
    )
    assert listed.json()["total_items"] == 0
