"""Migrations go up and down on SQLite and PostgreSQL, and match the models."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text

from core.db import create_engine
from dalil import migrate
from tests.helpers.settings import PG_URL

MIGRATIONS_DB = "dalil_migrations_test"
TABLES = {
    "usage_event",
    "city",
    "emergency_number",
    "organization",
    "service",
    "service_translation",
    "location",
    "service_at_location",
    "phone",
    "schedule",
    "language",
    "taxonomy_term",
    "service_attribute",
    "audit_entry",
    "account",
    "api_token",
    "search_entry",
    "contact",
    "service_area",
    "search_group",
    "unmet_question",
    "rumour",
    "subscription",
    "campaign",
    "handled_turn",
    "credential",
    "invitation",
    "handover_desk",
    "handover",
    "handover_message",
    "handover_contact",
}


async def _fresh_pg_database() -> str:
    admin = create_engine(PG_URL.rsplit("/", 1)[0] + "/postgres")
    async with admin.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text(f"DROP DATABASE IF EXISTS {MIGRATIONS_DB}"))
        await connection.execute(text(f"CREATE DATABASE {MIGRATIONS_DB}"))
    await admin.dispose()
    return PG_URL.rsplit("/", 1)[0] + f"/{MIGRATIONS_DB}"


async def _inspect(url: str) -> tuple[set[str], list[object]]:
    engine = create_engine(url)

    def read(connection: Connection) -> tuple[set[str], list[object]]:
        tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return tables, compare_metadata(context, migrate.metadata())

    async with engine.connect() as connection:
        result = await connection.run_sync(read)
    await engine.dispose()
    return result


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'dalil.db'}"
    return await _fresh_pg_database()


async def test_upgrade_creates_every_table_matching_the_models(database_url: str) -> None:
    await asyncio.to_thread(migrate.upgrade, database_url)
    tables, differences = await _inspect(database_url)
    assert tables == TABLES
    assert differences == []


async def test_downgrade_to_base_removes_everything_and_upgrade_again_works(
    database_url: str,
) -> None:
    await asyncio.to_thread(migrate.upgrade, database_url)
    await asyncio.to_thread(migrate.downgrade, database_url, "base")
    tables, _ = await _inspect(database_url)
    assert tables == set()
    await asyncio.to_thread(migrate.upgrade, database_url)
    tables, _ = await _inspect(database_url)
    assert tables == TABLES
