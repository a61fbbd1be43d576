"""Database migrations across the packages that own tables."""

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
import services_directory.audit
import services_directory.cities.models
import services_directory.listings.models
import services_directory.rumours.models
import services_directory.search.index
from core.db import Base

_ROOT = Path(__file__).resolve().parent.parent
# Each package keeps its own revisions; together they form one linear history.
VERSION_LOCATIONS = [
    _ROOT / "core" / "migrations" / "versions",
    _ROOT / "services_directory" / "migrations" / "versions",
    _ROOT / "admin_api" / "migrations" / "versions",
]

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
)


def alembic_config(database_url: str) -> Config:
    """Return an Alembic configuration for `database_url` with every package's revisions."""
    config = Config()
    config.set_main_option("script_location", str(_ROOT / "core" / "migrations"))
    config.set_main_option("version_locations", " ".join(str(p) for p in VERSION_LOCATIONS))
    config.set_main_option("path_separator", "space")
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
