"""Chargeback runs: each processor request as a row with its typed plan; tasks name their run (domain/runs.py).

Tasks written before have no run; their queued work, if any, runs as a run of their own (services.runs.processing).

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chargeback_runs",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_date", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.user_id"], name=op.f("fk_chargeback_runs_user_id_users")),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_chargeback_runs")),
    )
    # SQLite cannot add a constraint to a table in place: batch mode copies the table (PostgreSQL alters it).
    with op.batch_alter_table("chargeback_tasks") as batch:
        batch.add_column(sa.Column("run_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_chargeback_tasks_run_id_chargeback_runs"),
            "chargeback_runs",
            ["run_id"],
            ["run_id"],
            ondelete="SET NULL",
        )
    op.create_index(op.f("ix_chargeback_tasks_run_id"), "chargeback_tasks", ["run_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_chargeback_tasks_run_id"), table_name="chargeback_tasks")
    with op.batch_alter_table("chargeback_tasks") as batch:
        batch.drop_column("run_id")
    op.drop_table("chargeback_runs")
