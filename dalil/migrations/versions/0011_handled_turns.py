"""What the dialogue decided for each message, so a message handled twice is answered once.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handled_turn",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("replies", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_handled_turn")),
    )
    op.create_index(op.f("ix_handled_turn_handled_at"), "handled_turn", ["handled_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_handled_turn_handled_at"), table_name="handled_turn")
    op.drop_table("handled_turn")
