"""Escalation e-mails to the city team: an address per city, and each e-mail recorded once.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handover_contact",
        sa.Column("city_id", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id"], ["city.id"], ondelete="CASCADE",
            name=op.f("fk_handover_contact_city_id_city"),
        ),
        sa.PrimaryKeyConstraint("city_id", name=op.f("pk_handover_contact")),
    )  # fmt: skip
    with op.batch_alter_table("handover") as batch:
        batch.add_column(
            sa.Column("escalation_mailed_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("handover") as batch:
        batch.drop_column("escalation_mailed_at")
    op.drop_table("handover_contact")
