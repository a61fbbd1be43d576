"""HSDS 3.0: an example file imports; JSON and tabular exports import back unchanged."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services_directory.audit import Actor
from services_directory.categories import Category
from services_directory.exchange.hsds import (
    HSDSFormatError,
    read_tabular_package,
    services_in,
    tabular_package,
)
from services_directory.exchange.importer import (
    export_hsds,
    import_file,
    import_hsds,
    imported_id,
)
from services_directory.listings import service as listings
from services_directory.listings.models import Organization, Service
from services_directory.listings.schemas import ServiceFields

ACTOR = Actor(None, "test")
ORG = "vie-gesundheitspunkt-kastanienhof"
EXAMPLE = Path(__file__).parent / "fixtures" / "hsds_example.json"
CLINIC = "5b0f6a52-8c1e-4d3a-9f57-0d2b6c9e41a7"
COURSES = "c3d0b1c2-d3e4-4f56-87a8-192a3b4c5d6e"
PUBLISHER = "0c9d3e71-2f44-4b8a-a5d6-7e1f3b2c9d80"
# The ids they get here: under their organisation (a UUID under a UUID is shortened).
CLINIC_ID, COURSES_ID = imported_id(PUBLISHER, CLINIC), imported_id(PUBLISHER, COURSES)


def _example() -> list[dict[str, object]]:
    return services_in(json.loads(EXAMPLE.read_text()))


async def _count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Service)) or 0)


async def test_the_hsds_example_file_imports_as_drafts_with_every_part(
    session: AsyncSession,
) -> None:
    report = await import_hsds(session, _example(), actor=ACTOR)
    assert report.errors == []
    assert report.applied
    assert sorted(report.created) == sorted([CLINIC_ID, COURSES_ID])
    organization = await session.get(Organization, PUBLISHER)
    assert organization is not None
    assert organization.name == "Gesundheitsverein Favoriten"

    clinic = await listings.get_service(session, CLINIC_ID)
    assert clinic is not None
    assert clinic.review_state == "draft"
    fields = listings.to_fields(clinic)
    assert fields["category"] == "health"
    assert fields["terms"] == ["health.primary_care"]
    assert fields["is_free"] is True
    assert fields["languages"] == ["ar", "de", "prs"]
    assert fields["phones"] == [{"number": "+43 1 600 12 34", "description": "Reception"}]
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in fields["schedules"]] == [
        ("MO,TU,WE,TH", "08:30", "13:00"),
        ("FR", "14:00", "18:00"),
    ]
    assert fields["schedules"][1]["valid_to"] == "2026-12-31"
    assert fields["contacts"] == [
        {"name": "Reception desk", "title": "Front desk", "email": "empfang@example.org",
         "phone": "+43 1 600 12 35"}
    ]  # fmt: skip
    assert fields["service_areas"] == [
        {"name": "Vienna", "description": "Anyone staying in Vienna"}
    ]
    location = fields["location"]
    assert (location["city_id"], location["address_1"], location["postal_code"]) == (
        "vienna", "Favoritenstraße 100", "1100",
    )  # fmt: skip
    assert location["accessibility"] == "Step-free entrance and lift"
    # HSDS texts are one language: eligibility and fees go to the locale the file is in.
    assert (
        fields["translations"]["en"]["eligibility"] == "Anyone without health insurance in Vienna"
    )

    courses = await listings.get_service(session, COURSES_ID)
    assert courses is not None
    assert listings.to_fields(courses)["category"] == "education"


async def test_importing_the_same_file_again_refuses_to_overwrite(session: AsyncSession) -> None:
    await import_hsds(session, _example(), actor=ACTOR)
    before = await _count(session)
    again = await import_hsds(session, _example(), actor=ACTOR)
    assert not again.applied
    assert {(e.row, e.column) for e in again.errors} == {(1, "version"), (2, "version")}
    assert await _count(session) == before


async def test_problems_are_reported_by_service_and_path_and_nothing_is_written(
    session: AsyncSession,
) -> None:
    services = _example()
    broken = json.loads(json.dumps(services[0]))
    broken["id"] = "broken-1"
    broken["attributes"] = []
    broken["email"] = "not an address"
    broken["schedules"][0]["freq"] = "MONTHLY"
    broken["service_at_locations"][0]["location"]["latitude"] = 100
    broken["service_at_locations"][0]["location"]["addresses"][0]["city"] = "Atlantis"
    before = await _count(session)
    report = await import_hsds(session, [services[1], broken, "nonsense"], actor=ACTOR)
    found = {(e.row, e.column) for e in report.errors}
    assert {
        (2, "attributes"),
        (2, "schedules[0].freq"),
        (2, "service_at_locations[0].location.addresses[0].city"),
        (3, ""),
    } <= found
    assert not report.applied
    assert await _count(session) == before

    partial = await import_hsds(session, [services[1], broken], actor=ACTOR, valid_only=True)
    assert partial.applied
    assert partial.created == [COURSES_ID]


async def test_an_array_that_is_not_a_list_is_a_row_error_not_a_crash(
    session: AsyncSession,
) -> None:
    """HSDS arrays given as a boolean, a number or a string (as a fuzzer sent
    `"service_areas": true`, which crashed the import with a 500) are reported at their
    path, and nothing is written."""
    wrong = json.loads(json.dumps(_example()[0]))
    wrong["service_areas"] = True
    wrong["languages"] = 3
    wrong["contacts"] = [{"name": "Desk", "phones": False}]
    wrong["service_at_locations"][0]["location"]["accessibility"] = "ramp"
    before = await _count(session)
    report = await import_hsds(session, [wrong], actor=ACTOR)
    assert {(e.row, e.column, e.message) for e in report.errors} >= {
        (1, "service_areas", "must be a list, not bool"),
        (1, "languages", "must be a list, not int"),
        (1, "contacts[0].phones", "must be a list, not bool"),
        (1, "service_at_locations[0].location.accessibility", "must be a list, not str"),
    }
    assert not report.applied
    assert await _count(session) == before


async def test_nul_in_a_json_string_is_dropped_as_in_a_csv_cell_not_a_crash(
    session: AsyncSession,
) -> None:
    """`\\u0000` in an id or a text (PostgreSQL text holds no NUL: the query for the file's
    ids failed, a 500) is dropped, as the CSV reader drops NUL."""
    service = json.loads(json.dumps(_example()[0]))
    service["id"] = f"{CLINIC[:8]}\x00{CLINIC[8:]}"
    service["name"] = "Gesundheitspunkt\x00 Kastanienhof"
    content = json.dumps({"contents": [service]}).encode()
    assert b"\\u0000" in content
    report = await import_file(session, content, actor=ACTOR)
    assert report.errors == []
    assert report.created == [CLINIC_ID]
    clinic = await listings.get_service(session, CLINIC_ID)
    assert clinic is not None
    assert clinic.name == "Gesundheitspunkt Kastanienhof"


@pytest.mark.parametrize(
    ("where", "content", "detail"),
    [
        # A lone surrogate is no character: UTF-8 cannot encode it, so the query for the
        # file's ids failed (a 500), and a key of one came back in an error's path.
        ("id", b'{"name": "Clinic", "id": "x\\ud800"}', "lone surrogate"),
        ("key", b'{"name": "x", "dalil_translations": {"\\udc00": {}}}', "lone surrogate"),
        # Past Python's 4300 digits json.loads raises a plain ValueError, not JSONDecodeError.
        ("integer", b'{"name": "x", "dalil_version": ' + b"9" * 5000 + b"}", "4300 digits"),
    ],
    ids=["surrogate-in-id", "surrogate-in-key", "huge-integer"],
)
async def test_json_python_reads_but_no_database_stores_is_refused_not_a_crash(
    session: AsyncSession, where: str, content: bytes, detail: str
) -> None:
    before = await _count(session)
    with pytest.raises(HSDSFormatError, match=detail) as refused:
        await import_file(session, content, actor=ACTOR)
    assert "not valid JSON" in str(refused.value.detail)
    if where == "id":
        assert "a string at id holds" in str(refused.value.detail)
    assert await _count(session) == before


async def test_a_new_organisation_is_checked_as_one_made_in_the_api(
    session: AsyncSession,
) -> None:
    """The publisher an HSDS file creates gets the checks of the organisation form (a name
    past its column's 200 characters failed the insert, a 500), reported under
    `organization`, and nothing is written."""
    wrong = json.loads(json.dumps(_example()[0]))
    wrong["organization"]["name"] = "N" * 201
    wrong["organization"]["email"] = "not an address"
    wrong["organization"]["website"] = "https://" + "w" * 500
    before = await _count(session)
    report = await import_hsds(session, [wrong], actor=ACTOR)
    assert {(e.row, e.column) for e in report.errors} == {
        (1, "organization.name"),
        (1, "organization.email"),
        (1, "organization.website"),
    }
    assert not report.applied
    assert await _count(session) == before
    assert await session.get(Organization, PUBLISHER) is None


def _package_translated(translations: str) -> bytes:
    """A tabular package of one service whose `dalil_translations` cell is `translations`."""
    cells = io.StringIO()
    csv.writer(cells).writerows(
        [["id", "name", "dalil_translations"], ["s-1", "Clinic", translations]]
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("service.csv", cells.getvalue())
    return buffer.getvalue()


async def test_strings_of_a_json_cell_of_the_tabular_package_are_read_the_same_way(
    session: AsyncSession,
) -> None:
    """The package's JSON cells (`dalil_translations`) are read as a JSON document is: a
    lone surrogate refuses the file, NUL is dropped."""
    before = await _count(session)
    with pytest.raises(HSDSFormatError, match=r"^service\.csv: .* at en\.name holds a lone"):
        await import_file(
            session, _package_translated(r'{"en": {"name": "\ud800"}}'), actor=ACTOR,
            organization_id=ORG,
        )  # fmt: skip
    assert await _count(session) == before
    services = read_tabular_package(_package_translated(r'{"en": {"name": "A\u0000B"}}'))
    assert services[0]["dalil_translations"] == {"en": {"name": "AB"}}


async def test_a_default_category_classifies_a_file_without_our_taxonomy(
    session: AsyncSession,
) -> None:
    service = _example()[0]
    service["attributes"] = []
    report = await import_hsds(session, [service], actor=ACTOR, default_category=Category.HEALTH)
    assert report.errors == []
    assert report.created == [CLINIC_ID]


async def test_an_association_imports_into_its_own_organisation_only(
    session: AsyncSession,
) -> None:
    report = await import_hsds(session, _example(), actor=ACTOR, organization_id=ORG)
    assert report.errors == []
    clinic = await session.get(Service, imported_id(ORG, CLINIC))
    assert clinic is not None
    assert clinic.organization_id == ORG
    assert await session.get(Organization, PUBLISHER) is None

    other = (await export_hsds(session, organization_id="amm-sample-org-1"))[:1]
    refused = await import_hsds(session, other, actor=ACTOR, organization_id=ORG)
    assert {e.column for e in refused.errors} >= {"organization_id"}
    assert not refused.applied


async def _give_contacts_and_areas(session: AsyncSession, service_id: str) -> None:
    service = await listings.get_service(session, service_id, for_update=True)
    assert service is not None
    data = listings.to_fields(service)
    data["contacts"] = [{"name": "Amal", "title": "Social worker", "email": "amal@example.org",
                         "phone": "+43 1 234 5678"}]  # fmt: skip
    data["service_areas"] = [{"name": "Favoriten", "description": "10th district only"}]
    await listings.update_service(
        session, service=service, fields=ServiceFields.model_validate(data),
        expected_version=service.version, actor=ACTOR,
    )  # fmt: skip


@pytest.mark.parametrize("form", ["json", "tabular"])
async def test_export_then_import_changes_nothing(session: AsyncSession, form: str) -> None:
    await _give_contacts_and_areas(session, "vie-health-1")
    documents = await export_hsds(session, organization_id=ORG)
    assert documents
    assert any(d["contacts"] for d in documents)
    if form == "json":
        back = services_in(json.loads(json.dumps(documents)))
    else:
        package = tabular_package(documents)
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            names = set(archive.namelist())
        assert {"service.csv", "organization.csv", "location.csv", "address.csv", "phone.csv",
                "schedule.csv", "contact.csv", "service_area.csv", "attribute.csv",
                "datapackage.json"} <= names  # fmt: skip
        back = read_tabular_package(package)
    report = await import_hsds(session, back, actor=ACTOR, organization_id=ORG)
    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == ([], [], len(documents))
    assert await export_hsds(session, organization_id=ORG) == documents


async def test_an_edit_in_the_tabular_package_updates_the_service(session: AsyncSession) -> None:
    documents = await export_hsds(session, organization_id=ORG)
    documents[0]["name"] = "A clearer name"
    report = await import_hsds(
        session, read_tabular_package(tabular_package(documents)), actor=ACTOR,
        organization_id=ORG,
    )  # fmt: skip
    assert report.errors == []
    assert report.updated == [documents[0]["id"]]


def test_what_is_not_hsds_is_refused_clearly() -> None:
    with pytest.raises(HSDSFormatError):
        services_in({"hello": "world"})
    with pytest.raises(HSDSFormatError):
        read_tabular_package(b"not a zip")
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("organization.csv", "id,name\n1,x\n")
    with pytest.raises(HSDSFormatError, match=r"service\.csv"):
        read_tabular_package(empty.getvalue())
