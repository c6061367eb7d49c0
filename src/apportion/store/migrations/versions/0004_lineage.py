"""Chargeback lineage, corrections, re-runs, conservation and idempotency keys (docs/chargebacks.md).

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chargeback_corrections",
        sa.Column("correction_id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("chargeback_task_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("step_id", sa.Integer(), nullable=True),
        sa.Column("billing_period", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("cause", sa.String(length=32), nullable=False),
        sa.Column("cause_bill_id", sa.Integer(), nullable=True),
        sa.Column("cause_chargeback_task_id", sa.Integer(), nullable=True),
        sa.Column("cause_import_task_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_date", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("correction_id", name=op.f("pk_chargeback_corrections")),
    )
    op.create_index(op.f("ix_chargeback_corrections_bill_id"), "chargeback_corrections", ["bill_id"], unique=False)
    op.create_index(
        op.f("ix_chargeback_corrections_cause_bill_id"), "chargeback_corrections", ["cause_bill_id"], unique=False
    )
    op.create_index(
        op.f("ix_chargeback_corrections_cause_chargeback_task_id"),
        "chargeback_corrections",
        ["cause_chargeback_task_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_chargeback_corrections_cause_import_task_id"),
        "chargeback_corrections",
        ["cause_import_task_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_chargeback_corrections_chargeback_task_id"),
        "chargeback_corrections",
        ["chargeback_task_id"],
        unique=False,
    )
    op.create_table(
        "chargeback_reruns",
        sa.Column("rerun_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("chargeback_type", sa.String(length=16), nullable=False),
        sa.Column("billing_period", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("cause_bill_id", sa.Integer(), nullable=True),
        sa.Column("recorded_date", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("resolved_task_id", sa.Integer(), nullable=True),
        sa.Column("resolved_date", sa.DateTime(), nullable=True),
        sa.Column("dismissed_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("rerun_id", name=op.f("pk_chargeback_reruns")),
    )
    op.create_index(op.f("ix_chargeback_reruns_step_id"), "chargeback_reruns", ["step_id"], unique=False)
    op.create_index(
        "ix_chargeback_reruns_version_period", "chargeback_reruns", ["version_id", "billing_period"], unique=False
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("operation", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("result", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("created_date", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.user_id"], name=op.f("fk_idempotency_keys_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "chargeback_task_sources",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("source_bill_id", sa.Integer(), nullable=False),
        sa.Column("source_amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("allocated", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("left_account_charges", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("left_unsplit_meters", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("left_percentages", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("left_vacancy", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("left_failed_versions", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("left_not_split", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("rounding", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["chargeback_tasks.task_id"],
            name=op.f("fk_chargeback_task_sources_task_id_chargeback_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("task_id", "source_bill_id", name=op.f("pk_chargeback_task_sources")),
    )
    op.create_table(
        "bill_sources",
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("source_bill_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.bill_id"], name=op.f("fk_bill_sources_bill_id_bills"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_bill_id"], ["bills.bill_id"], name=op.f("fk_bill_sources_source_bill_id_bills"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("bill_id", "source_bill_id", name=op.f("pk_bill_sources")),
    )
    op.create_index(op.f("ix_bill_sources_source_bill_id"), "bill_sources", ["source_bill_id"], unique=False)
    op.add_column("bill_lines", sa.Column("source_line_id", sa.Integer(), nullable=True))
    op.add_column("bill_lines", sa.Column("share_basis", sa.String(length=255), nullable=True))
    op.add_column("bill_lines", sa.Column("exact_share", sa.String(length=64), nullable=True))
    op.add_column("bill_lines", sa.Column("rounding", sa.Numeric(precision=18, scale=2), nullable=True))
    op.add_column("bills", sa.Column("calculated", sa.Boolean(), server_default=sa.false(), nullable=False))
    # Bills of calculation runs so far: made by a version and split from nothing.
    op.execute("UPDATE bills SET calculated = true WHERE chargeback_version_id IS NOT NULL AND source_bill_id IS NULL")
    op.create_index(
        "ux_bills_live_calculated",
        "bills",
        ["chargeback_version_id", "billing_period"],
        unique=True,
        sqlite_where=sa.text("calculated = 1 AND void = 0"),
        postgresql_where=sa.text("calculated AND NOT void"),
    )
    op.create_index(
        op.f("ix_chargeback_task_versions_source_bill_id"), "chargeback_task_versions", ["source_bill_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_chargeback_task_versions_source_bill_id"), table_name="chargeback_task_versions")
    op.drop_index("ux_bills_live_calculated", table_name="bills")
    op.drop_column("bills", "calculated")
    op.drop_column("bill_lines", "rounding")
    op.drop_column("bill_lines", "exact_share")
    op.drop_column("bill_lines", "share_basis")
    op.drop_column("bill_lines", "source_line_id")
    op.drop_index(op.f("ix_bill_sources_source_bill_id"), table_name="bill_sources")
    op.drop_table("bill_sources")
    op.drop_table("chargeback_task_sources")
    op.drop_table("idempotency_keys")
    op.drop_index("ix_chargeback_reruns_version_period", table_name="chargeback_reruns")
    op.drop_index(op.f("ix_chargeback_reruns_step_id"), table_name="chargeback_reruns")
    op.drop_table("chargeback_reruns")
    op.drop_index(op.f("ix_chargeback_corrections_chargeback_task_id"), table_name="chargeback_corrections")
    op.drop_index(op.f("ix_chargeback_corrections_cause_import_task_id"), table_name="chargeback_corrections")
    op.drop_index(op.f("ix_chargeback_corrections_cause_chargeback_task_id"), table_name="chargeback_corrections")
    op.drop_index(op.f("ix_chargeback_corrections_cause_bill_id"), table_name="chargeback_corrections")
    op.drop_index(op.f("ix_chargeback_corrections_bill_id"), table_name="chargeback_corrections")
    op.drop_table("chargeback_corrections")
