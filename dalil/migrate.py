"""Database migrations: one history, in dalil/migrations/, for the tables of every package.

The packages own their models; the order in which their tables appear is one linear history
of the whole database, so it lives here, in the composition root, beside the list of models.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import make_url

import admin_api.accounts.models
import bot.campaigns.subscriptions
import bot.dialogue.replay
import core.campaigns
import core.unmet
import core.usage
import handoff.models
import services_directory.audit
import services_directory.cities.models
import services_directory.listings.models
import services_directory.rumours.models
import services_directory.search.index
from core.db import Base, create_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Imported for their side effect of registering tables on the shared metadata.
_MODELS = (
    core.usage,
    core.unmet,
    services_directory.cities.models,
    services_directory.listings.models,
    services_directory.audit,
    services_directory.search.index,
    services_directory.rumours.models,
    admin_api.accounts.models,
    core.campaigns,
    bot.campaigns.subscriptions,
    bot.dialogue.replay,
    handoff.models,
)


def alembic_config(database_url: str) -> Config:
    """Return an Alembic configuration for `database_url`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate the database up to `revision`."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    """Migrate the database down to `revision`."""
    command.downgrade(alembic_config(database_url), revision)


def metadata() -> MetaData:
    """Return the metadata of every table the models declare."""
    return Base.metadata


def check(database_url: str) -> None:
    """Raise alembic's CommandError unless the models and the migrations at head agree.

    This is `alembic check` on a scratch database beside `database_url` (the same server, a
    name of its own), migrated from empty: it needs nothing from what the configured database
    holds and leaves it untouched.
    """
    with _scratch_database(database_url) as url:
        upgrade(url)
        command.check(alembic_config(url))


@contextmanager
def _scratch_database(database_url: str) -> Iterator[str]:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            scratch_file = str(Path(folder) / "check.db")
            yield url.set(database=scratch_file).render_as_string(hide_password=False)
        return
    scratch = f"{url.database}_alembic_check"
    server = url.set(database="postgres").render_as_string(hide_password=False)

    async def run(statements: list[str]) -> None:
        engine = create_engine(server)
        try:
            # CREATE and DROP DATABASE cannot run inside a transaction.
            async with engine.connect() as connection:
                connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
                for statement in statements:
                    await connection.execute(text(statement))
        finally:
            await engine.dispose()

    quoted = f'"{scratch}"'
    asyncio.run(run([f"DROP DATABASE IF EXISTS {quoted}", f"CREATE DATABASE {quoted}"]))
    try:
        yield url.set(database=scratch).render_as_string(hide_password=False)
    finally:
        asyncio.run(run([f"DROP DATABASE IF EXISTS {quoted}"]))
