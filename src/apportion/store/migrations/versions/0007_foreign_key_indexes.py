"""An index on every foreign key column: a delete or void walks them (deleting a bill's meter, user or batch finds its
referencing rows through them), and a column left unindexed turns each such delete into a scan of the referencing
table. tests/store/test_foreign_key_indexes.py keeps it so on both databases.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEY_COLUMNS = (
    ("account_meters", "rate_id"),
    ("account_meters", "vendor_type_id"),
    ("accounts", "account_type_id"),
    ("accounts", "created_by"),
    ("accounts", "modified_by"),
    ("bill_import_profiles", "created_by"),
    ("bill_lines", "meter_id"),
    ("bill_lines", "observation_type_id"),
    ("bill_lines", "value_unit_id"),
    ("bills", "created_by"),
    ("bills", "modified_by"),
    ("channels", "observation_type_id"),
    ("channels", "unit_id"),
    ("chargeback_runs", "user_id"),
    ("chargeback_tasks", "batch_id"),
    ("chargeback_tasks", "reversed_by"),
    ("chargeback_tasks", "user_id"),
    ("chargeback_workflow_steps", "workflow_id"),
    ("commodities", "common_unit_id"),
    ("commodities", "demand_unit_id"),
    ("commodity_unit_conversions", "unit_id"),
    ("distribution_versions", "dynamic_meter_group_id"),
    ("meters", "created_by"),
    ("meters", "demand_unit_id"),
    ("meters", "meter_type_id"),
    ("meters", "modified_by"),
    ("meters", "use_unit_id"),
    ("places", "created_by"),
    ("places", "modified_by"),
    ("places", "place_type_id"),
    ("rates", "commodity_id"),
    ("rates", "unit_id"),
    ("rates", "vendor_id"),
    ("tasks", "batch_id"),
    ("tasks", "parent_task_id"),
    ("tasks", "user_id"),
    ("units", "unit_type_id"),
    ("vendors", "created_by"),
    ("vendors", "modified_by"),
    ("vendors", "vendor_type_id"),
)


def upgrade() -> None:
    for table, column in FOREIGN_KEY_COLUMNS:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def downgrade() -> None:
    for table, column in reversed(FOREIGN_KEY_COLUMNS):
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
