"""Ratings in usage events, and the scrubbed questions the bot could not answer.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("usage_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feedback", sa.String(length=8), nullable=True))

    op.create_table(
        "unmet_question",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("city", sa.String(length=40), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unmet_question")),
    )
    op.create_index(op.f("ix_unmet_question_day"), "unmet_question", ["day"])


def downgrade() -> None:
    op.drop_index(op.f("ix_unmet_question_day"), table_name="unmet_question")
    op.drop_table("unmet_question")

    with op.batch_alter_table("usage_event", schema=None) as batch_op:
        batch_op.drop_column("feedback")
