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
    op.create_table(
        "flag_types",
        sa.Column("flag_type_key", sa.Integer(), nullable=False),
        sa.Column("flag_type_info", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("flag_type_key", name=op.f("pk_flag_types")),
    )
    op.create_table(
        "bill_flags",
        sa.Column("flag_id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("flag_type_id", sa.Integer(), nullable=False),
        sa.Column("status_id", sa.Integer(), nullable=False),
        sa.Column("cost_recovery", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_date", sa.DateTime(), nullable=False),
        sa.Column("modified_by", sa.Integer(), nullable=True),
        sa.Column("modified_date", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.bill_id"], name=op.f("fk_bill_flags_bill_id_bills"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["created_by"], ["users.user_id"], name=op.f("fk_bill_flags_created_by_users")),
        sa.ForeignKeyConstraint(["modified_by"], ["users.user_id"], name=op.f("fk_bill_flags_modified_by_users")),
        sa.PrimaryKeyConstraint("flag_id", name=op.f("pk_bill_flags")),
        sa.UniqueConstraint("bill_id", name=op.f("uq_bill_flags_bill_id")),
    )
    op.create_index(op.f("ix_bill_flags_flag_type_id"), "bill_flags", ["flag_type_id"], unique=False)
    op.create_index(op.f("ix_bill_flags_created_by"), "bill_flags", ["created_by"], unique=False)
    op.create_index(op.f("ix_bill_flags_modified_by"), "bill_flags", ["modified_by"], unique=False)
    op.create_table(
        "bill_flag_assignees",
        sa.Column("flag_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["flag_id"],
            ["bill_flags.flag_id"],
            name=op.f("fk_bill_flag_assignees_flag_id_bill_flags"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.user_id"], name=op.f("fk_bill_flag_assignees_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("flag_id", "user_id", name=op.f("pk_bill_flag_assignees")),
    )
    op.create_index(op.f("ix_bill_flag_assignees_user_id"), "bill_flag_assignees", ["user_id"], unique=False)
    op.create_table(
        "bill_flag_events",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("flag_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("action_info", sa.String(length=32), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=False),
        sa.Column("comment", sa.String(length=4000), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_date", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["flag_id"], ["bill_flags.flag_id"], name=op.f("fk_bill_flag_events_flag_id_bill_flags"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["created_by"], ["users.user_id"], name=op.f("fk_bill_flag_events_created_by_users")),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_bill_flag_events")),
    )
    op.create_index(op.f("ix_bill_flag_events_flag_id"), "bill_flag_events", ["flag_id"], unique=False)
    op.create_index(op.f("ix_bill_flag_events_created_by"), "bill_flag_events", ["created_by"], unique=False)
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
    for table in ("bill_flag_events", "bill_flag_assignees", "bill_flags", "flag_types"):
        op.drop_table(table)
    op.drop_table("bill_export_items")
    op.drop_index(op.f("ix_bill_exports_user_id"), table_name="bill_exports")
    op.drop_table("bill_exports")
    op.drop_table("workflow_bill_headers")
    op.drop_table("workflow_settings")
