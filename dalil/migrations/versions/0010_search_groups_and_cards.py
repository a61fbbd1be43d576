"""Search index: cards in the index rows, and a change token per city and category.

The rows are emptied here and filled again by `dalil db upgrade`, which rebuilds the index
after migrating (a row without its card cannot be shown).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM search_entry")
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("card", sa.Text(), nullable=False))
    op.create_table(
        "search_group",
        sa.Column("city_id", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("city_id", "category", name=op.f("pk_search_group")),
    )
    op.drop_table("search_state")


def downgrade() -> None:
    table = op.create_table(
        "search_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_state")),
    )
    op.bulk_insert(table, [{"id": 1, "token": "downgraded"}])
    op.drop_table("search_group")
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.drop_column("card")
