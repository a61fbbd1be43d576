"""Importing a spreadsheet: check every row first, then write all of it, or only valid rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services_directory.cities.models import City
from services_directory.exchange.spreadsheet import ParsedRow, RowError, parse_row, service_row
from services_directory.listings import service as listings
from services_directory.listings.models import Organization, Service, TaxonomyTerm
from services_directory.taxonomy import ELIGIBILITY_TAXONOMY


@dataclass(slots=True)
class ImportReport:
    """What an import did, or would have done, and every problem it found."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False


@dataclass(frozen=True, slots=True)
class _Known:
    cities: set[str]
    organizations: set[str]
    terms: dict[str, tuple[str, str | None]]
    services: dict[str, tuple[str, int]]


async def _known(session: AsyncSession, ids: list[str]) -> _Known:
    cities = set((await session.scalars(select(City.id))).all())
    organizations = set((await session.scalars(select(Organization.id))).all())
    terms = {
        t.id: (t.taxonomy, t.parent_id) for t in (await session.scalars(select(TaxonomyTerm))).all()
    }
    rows = await session.execute(
        select(Service.id, Service.organization_id, Service.version).where(Service.id.in_(ids))
    )
    services = {r.id: (r.organization_id, r.version) for r in rows}
    return _Known(cities, organizations, terms, services)


def _check(parsed: ParsedRow, known: _Known, scope: str | None, duplicates: set[str]) -> None:
    row, errors = parsed.row, parsed.errors
    if scope is not None:
        if parsed.organization_id not in (None, scope):
            errors.append(RowError(row, "organization_id", "you can only import your own services"))
        parsed.organization_id = scope
    elif parsed.organization_id is None or parsed.organization_id not in known.organizations:
        errors.append(RowError(row, "organization_id", "must name an existing organisation"))
    if parsed.service_id is not None:
        existing = known.services.get(parsed.service_id)
        if parsed.service_id in duplicates:
            errors.append(RowError(row, "id", "this id appears on more than one row"))
        elif existing is None or existing[0] != parsed.organization_id:
            errors.append(RowError(row, "id", "no such service in this organisation"))
        elif parsed.version is None:
            errors.append(RowError(row, "version", "keep the version column of the export"))
        elif parsed.version != existing[1]:
            errors.append(
                RowError(
                    row, "version", f"changed since your export (now {existing[1]}): export again"
                )
            )
    fields = parsed.fields
    if fields is None:
        return
    if fields.location.city_id not in known.cities:
        errors.append(RowError(row, "city_id", f"unknown city {fields.location.city_id!r}"))
    for term in fields.terms:
        if known.terms.get(term, ("", None))[1] != fields.category.value:
            errors.append(
                RowError(row, "terms", f"{term!r} is not a term of {fields.category.value!r}")
            )
    for tag in fields.eligibility_tags:
        if known.terms.get(f"eligibility.{tag}", ("",))[0] != ELIGIBILITY_TAXONOMY:
            errors.append(RowError(row, "eligibility_tags", f"unknown tag {tag!r}"))


async def import_table(
    session: AsyncSession,
    rows: list[dict[str, str]],
    *,
    actor: listings.Actor,
    organization_id: str | None = None,
    valid_only: bool = False,
) -> ImportReport:
    """Import spreadsheet rows; with errors, nothing is written unless `valid_only`.

    `organization_id` limits the import to one organisation (an association's own).
    """
    parsed = [parse_row(number, cells) for number, cells in enumerate(rows, start=2)]
    ids = [p.service_id for p in parsed if p.service_id]
    duplicates = {i for i, count in Counter(ids).items() if count > 1}
    known = await _known(session, ids)
    for row in parsed:
        _check(row, known, organization_id, duplicates)
    report = ImportReport(errors=[e for p in parsed for e in p.errors])
    if report.errors and not valid_only:
        return report
    for row in parsed:
        if row.errors or row.fields is None or row.organization_id is None:
            continue
        if row.service_id is None:
            created = await listings.create_service(
                session, organization_id=row.organization_id, fields=row.fields, actor=actor
            )
            report.created.append(created.id)
            continue
        service = await listings.get_service(session, row.service_id, for_update=True)
        assert service is not None and row.version is not None
        await listings.update_service(
            session, service=service, fields=row.fields, expected_version=row.version, actor=actor
        )
        if service.version == row.version:
            report.unchanged += 1
        else:
            report.updated.append(service.id)
    report.applied = True
    return report


async def export_rows(
    session: AsyncSession, *, organization_id: str | None = None
) -> list[dict[str, str]]:
    """Return the services (of one organisation, or all) as spreadsheet rows, by id."""
    statement = select(Service).order_by(Service.id).options(*listings.service_options())
    if organization_id is not None:
        statement = statement.where(Service.organization_id == organization_id)
    return [service_row(service) for service in (await session.scalars(statement)).all()]
