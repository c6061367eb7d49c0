"""Data scoping: a user's topmost place and cost center ids (NULL: the whole tree), and a role on every user.

Users made before roles were kept (the bootstrap administrator, `apportion user create`) get the role their grants
match: Administrator (1) for an administrator, No permissions (3) for none, Custom (4) for grants named one by one.

Revision ID: 0013
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("topmost_place_ids", sa.JSON(), nullable=True))
    op.add_column("users", sa.Column("topmost_cost_center_ids", sa.JSON(), nullable=True))
    users = sa.table(
        "users", sa.column("user_id", sa.Integer()), sa.column("permissions", sa.JSON()), sa.column("user_role_id")
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(users.c.user_id, users.c.permissions).where(users.c.user_role_id.is_(None)))
    for user_id, permissions in rows.all():
        document = permissions or {}
        role = 1 if document.get("administrator") else (4 if document.get("grants") else 3)
        connection.execute(sa.update(users).where(users.c.user_id == user_id).values(user_role_id=role))


def downgrade() -> None:
    op.drop_column("users", "topmost_cost_center_ids")
    op.drop_column("users", "topmost_place_ids")
