"""An association round-trips its spreadsheet through the API; nobody imports into another's."""

from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path

from admin_api.accounts.models import Role
from tests.helpers.api import Api, service_body


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


async def test_export_edit_import(api: Api) -> None:
    org = await api.organization()
    association = await api.account(Role.ASSOCIATION, org)
    for name in ("Clinic one", "Clinic two"):
        await api.client.post("/api/v1/services", json=service_body(name), headers=association)

    exported = await api.client.get("/api/v1/exports/services.csv", headers=association)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = _rows(exported.content)
    assert sorted(r["name"] for r in rows) == ["Clinic one", "Clinic two"]
    assert {r["organization_id"] for r in rows} == {org}

    rows[0]["phones"] = "+212 539 00 07 77"
    rows.append(
        {**rows[1], "id": "", "version": "", "name": "Clinic three", "name_en": "Clinic three"}
    )
    imported = await api.client.post(
        "/api/v1/imports/services", content=_csv(rows), headers=association
    )
    assert imported.status_code == 200, imported.text
    report = imported.json()
    assert (len(report["created"]), len(report["updated"]), report["unchanged"]) == (1, 1, 1)

    xlsx = await api.client.get("/api/v1/exports/services.xlsx", headers=association)
    assert xlsx.content[:2] == b"PK"
    xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    again = await api.client.post(
        "/api/v1/imports/services",
        content=xlsx.content,
        headers={**association, "Content-Type": xlsx_type},
    )
    assert again.json()["unchanged"] == 3


async def test_bad_rows_are_all_reported_and_nothing_is_imported(api: Api) -> None:
    association = await api.account(Role.ASSOCIATION, await api.organization())
    await api.client.post("/api/v1/services", json=service_body(), headers=association)
    rows = _rows(
        (await api.client.get("/api/v1/exports/services.csv", headers=association)).content
    )
    rows.append({**rows[0], "id": "", "version": "", "category": "nope", "hours": "always"})
    rows[0]["version"] = "7"
    response = await api.client.post(
        "/api/v1/imports/services", content=_csv(rows), headers=association
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_rows"
    assert not body["applied"]
    assert {(e["row"], e["column"]) for e in body["errors"]} >= {(2, "version"), (3, "hours")}


async def test_imports_stay_within_the_callers_organisation(api: Api) -> None:
    owner = await api.account(Role.ASSOCIATION, await api.organization())
    intruder = await api.account(Role.ASSOCIATION, await api.organization())
    await api.client.post("/api/v1/services", json=service_body(), headers=owner)
    rows = _rows((await api.client.get("/api/v1/exports/services.csv", headers=owner)).content)
    rows[0]["name"] = "Taken over"
    response = await api.client.post(
        "/api/v1/imports/services", content=_csv(rows), headers=intruder
    )
    assert response.status_code == 422
    assert {e["column"] for e in response.json()["errors"]} == {"organization_id", "id"}
    authority = await api.account(Role.AUTHORITY)
    assert (
        await api.client.get("/api/v1/exports/services.csv", headers=authority)
    ).status_code == 403
    assert (
        await api.client.post("/api/v1/imports/services", content=b"x", headers=authority)
    ).status_code == 403


async def test_hsds_json_and_tabular_round_trip_through_the_api(api: Api) -> None:
    association = await api.account(Role.ASSOCIATION, await api.organization())
    example = Path(__file__).parents[1] / "services_directory" / "fixtures" / "hsds_example.json"
    # This API commits: fresh ids keep the example's own ids free for the directory tests.
    document = json.loads(example.read_text())
    for number, service in enumerate(document["contents"]):
        service["id"] = f"{service['id'][:24]}-api-{uuid.uuid4().hex[:8]}-{number}"
    imported = await api.client.post(
        "/api/v1/imports/services", content=json.dumps(document).encode(),
        headers={**association, "Content-Type": "application/json"},
    )  # fmt: skip
    assert imported.status_code == 200, imported.text
    assert len(imported.json()["created"]) == 2

    page = await api.client.get("/api/v1/exports/services.json", headers=association)
    assert page.status_code == 200
    assert page.headers["content-type"] == "application/json"
    document = page.json()
    assert document["total_items"] == 2
    assert {s["name"] for s in document["contents"]} == {
        "Walk-in clinic for people without insurance", "German courses for beginners",
    }  # fmt: skip
    package = await api.client.get("/api/v1/exports/services.zip", headers=association)
    assert package.content[:2] == b"PK"
    for content, media in (
        (page.content, "application/json"),
        (package.content, "application/zip"),
    ):
        again = await api.client.post(
            "/api/v1/imports/services", content=content,
            headers={**association, "Content-Type": media},
        )  # fmt: skip
        assert again.status_code == 200, again.text
        assert again.json()["unchanged"] == 2

    broken = await api.client.post(
        "/api/v1/imports/services", content=b'{"contents": "nope"', headers=association
    )
    assert broken.status_code == 422
    assert "HSDS" in broken.json()["detail"]
