"""Review workflow and versions, audit entries, taxonomy terms and service attributes.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=120), nullable=False),
        sa.Column("entity_type", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entry_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "taxonomy_term",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("taxonomy", sa.String(length=32), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["taxonomy_term.id"],
            name=op.f("fk_taxonomy_term_parent_id_taxonomy_term"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxonomy_term")),
    )
    with op.batch_alter_table("taxonomy_term", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_taxonomy_term_taxonomy"), ["taxonomy"], unique=False)

    op.create_table(
        "service_attribute",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("taxonomy_term_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
            name=op.f("fk_service_attribute_service_id_service"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["taxonomy_term_id"],
            ["taxonomy_term.id"],
            name=op.f("fk_service_attribute_taxonomy_term_id_taxonomy_term"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_attribute")),
        sa.UniqueConstraint(
            "service_id",
            "taxonomy_term_id",
            name=op.f("uq_service_attribute_service_id_taxonomy_term_id"),
        ),
    )
    with op.batch_alter_table("service_attribute", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_attribute_taxonomy_term_id"), ["taxonomy_term_id"], unique=False
        )

    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.add_column(sa.Column("accessibility", sa.Text(), nullable=True))

    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("closed", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table("service", schema=None) as batch_op:
        # Listings that existed were shown to migrants: they stay published.
        batch_op.add_column(
            sa.Column(
                "review_state", sa.String(length=16), nullable=False, server_default="published"
            )
        )
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(
            sa.Column("by_appointment", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(batch_op.f("ix_service_review_state"), ["review_state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_review_state"))
        batch_op.drop_column("by_appointment")
        batch_op.drop_column("version")
        batch_op.drop_column("review_state")

    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.drop_column("closed")

    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.drop_column("accessibility")

    with op.batch_alter_table("service_attribute", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_attribute_taxonomy_term_id"))

    op.drop_table("service_attribute")
    with op.batch_alter_table("taxonomy_term", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_taxonomy_term_taxonomy"))

    op.drop_table("taxonomy_term")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entry_entity_id"))

    op.drop_table("audit_entry")
