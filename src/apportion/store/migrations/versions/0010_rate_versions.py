"""Rate versions and rates assigned to account-meter links over time (operations.md §9, domain/rates.py); a
calculated version's live bills are unique per period and end date (reading windows make several in a period).

A link's one rate (account_meters.rate_id) becomes its first assignment, starting on the link's begin date; the
column goes, so a link's rates have one home. Rates keep their flat unit_price: a rate without versions is priced
by it (the legacy `unitPrice=` note token, docs/rates.md).

Revision ID: 0010
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_versions",
        sa.Column("rate_version_id", sa.Integer(), nullable=False),
        sa.Column("rate_id", sa.Integer(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=255), nullable=True),
        sa.Column("use_unit_cost", sa.Numeric(precision=24, scale=8), nullable=True),
        sa.Column("use_unit_id", sa.Integer(), nullable=True),
        sa.Column("demand_unit_cost", sa.Numeric(precision=24, scale=8), nullable=True),
        sa.Column("demand_unit_id", sa.Integer(), nullable=True),
        sa.Column("meter_line_items", sa.JSON(), nullable=False),
        sa.Column("account_line_items", sa.JSON(), nullable=False),
        sa.Column("use_blocks", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_date", sa.DateTime(), nullable=True),
        sa.Column("modified_by", sa.Integer(), nullable=True),
        sa.Column("modified_date", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["rate_id"], ["rates.rate_id"], name=op.f("fk_rate_versions_rate_id_rates"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["use_unit_id"], ["units.unit_id"], name=op.f("fk_rate_versions_use_unit_id_units")),
        sa.ForeignKeyConstraint(
            ["demand_unit_id"], ["units.unit_id"], name=op.f("fk_rate_versions_demand_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.user_id"], name=op.f("fk_rate_versions_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["modified_by"], ["users.user_id"], name=op.f("fk_rate_versions_modified_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("rate_version_id", name=op.f("pk_rate_versions")),
        sa.UniqueConstraint("rate_id", "effective_date", name=op.f("uq_rate_versions_rate_id")),
    )
    for column in ("rate_id", "use_unit_id", "demand_unit_id", "created_by", "modified_by"):
        op.create_index(op.f(f"ix_rate_versions_{column}"), "rate_versions", [column])
    op.create_table(
        "account_meter_rates",
        sa.Column("account_meter_rate_id", sa.Integer(), nullable=False),
        sa.Column("account_meter_id", sa.Integer(), nullable=False),
        sa.Column("rate_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_meter_id"],
            ["account_meters.account_meter_id"],
            name=op.f("fk_account_meter_rates_account_meter_id_account_meters"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["rate_id"], ["rates.rate_id"], name=op.f("fk_account_meter_rates_rate_id_rates")),
        sa.PrimaryKeyConstraint("account_meter_rate_id", name=op.f("pk_account_meter_rates")),
        sa.UniqueConstraint("account_meter_id", "start_date", name=op.f("uq_account_meter_rates_account_meter_id")),
    )
    op.create_index(op.f("ix_account_meter_rates_account_meter_id"), "account_meter_rates", ["account_meter_id"])
    op.create_index(op.f("ix_account_meter_rates_rate_id"), "account_meter_rates", ["rate_id"])
    op.execute(
        "INSERT INTO account_meter_rates (account_meter_id, rate_id, start_date) "
        "SELECT account_meter_id, rate_id, begin_date FROM account_meters WHERE rate_id IS NOT NULL"
    )
    op.drop_index(op.f("ix_account_meters_rate_id"), table_name="account_meters")
    # SQLite cannot drop a column with a foreign key in place: batch mode copies the table (PostgreSQL alters it).
    with op.batch_alter_table("account_meters") as batch:
        batch.drop_constraint(op.f("fk_account_meters_rate_id_rates"), type_="foreignkey")
        batch.drop_column("rate_id")
    _live_calculated_index(["chargeback_version_id", "billing_period", "end_date"])


def _live_calculated_index(columns: list[str]) -> None:
    op.drop_index("ux_bills_live_calculated", table_name="bills")
    op.create_index(
        "ux_bills_live_calculated",
        "bills",
        columns,
        unique=True,
        sqlite_where=sa.text("calculated = 1 AND void = 0"),
        postgresql_where=sa.text("calculated AND NOT void"),
    )


def downgrade() -> None:
    _live_calculated_index(["chargeback_version_id", "billing_period"])
    with op.batch_alter_table("account_meters") as batch:
        batch.add_column(sa.Column("rate_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_account_meters_rate_id_rates"), "rates", ["rate_id"], ["rate_id"])
    op.create_index(op.f("ix_account_meters_rate_id"), "account_meters", ["rate_id"])
    # The link keeps its first rate, the one it had before rates had dates.
    op.execute(
        "UPDATE account_meters SET rate_id = (SELECT r.rate_id FROM account_meter_rates r "
        "WHERE r.account_meter_id = account_meters.account_meter_id ORDER BY r.start_date LIMIT 1)"
    )
    op.drop_table("account_meter_rates")
    op.drop_table("rate_versions")
