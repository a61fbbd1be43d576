"""Who issued each API token, and the audit's record of it.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issued_by_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_api_token_issued_by_id"), ["issued_by_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_api_token_issued_by_id_account"),
            "account",
            ["issued_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issued_by", sa.String(length=160), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_column("issued_by")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_api_token_issued_by_id_account"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_api_token_issued_by_id"))
        batch_op.drop_column("issued_by_id")
