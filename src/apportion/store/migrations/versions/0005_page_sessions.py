"""Server-side sessions of the pages (apportion.store.models.users.PageSession) and their signing key.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "page_sessions",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("created_date", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.user_id"], name=op.f("fk_page_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_keys.api_key_id"],
            name=op.f("fk_page_sessions_api_key_id_api_keys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_page_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_page_sessions_token_hash")),
    )
    op.create_index(op.f("ix_page_sessions_user_id"), "page_sessions", ["user_id"], unique=False)
    op.create_index(op.f("ix_page_sessions_api_key_id"), "page_sessions", ["api_key_id"], unique=False)
    op.create_index(op.f("ix_page_sessions_last_seen"), "page_sessions", ["last_seen"], unique=False)
    op.create_table(
        "page_signing_keys",
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_date", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_page_signing_keys")),
    )


def downgrade() -> None:
    op.drop_table("page_signing_keys")
    op.drop_index(op.f("ix_page_sessions_last_seen"), table_name="page_sessions")
    op.drop_index(op.f("ix_page_sessions_api_key_id"), table_name="page_sessions")
    op.drop_index(op.f("ix_page_sessions_user_id"), table_name="page_sessions")
    op.drop_table("page_sessions")
