"""Saved bill lists: the `listId` of the list actions (PUT /api/v3/list/{listId}/..., POST .../split), made and
read through /apportion/v1/billList. A list names its bills one by one or keeps a bill filter.

Revision ID: 0012
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bill_lists",
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("filter_text", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_date", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.user_id"], name=op.f("fk_bill_lists_created_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("list_id", name=op.f("pk_bill_lists")),
    )
    op.create_index(op.f("ix_bill_lists_created_by"), "bill_lists", ["created_by"])
    op.create_table(
        "bill_list_members",
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["bill_lists.list_id"],
            name=op.f("fk_bill_list_members_list_id_bill_lists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.bill_id"], name=op.f("fk_bill_list_members_bill_id_bills"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("list_id", "bill_id", name=op.f("pk_bill_list_members")),
    )
    op.create_index(op.f("ix_bill_list_members_bill_id"), "bill_list_members", ["bill_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_bill_list_members_bill_id"), table_name="bill_list_members")
    op.drop_table("bill_list_members")
    op.drop_index(op.f("ix_bill_lists_created_by"), table_name="bill_lists")
    op.drop_table("bill_lists")
