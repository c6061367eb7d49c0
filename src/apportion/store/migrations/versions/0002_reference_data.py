"""Seed reference data with stable ids (apportion.store.seed_data).

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from apportion.store.models import Base
from apportion.store.seed_data import TABLES

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    for name, rows in TABLES:
        table = Base.metadata.tables[name]
        columns = {column.name for column in table.columns}
        bind.execute(table.insert(), [{k: v for k, v in row.items() if k in columns} for row in rows])
        if bind.dialect.name == "postgresql":
            pk = next(iter(table.primary_key.columns))
            if len(table.primary_key.columns) == 1 and isinstance(pk.type, sa.Integer):
                bind.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', '{pk.name}'), "
                        f"(SELECT max({pk.name}) FROM {name}))"
                    )
                )


def downgrade() -> None:
    bind = op.get_bind()
    for name, _rows in reversed(TABLES):
        bind.execute(Base.metadata.tables[name].delete())
