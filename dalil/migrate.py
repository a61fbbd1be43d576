"""Database migrations: one history, in dalil/migrations/, for the tables of every package.

The packages own their models; the order in which their tables appear is one linear history
of the whole database, so it lives here, in the composition root, beside the list of models.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData

import admin_api.accounts.models
import bot.campaigns.subscriptions
import core.campaigns
import core.unmet
import core.usage
import services_directory.cities.models
import services_directory.listings.models
import services_directory.rumours.models
import services_directory.search.index
from core.db import Base

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Imported for their side effect of registering tables on the shared metadata.
_MODELS = (
    core.usage,
    core.unmet,
    services_directory.cities.models,
    services_directory.listings.models,
    services_directory.search.index,
    services_directory.rumours.models,
    admin_api.accounts.models,
    core.campaigns,
    bot.campaigns.subscriptions,
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
