"""The anti-rumour campaign: rumours with their facts, subscriptions, campaigns; first rumours.

One revision for the three tables the campaign adds across packages: `rumour`
(services_directory), `subscription` (bot) and `campaign` (core, shared by the admin API and
the bot). The first rumours are inserted here, once, from services_directory/rumours/seed.yaml:
a database that has them is never seeded again, so no later edit is overwritten.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
import yaml
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SEED = Path(__file__).resolve().parents[3] / "services_directory" / "rumours" / "seed.yaml"


def upgrade() -> None:
    rumour = op.create_table(
        "rumour",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("titles", sa.JSON(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("phrasings", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rumour")),
    )
    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("sealed_chat_id", sa.String(length=200), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("city", sa.String(length=40), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription")),
        sa.UniqueConstraint("key", name=op.f("uq_subscription_key")),
    )
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rumour_key", sa.String(length=40), nullable=False),
        sa.Column("city", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=160), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("queued", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign")),
    )
    op.create_index(op.f("ix_campaign_status"), "campaign", ["status"])
    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))["rumours"]
    op.bulk_insert(
        rumour,
        [
            {
                "key": item["key"],
                "active": True,
                "source_url": item["source_url"],
                "titles": item["titles"],
                "facts": item["facts"],
                "phrasings": item.get("phrasings") or {},
                "version": 1,
            }
            for item in seed
        ],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_campaign_status"), table_name="campaign")
    op.drop_table("campaign")
    op.drop_table("subscription")
    op.drop_table("rumour")
