"""The data revision row that every write transaction advances (apportion.store.models.revision).

Revision ID: 0003
Revises: 0002
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "data_revision",
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("revision_id", name=op.f("pk_data_revision")),
    )
    op.bulk_insert(table, [{"revision_id": 1, "epoch": uuid.uuid4().hex, "revision": 0}])


def downgrade() -> None:
    op.drop_table("data_revision")
