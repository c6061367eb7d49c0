"""Indexes on lower(account_code) and lower(meter_code): a bill import finds each chunk's accounts and meters by
code without case, and without these every chunk scanned both tables (19.8 s of a 1,000,000-row import's load
stage on SQLite, growing with the file).

Revision ID: 0017
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_accounts_lower_account_code", "accounts", [sa.text("lower(account_code)")])
    op.create_index("ix_meters_lower_meter_code", "meters", [sa.text("lower(meter_code)")])


def downgrade() -> None:
    op.drop_index("ix_meters_lower_meter_code", table_name="meters")
    op.drop_index("ix_accounts_lower_account_code", table_name="accounts")
