"""The accounting hand-off: bill workflow settings, who approved and exported each bill (AP and GL) and when, the
export hold, and the record of bill exports and their bills (accounting.md; apportion.store.models.accounting).

Revision ID: 0009
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

USER_COLUMNS = ("approved_by", "exported_by", "gl_exported_by")


def upgrade() -> None:
    op.create_table(
        "workflow_settings",
        sa.Column("setting_id", sa.Integer(), nullable=False),
        sa.Column("approval_mode_enabled", sa.Boolean(), nullable=False),
        sa.Column("confirm_edit_delete", sa.Boolean(), nullable=False),
        sa.Column("maximum_approval_amount", sa.Integer(), nullable=True),
        sa.Column("ap_export_enabled", sa.Boolean(), nullable=False),
        sa.Column("ap_can_export", sa.String(length=32), nullable=False),
        sa.Column("ap_include_udfs", sa.Boolean(), nullable=False),
        sa.Column("gl_export_enabled", sa.Boolean(), nullable=False),
        sa.Column("gl_can_export", sa.String(length=32), nullable=False),
        sa.Column("gl_include_udfs", sa.Boolean(), nullable=False),
        sa.Column("allow_advanced_chargeback_settings", sa.Boolean(), nullable=False),
        sa.Column("import_error_handling", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("setting_id", name=op.f("pk_workflow_settings")),
    )
    op.create_table(
        "workflow_bill_headers",
        sa.Column("header_name", sa.String(length=32), nullable=False),
        sa.Column("use_field", sa.Boolean(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("header_name", name=op.f("pk_workflow_bill_headers")),
    )
    op.create_table(
        "bill_exports",
        sa.Column("export_id", sa.Integer(), nullable=False),
        sa.Column("export_guid", sa.String(length=36), nullable=False),
        sa.Column("export_mode", sa.String(length=8), nullable=False),
        sa.Column("marked", sa.Boolean(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_date", sa.DateTime(), nullable=False),
        sa.Column("note", sa.String(length=4000), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("bill_count", sa.Integer(), nullable=False),
        sa.Column("total", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.user_id"], name=op.f("fk_bill_exports_user_id_users")),
        sa.PrimaryKeyConstraint("export_id", name=op.f("pk_bill_exports")),
        sa.UniqueConstraint("export_guid", name=op.f("uq_bill_exports_export_guid")),
    )
    op.create_index(op.f("ix_bill_exports_user_id"), "bill_exports", ["user_id"], unique=False)
    op.create_table(
        "bill_export_items",
        sa.Column("export_id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("reversal", sa.Boolean(), nullable=False),
        sa.Column("total", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("undone", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["export_id"],
            ["bill_exports.export_id"],
            name=op.f("fk_bill_export_items_export_id_bill_exports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("export_id", "bill_id", "reversal", name=op.f("pk_bill_export_items")),
    )
    op.create_index(op.f("ix_bill_export_items_bill_id"), "bill_export_items", ["bill_id"], unique=False)
    op.create_index("ix_bill_export_items_bill_undone", "bill_export_items", ["bill_id", "undone"], unique=False)
    op.add_column("bills", sa.Column("approve_date", sa.DateTime(), nullable=True))
    op.add_column("bills", sa.Column("export_date", sa.DateTime(), nullable=True))
    op.add_column("bills", sa.Column("gl_exported", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("bills", sa.Column("gl_export_date", sa.DateTime(), nullable=True))
    op.add_column("bills", sa.Column("export_hold", sa.Boolean(), server_default=sa.false(), nullable=False))
    sqlite = op.get_bind().dialect.name == "sqlite"
    for column in USER_COLUMNS:
        name = f"fk_bills_{column}_users"
        if sqlite:
            # SQLite adds a column with a named reference in place; alembic would copy the whole bills table.
            op.execute(f"ALTER TABLE bills ADD COLUMN {column} INTEGER CONSTRAINT {name} REFERENCES users (user_id)")
        else:
            op.add_column("bills", sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(op.f(name), "bills", "users", [column], ["user_id"])
        op.create_index(op.f(f"ix_bills_{column}"), "bills", [column], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bills") as batch:
        for column in USER_COLUMNS:
            batch.drop_index(batch.f(f"ix_bills_{column}"))
            batch.drop_column(column)
        for column in ("approve_date", "export_date", "gl_exported", "gl_export_date", "export_hold"):
            batch.drop_column(column)
    op.drop_table("bill_export_items")
    op.drop_index(op.f("ix_bill_exports_user_id"), table_name="bill_exports")
    op.drop_table("bill_exports")
    op.drop_table("workflow_bill_headers")
    op.drop_table("workflow_settings")
