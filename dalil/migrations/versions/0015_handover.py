"""Conversations handed over to an association's volunteer: desks, conversations, messages.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handover_desk",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("city_id", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("byday", sa.String(length=32), nullable=False),
        sa.Column("opens_at", sa.String(length=5), nullable=False),
        sa.Column("closes_at", sa.String(length=5), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organization.id"], ondelete="CASCADE",
            name=op.f("fk_handover_desk_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["city_id"], ["city.id"], name=op.f("fk_handover_desk_city_id_city")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_desk")),
        sa.UniqueConstraint(
            "organization_id", "city_id", "category",
            name=op.f("uq_handover_desk_organization_id_city_id_category"),
        ),
    )  # fmt: skip
    op.create_index(op.f("ix_handover_desk_organization_id"), "handover_desk", ["organization_id"])
    op.create_index(op.f("ix_handover_desk_city_id"), "handover_desk", ["city_id"])
    op.create_table(
        "handover",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=32), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("sealed_chat_id", sa.String(length=200), nullable=True),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("city_id", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=True),
        sa.Column("show_name", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_answer_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["city_id"], ["city.id"], name=op.f("fk_handover_city_id_city")),
        sa.ForeignKeyConstraint(
            ["volunteer_id"], ["account.id"], ondelete="SET NULL",
            name=op.f("fk_handover_volunteer_id_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover")),
    )  # fmt: skip
    for column in ("key", "city_id", "state", "volunteer_id", "ended_at"):
        op.create_index(op.f(f"ix_handover_{column}"), "handover", [column])
    op.create_table(
        "handover_message",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("handover_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=True),
        sa.Column("notice", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["handover_id"], ["handover.id"], ondelete="CASCADE",
            name=op.f("fk_handover_message_handover_id_handover"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_message")),
    )  # fmt: skip
    for column in ("handover_id", "delivered_at"):
        op.create_index(op.f(f"ix_handover_message_{column}"), "handover_message", [column])


def downgrade() -> None:
    op.drop_table("handover_message")
    op.drop_table("handover")
    op.drop_table("handover_desk")
