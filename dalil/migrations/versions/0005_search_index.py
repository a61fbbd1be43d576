"""The search index: one narrow row per published service (filled by `dalil db upgrade`).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_entry",
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("city_id", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("district_key", sa.String(length=80), nullable=True),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("is_free", sa.Boolean(), nullable=False),
        sa.Column("languages", sa.Text(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("schedules", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
            name=op.f("fk_search_entry_service_id_service"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("service_id", name=op.f("pk_search_entry")),
    )
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_search_entry_city_category", ["city_id", "category"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_search_entry_city_category")

    op.drop_table("search_entry")
