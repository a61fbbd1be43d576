"""Importing a spreadsheet: check every row first, then write all of it, or only valid rows."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services_directory.audit import Actor
from services_directory.categories import Category
from services_directory.cities.models import City
from services_directory.cities.service import list_cities
from services_directory.exchange import hsds
from services_directory.exchange.limits import MAX_REPORTED_ERRORS
from services_directory.exchange.parsing import in_reader_thread, parse_file
from services_directory.exchange.spreadsheet import (
    ParsedRow,
    RowError,
    parse_row,
    service_row,
    write_csv,
    write_xlsx,
)
from services_directory.listings import service as listings
from services_directory.listings.models import Organization, Service, TaxonomyTerm
from services_directory.listings.schemas import OrganizationPatch
from services_directory.taxonomy import ELIGIBILITY_TAXONOMY


@dataclass(slots=True)
class ImportReport:
    """What an import did, or would have done, and the first problems it found."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    # The first MAX_REPORTED_ERRORS problems, and how many there were in all.
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
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
    terms = await reference_terms(session)
    rows = await session.execute(
        select(Service.id, Service.organization_id, Service.version).where(Service.id.in_(ids))
    )
    services = {r.id: (r.organization_id, r.version) for r in rows}
    return _Known(cities, organizations, terms, services)


_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
_ID_RULE = "use letters, digits and . _ : - (64 at most)"


def imported_id(organization_id: str, file_id: str) -> str:
    """Return the id a new service imported with `file_id` gets: under its organisation.

    An id in a file names a service within its publisher's organisation only, so no file can
    take an id that looks like another organisation's ("tng-health-99"). An id that would not
    fit (a UUID under a UUID) is shortened to a digest of itself: the same file maps to the
    same ids again.
    """
    prefix = f"{organization_id[:40]}."
    if file_id.startswith(prefix):
        return file_id
    whole = prefix + file_id
    if len(whole) <= listings.MAX_SERVICE_ID_CHARS:
        return whole
    return prefix + hashlib.sha256(file_id.encode()).hexdigest()[:16]


def _place_ids(parsed: list[ParsedRow], known: _Known, scope: str | None) -> None:
    """Give each file id of a new service its organisation's prefix (see `imported_id`)."""
    for row in parsed:
        owner = scope or row.organization_id
        if not row.keep_id or row.service_id is None or owner is None:
            continue
        existing = known.services.get(row.service_id)
        if existing is not None and existing[0] == owner:
            continue  # one of ours, exported and imported back
        if not _ID.match(row.service_id):
            row.errors.append(RowError(row.row, "id", _ID_RULE, "id"))
            row.service_id = None
            continue
        row.service_id = imported_id(owner, row.service_id)


def _check_organization(parsed: ParsedRow, known: _Known, scope: str | None) -> None:
    row, errors = parsed.row, parsed.errors
    if scope is not None:
        named = parsed.organization_id
        # An HSDS file names its publisher's own id; only naming another organisation of
        # ours is refused.
        foreign = parsed.keep_id and named not in known.organizations
        if named not in (None, scope) and not foreign:
            errors.append(
                RowError(
                    row, "organization_id", "you can only import your own services", "not_yours"
                )
            )
        parsed.organization_id = scope
        return
    if parsed.organization_id in known.organizations:
        return
    creatable = parsed.organization and parsed.organization.get("name")
    if (
        parsed.keep_id
        and parsed.organization_id
        and creatable
        and _ID.match(parsed.organization_id)
    ):
        _check_new_organization(parsed)
        return
    errors.append(
        RowError(row, "organization_id", "must name an existing organisation", "organization")
    )


def _check_new_organization(parsed: ParsedRow) -> None:
    """Check the organisation a file creates as the API checks one it is given."""
    details = {k: v for k, v in (parsed.organization or {}).items() if k != "id"}
    try:
        OrganizationPatch.model_validate(details)
    except ValidationError as invalid:
        parsed.errors += [
            RowError(parsed.row, f"organization.{e['loc'][0]}", e["msg"], "organization")
            for e in invalid.errors()
        ]


def _check(parsed: ParsedRow, known: _Known, scope: str | None, duplicates: set[str]) -> None:
    row, errors = parsed.row, parsed.errors
    _check_organization(parsed, known, scope)
    if parsed.service_id is not None:
        existing = known.services.get(parsed.service_id)
        if parsed.service_id in duplicates:
            errors.append(RowError(row, "id", "this id appears on more than one row", "duplicate"))
        elif existing is None and parsed.keep_id:
            if len(parsed.service_id) > listings.MAX_SERVICE_ID_CHARS:
                errors.append(RowError(row, "id", _ID_RULE, "id"))
        elif existing is None or existing[0] != parsed.organization_id:
            errors.append(
                RowError(row, "id", "no such service in this organisation", "unknown_service")
            )
        elif parsed.version is None:
            errors.append(
                RowError(row, "version", "keep the version column of the export", "version")
            )
        elif parsed.version != existing[1]:
            errors.append(
                RowError(
                    row,
                    "version",
                    f"changed since your export (now {existing[1]}): export again",
                    "changed",
                )
            )
    fields = parsed.fields
    if fields is None:
        return
    if fields.location.city_id not in known.cities:
        errors.append(RowError(row, "city_id", f"unknown city {fields.location.city_id!r}", "city"))
    for term in fields.terms:
        if known.terms.get(term, ("", None))[1] != fields.category.value:
            errors.append(
                RowError(
                    row, "terms", f"{term!r} is not a term of {fields.category.value!r}", "term"
                )
            )
    for tag in fields.eligibility_tags:
        if known.terms.get(f"eligibility.{tag}", ("",))[0] != ELIGIBILITY_TAXONOMY:
            errors.append(RowError(row, "eligibility_tags", f"unknown tag {tag!r}", "tag"))


