"""The spreadsheet round trip: export, edit, import; every problem reported, nothing half-done."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services_directory.audit import Actor
from services_directory.exchange.importer import export_rows, import_table
from services_directory.exchange.spreadsheet import read_table, write_csv, write_xlsx
from services_directory.listings import service as listings
from services_directory.listings.models import Service

ACTOR = Actor(None, "test")
ORG = "lyo-sante-deux-fleuves"


async def _count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Service)) or 0)


async def test_export_then_import_changes_nothing(session: AsyncSession) -> None:
    rows = await export_rows(session, organization_id=ORG)
    assert rows
    for content in (write_csv(rows), write_xlsx(rows)):
        report = await import_table(session, read_table(content), actor=ACTOR, organization_id=ORG)
        assert report.errors == []
        assert (report.created, report.updated, report.unchanged) == ([], [], len(rows))
    assert await export_rows(session, organization_id=ORG) == rows


async def test_an_edited_cell_updates_one_service_and_audits_it(session: AsyncSession) -> None:
    rows = read_table(write_csv(await export_rows(session, organization_id=ORG)))
    rows[0]["hours"] = "MO-FR 08:00-12:00; SA 09:00-11:00"
    rows[0]["name_ar"] = "اسم جديد"
    report = await import_table(session, rows, actor=ACTOR, organization_id=ORG)
    assert report.errors == []
    assert report.updated == [rows[0]["id"]]
    service = await listings.get_service(session, rows[0]["id"])
    assert service is not None
    assert [(s.byday, s.opens_at) for s in service.schedules if not s.closed] == [
        ("MO,TU,WE,TH,FR", "08:00"),
        ("SA", "09:00"),
    ]
    trail = await listings.audit_trail(session, service.id)
    assert trail[-1].action == "update"
    assert set(trail[-1].changes) == {"schedules", "translations"}


async def test_mixed_rows_report_every_problem_and_import_nothing(session: AsyncSession) -> None:
    before = await _count(session)
    rows = read_table(write_csv(await export_rows(session, organization_id=ORG)))[:2]
    good = {**rows[0], "id": "", "version": "", "name": "A new service"}
    rows[1] = {**rows[1], "version": "99"}  # someone edited it since the export
    bad = {**rows[0], "id": "", "version": "", "category": "astrology", "city_id": "atlantis",
           "hours": "every day", "is_free": "perhaps", "latitude": "north"}  # fmt: skip
    report = await import_table(session, [good, rows[1], bad], actor=ACTOR, organization_id=ORG)
    found = {(e.row, e.column) for e in report.errors}
    assert {(3, "version"), (4, "hours"), (4, "is_free"), (4, "latitude")} <= found
    assert (4, "category") in found or (4, "city_id") in found
    assert not report.applied
    assert report.created == []
    assert await _count(session) == before

    partial = await import_table(
        session, [good, rows[1], bad], actor=ACTOR, organization_id=ORG, valid_only=True
    )
    assert partial.applied
    assert len(partial.created) == 1
    assert await _count(session) == before + 1


async def test_an_association_imports_only_its_own_services(session: AsyncSession) -> None:
    others = await export_rows(session, organization_id="amm-sample-org-1")
    report = await import_table(session, others[:1], actor=ACTOR, organization_id=ORG)
    assert {e.column for e in report.errors} == {"organization_id", "id"}
    assert not report.applied


async def test_hours_in_digits_other_than_ascii_are_a_row_error_not_a_crash(
    session: AsyncSession,
) -> None:
    """Hours like `08:3٠` (an Arabic-Indic zero) passed the `HH:MM` check, whose `\\d` is any
    digit, and failed in the search index (`time.fromisoformat`): a 500, a published service."""
    rows = read_table(write_csv(await export_rows(session, organization_id=ORG)))[:1]
    service = await listings.get_service(session, rows[0]["id"])
    assert service is not None
    assert service.review_state == "published"
    version = service.version
    rows[0]["hours"] = "MO-FR 08:3\u0660-12:00"
    report = await import_table(session, rows, actor=ACTOR, organization_id=ORG)
    assert [(e.row, e.column) for e in report.errors] == [(2, "hours")]
    assert not report.applied
    await session.refresh(service)
    assert service.version == version
