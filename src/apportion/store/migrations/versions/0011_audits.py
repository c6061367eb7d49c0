"""Audits: the saved audit settings and their assignees, each flag's issues (the audits it failed), and the
per-account audit exclusion (accounting.md §2.4, §3.5; apportion.store.models.accounting).

Revision ID: 0011
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_settings",
        sa.Column("setting_code", sa.String(length=64), nullable=False),
        sa.Column("setting_status", sa.String(length=8), nullable=False),
        sa.Column("minimum_cost", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=True),
        sa.Column("threshold", sa.Integer(), nullable=True),
        sa.Column("sensitivity", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("setting_code", name=op.f("pk_audit_settings")),
    )
    op.create_table(
        "audit_setting_assignees",
        sa.Column("setting_code", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["setting_code"],
            ["audit_settings.setting_code"],
            name=op.f("fk_audit_setting_assignees_setting_code_audit_settings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.user_id"], name=op.f("fk_audit_setting_assignees_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("setting_code", "user_id", name=op.f("pk_audit_setting_assignees")),
    )
    op.create_index(op.f("ix_audit_setting_assignees_user_id"), "audit_setting_assignees", ["user_id"], unique=False)
    op.create_table(
        "bill_flag_issues",
        sa.Column("flag_id", sa.Integer(), nullable=False),
        sa.Column("issue_type_id", sa.Integer(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["flag_id"], ["bill_flags.flag_id"], name=op.f("fk_bill_flag_issues_flag_id_bill_flags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("flag_id", "issue_type_id", name=op.f("pk_bill_flag_issues")),
    )
    op.add_column("accounts", sa.Column("audit_enabled", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("audit_enabled")
    op.drop_table("bill_flag_issues")
    op.drop_index(op.f("ix_audit_setting_assignees_user_id"), table_name="audit_setting_assignees")
    op.drop_table("audit_setting_assignees")
    op.drop_table("audit_settings")