async def import_table(
    session: AsyncSession,
    rows: list[dict[str, str]],
    *,
    actor: Actor,
    organization_id: str | None = None,
    valid_only: bool = False,
) -> ImportReport:
    """Import spreadsheet rows; with errors, nothing is written unless `valid_only`.

    `organization_id` limits the import to one organisation (an association's own).
    """
    parsed = [parse_row(number, cells) for number, cells in enumerate(rows, start=2)]
    return await import_parsed(
        session, parsed, actor=actor, organization_id=organization_id, valid_only=valid_only
    )


async def reference_terms(session: AsyncSession) -> dict[str, tuple[str, str | None]]:
    """Return every taxonomy term id with its taxonomy and parent."""
    terms = (await session.scalars(select(TaxonomyTerm))).all()
    return {t.id: (t.taxonomy, t.parent_id) for t in terms}


async def import_parsed(
    session: AsyncSession,
    parsed: list[ParsedRow],
    *,
    actor: Actor,
    organization_id: str | None = None,
    valid_only: bool = False,
) -> ImportReport:
    """Check parsed rows (spreadsheet or HSDS) against the directory, then write them."""
    named = [p.service_id for p in parsed if p.service_id]
    # What the file's ids may become, so the services they name are known either way.
    candidates = [
        imported_id(owner, p.service_id)
        for p in parsed
        if p.keep_id and p.service_id and (owner := organization_id or p.organization_id)
    ]
    known = await _known(session, [*named, *candidates])
    _place_ids(parsed, known, organization_id)
    ids = [p.service_id for p in parsed if p.service_id]
    duplicates = {i for i, count in Counter(ids).items() if count > 1}
    for row in parsed:
        _check(row, known, organization_id, duplicates)
    errors = [e for p in parsed for e in p.errors]
    report = ImportReport(errors=errors[:MAX_REPORTED_ERRORS], error_count=len(errors))
    if errors and not valid_only:
        return report
    for row in parsed:
        if row.errors or row.fields is None or row.organization_id is None:
            continue
        if row.organization_id not in known.organizations and row.organization:
            details = {k: v for k, v in row.organization.items() if k != "id"}
            session.add(Organization(id=row.organization_id, **details))
            await session.flush()
            known.organizations.add(row.organization_id)
        if row.service_id is None or row.service_id not in known.services:
            created = await listings.create_service(
                session,
                organization_id=row.organization_id,
                fields=row.fields,
                actor=actor,
                service_id=row.service_id if row.keep_id else None,
            )
            report.created.append(created.id)
            continue
        service = await listings.get_service(session, row.service_id, for_update=True)
        assert service is not None
        assert row.version is not None
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


async def export_hsds(
    session: AsyncSession, *, organization_id: str | None = None
) -> list[dict[str, Any]]:
    """Return the services (of one organisation, or all) as nested HSDS 3.0 objects, by id."""
    statement = select(Service).order_by(Service.id).options(*listings.service_options())
    if organization_id is not None:
        statement = statement.where(Service.organization_id == organization_id)
    cities = {city.id: city for city in await list_cities(session)}
    documents = []
    for service in (await session.scalars(statement)).all():
        location = (
            service.service_at_locations[0].location if service.service_at_locations else None
        )
        documents.append(
            hsds.service_document(service, cities.get(location.city_id) if location else None)
        )
    return documents


async def import_hsds(
    session: AsyncSession,
    services: list[Any],
    *,
    actor: Actor,
    organization_id: str | None = None,
    valid_only: bool = False,
    default_category: Category | None = None,
    locale: str = "en",
) -> ImportReport:
    """Import HSDS 3.0 service objects, all or nothing unless `valid_only`."""
    parsed = hsds.parse_services(
        services,
        cities=await list_cities(session),
        terms=await reference_terms(session),
        default_category=default_category,
        locale=locale,
    )
    return await import_parsed(
        session, parsed, actor=actor, organization_id=organization_id, valid_only=valid_only
    )


async def import_file(
    session: AsyncSession,
    content: bytes,
    *,
    actor: Actor,
    organization_id: str | None = None,
    valid_only: bool = False,
    default_category: Category | None = None,
    locale: str = "en",
) -> ImportReport:
    """Import a spreadsheet (CSV/XLSX), an HSDS JSON document or an HSDS tabular package.

    Raises UnreadableFile (HSDSFormatError, BeyondLimits) when the file is none of those or
    is larger than an import reads.
    """
    job = functools.partial(
        parse_file, content, cities=await list_cities(session),
        terms=await reference_terms(session), default_category=default_category, locale=locale,
    )  # fmt: skip
    parsed = await in_reader_thread(job)
    return await import_parsed(
        session, parsed, actor=actor, organization_id=organization_id, valid_only=valid_only
    )


async def export_file(
    session: AsyncSession, fmt: str, *, organization_id: str | None = None
) -> bytes:
    """Return the services as `csv`, `xlsx`, `json` (HSDS page) or `zip` (HSDS tabular)."""
    if fmt in ("csv", "xlsx"):
        rows = await export_rows(session, organization_id=organization_id)
        return write_csv(rows) if fmt == "csv" else write_xlsx(rows)
    documents = await export_hsds(session, organization_id=organization_id)
    if fmt == "zip":
        return hsds.tabular_package(documents)
    page = {"total_items": len(documents), "total_pages": 1, "page_number": 1,
            "size": len(documents), "first_page": True, "last_page": True,
            "empty": not documents, "contents": documents}  # fmt: skip
    return json.dumps(page, ensure_ascii=False, indent=1).encode("utf-8")
