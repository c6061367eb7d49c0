"""Batches, bills, bill line items and per-meter bill totals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, String, false, text
from sqlalchemy.orm import Mapped, mapped_column

from apportion.store.models.base import NEVER_REUSED_KEYS, Base, Money, Quantity


class Batch(Base):
    """A batch of bills: Open, Pending (its bills are void) or Closed, with header defaults (§4.9)."""

    __tablename__ = "batches"
    __table_args__ = NEVER_REUSED_KEYS

    batch_id: Mapped[int] = mapped_column(primary_key=True)
    batch_code: Mapped[str] = mapped_column(String(255), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.user_id"), index=True)
    start_date: Mapped[datetime]
    end_date: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(String(255))
    statement_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    next_reading: Mapped[date | None] = mapped_column(Date)
    control_code: Mapped[str | None] = mapped_column(String(255))
    invoice_number: Mapped[str | None] = mapped_column(String(255))
    account_period_number: Mapped[int | None]
    account_period_year: Mapped[int | None]


class Bill(Base):
    """A bill on one account for one billing period; generated bills remember their task and version."""

    __tablename__ = "bills"

    bill_id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.account_id", ondelete="CASCADE"))
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.batch_id", ondelete="CASCADE"), index=True)
    billing_period: Mapped[int]
    begin_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    account_period: Mapped[int | None]
    total_cost: Mapped[Decimal] = mapped_column(Money)
    estimated: Mapped[bool] = mapped_column(default=False)
    void: Mapped[bool] = mapped_column(default=False)
    approved: Mapped[bool] = mapped_column(default=False)
    exported: Mapped[bool] = mapped_column(default=False)
    accrual: Mapped[bool] = mapped_column(default=False)
    from_vendor: Mapped[bool] = mapped_column(default=True)
    has_been_split: Mapped[bool] = mapped_column(default=False)
    was_split_date: Mapped[datetime | None]
    statement_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    next_reading: Mapped[date | None] = mapped_column(Date)
    control_code: Mapped[str | None] = mapped_column(String(255))
    invoice_number: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(String(4000))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.user_id"), index=True)
    created_date: Mapped[datetime]
    modified_by: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"), index=True)
    modified_date: Mapped[datetime | None]
    chargeback_task_id: Mapped[int | None] = mapped_column(
        ForeignKey("chargeback_tasks.task_id", ondelete="SET NULL"), index=True
    )
    chargeback_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("distribution_versions.version_id", ondelete="SET NULL"), index=True
    )
    source_bill_id: Mapped[int | None] = mapped_column(ForeignKey("bills.bill_id", ondelete="SET NULL"), index=True)
    import_task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.task_id", ondelete="SET NULL"), index=True)
    calculated: Mapped[bool] = mapped_column(default=False, server_default=false())  # made by a calculation run
    # The accounting hand-off (accounting.md §2.1): who approved and exported (AP, GL) and when, and the export hold.
    approve_date: Mapped[datetime | None]
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"), index=True)
    export_date: Mapped[datetime | None]
    exported_by: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"), index=True)
    gl_exported: Mapped[bool] = mapped_column(default=False, server_default=false())
    gl_export_date: Mapped[datetime | None]
    gl_exported_by: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"), index=True)
    export_hold: Mapped[bool] = mapped_column(default=False, server_default=false())

    __table_args__ = (
        Index("ix_bills_account_period", "account_id", "billing_period"),
        # Re-runs replace: a calculated or aggregate version has at most one live bill per period and end date (a
        # channel's reading windows make several in a period, each ending on its own reading), whatever runs race
        # (split bills are many per period; they are guarded by their source's claim).
        Index(
            "ux_bills_live_calculated",
            "chargeback_version_id",
            "billing_period",
            "end_date",
            unique=True,
            sqlite_where=text("calculated = 1 AND void = 0"),
            postgresql_where=text("calculated AND NOT void"),
        ),
        NEVER_REUSED_KEYS,
    )


class BillLine(Base):
    """A line item; `meter_id` None means an account-level line."""

    __tablename__ = "bill_lines"

    line_id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.bill_id", ondelete="CASCADE"), index=True)
    meter_id: Mapped[int | None] = mapped_column(ForeignKey("meters.meter_id", ondelete="CASCADE"), index=True)
    line_order: Mapped[int]
    observation_type_id: Mapped[int] = mapped_column(ForeignKey("observation_types.observation_type_id"), index=True)
    caption: Mapped[str | None] = mapped_column(String(100))
    value: Mapped[Decimal | None] = mapped_column(Quantity)
    value_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.unit_id"), index=True)
    cost: Mapped[Decimal | None] = mapped_column(Money)
    # A split destination line: the source line it was made from (an id, not a key: the source may be deleted
    # later and its destinations' history stays), what its share rests on, the exact share and the rounding.
    source_line_id: Mapped[int | None]
    share_basis: Mapped[str | None] = mapped_column(String(255))
    exact_share: Mapped[str | None] = mapped_column(String(64))
    rounding: Mapped[Decimal | None] = mapped_column(Money)


class BillMeter(Base):
    """Per bill and meter totals (use in the commodity's common unit, cost, peak demand) for fast rollups."""

    __tablename__ = "bill_meters"

    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.bill_id", ondelete="CASCADE"), primary_key=True)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meters.meter_id", ondelete="CASCADE"), primary_key=True)
    billing_period: Mapped[int]
    use: Mapped[Decimal | None] = mapped_column(Quantity)
    cost: Mapped[Decimal] = mapped_column(Money)
    demand: Mapped[Decimal | None] = mapped_column(Quantity)

    __table_args__ = (Index("ix_bill_meters_meter_period", "meter_id", "billing_period"),)


class BillSource(Base):
    """Lineage of a calculated or aggregate bill: a bill whose figures it used (split bills name their source in
    `bills.source_bill_id`). Both ends cascade: an edge means nothing once either bill is gone."""

    __tablename__ = "bill_sources"

    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.bill_id", ondelete="CASCADE"), primary_key=True)
    source_bill_id: Mapped[int] = mapped_column(
        ForeignKey("bills.bill_id", ondelete="CASCADE"), primary_key=True, index=True
    )
