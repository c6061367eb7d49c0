"""User-defined automatic meter groups: a group's filters (automaticGroupFilters), whose matching meters are its
members (domain/auto_groups.py); a group without filters stays manual. Time-of-use prices of a rate version
(domain/rates.py, an Apportion extension): none on existing versions.

Revision ID: 0014
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("meter_groups", sa.Column("automatic_filters", sa.JSON(), nullable=True))
    op.add_column("rate_versions", sa.Column("time_of_use", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rate_versions") as batch:
        batch.drop_column("time_of_use")
    with op.batch_alter_table("meter_groups") as batch:
        batch.drop_column("automatic_filters")
