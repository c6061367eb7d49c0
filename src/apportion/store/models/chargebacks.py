"""Chargeback configuration and runs: workflows, steps, versions, split destinations, tasks."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from apportion.store.models.base import NEVER_REUSED_KEYS, Base, Money, Ratio


class ChargebackWorkflow(Base):
    """A named, ordered list of steps run each billing period."""

    __tablename__ = "chargeback_workflows"

    workflow_id: Mapped[int] = mapped_column(primary_key=True)
    workflow_info: Mapped[str] = mapped_column(String(64))


class ChargebackWorkflowStep(Base):
    """A Split or Calculation step; its type never changes; names are unique per type (§7 Q19)."""

    __tablename__ = "chargeback_workflow_steps"

    step_id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[int] = mapped_column(
        ForeignKey("chargeback_workflows.workflow_id", ondelete="CASCADE"), index=True
    )
    step_info: Mapped[str] = mapped_column(String(64))
    step_description: Mapped[str] = mapped_column(String(255))
    step_type: Mapped[str] = mapped_column(String(16))
    step_order: Mapped[int]

    __table_args__ = (Index("ix_steps_type_info", "step_type", "step_info", unique=True),)


class DistributionVersion(Base):
    """A bill split or calculated bill version on an account and meter, effective for [begin, end]."""

    __tablename__ = "distribution_versions"

    version_id: Mapped[int] = mapped_column(primary_key=True)
    chargeback_type: Mapped[str] = mapped_column(String(16))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.account_id", ondelete="CASCADE"))
    meter_id: Mapped[int] = mapped_column(ForeignKey("meters.meter_id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    begin_period: Mapped[int]
    end_period: Mapped[int | None]
    workflow_step_id: Mapped[int | None] = mapped_column(ForeignKey("chargeback_workflow_steps.step_id"), index=True)
    is_aggregation: Mapped[bool] = mapped_column(default=False)
    # Split details: method is fixedPercentage, floorArea or dynamicPercentage (one per version).
    split_method: Mapped[str | None] = mapped_column(String(32))
    dynamic_meter_group_id: Mapped[int | None] = mapped_column(ForeignKey("meter_groups.meter_group_id"), index=True)
    dynamic_source_value: Mapped[str | None] = mapped_column(String(16))
    dynamic_share_value: Mapped[str | None] = mapped_column(String(16))
    # Calculated bill instructions: use, cost, demand, meterLineItems, accountLineItems (decimals as strings).
    instructions: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_versions_account_meter", "account_id", "meter_id", "chargeback_type"),
        Index("ix_versions_type_period", "chargeback_type", "begin_period"),
        # Meter flags (isCalculatedMeter, isSplitParentMeter) are EXISTS probes by meter (child_columns.py).
        Index("ix_versions_meter_type", "meter_id", "chargeback_type"),
        # The account flags (hasCalculatedMeter, hasSplitParentMeter) probe it for every listed account.
        Index("ix_versions_account_type", "account_id", "chargeback_type"),
        # A step's versions effective in a period: chargeback runs and GET /calculatedBill filtered by step.
        Index("ix_versions_step_type_period", "workflow_step_id", "chargeback_type", "begin_period", "end_period"),
    )


class SplitDestination(Base):
    """One destination of a fixed-percentage or floor-area split version."""

    __tablename__ = "split_destinations"

    destination_id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("distribution_versions.version_id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    # Indexed: the account flag hasSplitChildMeter probes it for every listed account.
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.account_id"), index=True)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meters.meter_id"), index=True)
    split_percentage: Mapped[Decimal | None] = mapped_column(Ratio)
    weighting_factor: Mapped[Decimal | None] = mapped_column(Ratio)


class ChargebackRun(Base):
    """A processor request: its kind and plan (domain/runs.py), who made it and when; its tasks name it."""

    __tablename__ = "chargeback_runs"

    run_id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"), index=True)
    created_date: Mapped[datetime]


class ChargebackTask(Base):
    """One processor run: its settings, period, batch, status and counters (SEED-000)."""

    __tablename__ = "chargeback_tasks"
    __table_args__ = NEVER_REUSED_KEYS

    task_id: Mapped[int] = mapped_column(primary_key=True)
    # The run (request) that opened the task; a workflow's step tasks share one, in step order.
    run_id: Mapped[int | None] = mapped_column(ForeignKey("chargeback_runs.run_id", ondelete="SET NULL"), index=True)
    chargeback_type: Mapped[str] = mapped_column(String(16))
    is_aggregation: Mapped[bool] = mapped_column(default=False)
    billing_period: Mapped[int] = mapped_column(index=True)
    workflow_step_id: Mapped[int | None] = mapped_column(ForeignKey("chargeback_workflow_steps.step_id"), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.batch_id", ondelete="SET NULL"), index=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    comment: Mapped[str | None] = mapped_column(String(4000))
    status: Mapped[str] = mapped_column(String(32))
    task_begin: Mapped[datetime]
    task_end: Mapped[datetime | None]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"), index=True)
    number_of_bills_created: Mapped[int] = mapped_column(default=0)
    number_of_failed_versions: Mapped[int] = mapped_column(default=0)
    reversed_by: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"), index=True)
    reversed_date: Mapped[datetime | None]


class ChargebackTaskVersion(Base):
    """What one version did inside a task: its source bill (splits), bills created, or its error."""

    __tablename__ = "chargeback_task_versions"

    task_version_id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("chargeback_tasks.task_id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("distribution_versions.version_id", ondelete="CASCADE"), index=True
    )
    # Indexed: deleting a source bill sets it null here, and a refused re-run names the task that split a bill.
    source_bill_id: Mapped[int | None] = mapped_column(ForeignKey("bills.bill_id", ondelete="SET NULL"), index=True)
    number_of_bills_created: Mapped[int] = mapped_column(default=0)
    error_message: Mapped[str | None] = mapped_column(String(4000))


class ChargebackTaskSource(Base):
    """Conservation of one source bill in a split task: source = allocated + every amount left on it, exactly.

    Left on the source, by reason: account charges of dynamically split meters, meters of the bill no version
    split, the difference of fixed percentages from 100 %, days no account occupied a destination meter (vacancy),
    the whole bill when a version failed, and the value a dynamic split does not split (cost when it splits use).
    `rounding` is what the largest-remainder rule moved over the destination lines (part of `allocated`).
    """

    __tablename__ = "chargeback_task_sources"

    task_id: Mapped[int] = mapped_column(ForeignKey("chargeback_tasks.task_id", ondelete="CASCADE"), primary_key=True)
    source_bill_id: Mapped[int] = mapped_column(primary_key=True)
    source_amount: Mapped[Decimal] = mapped_column(Money)
    allocated: Mapped[Decimal] = mapped_column(Money)
    left_account_charges: Mapped[Decimal] = mapped_column(Money)
    left_unsplit_meters: Mapped[Decimal] = mapped_column(Money)
    left_percentages: Mapped[Decimal] = mapped_column(Money)
    left_vacancy: Mapped[Decimal] = mapped_column(Money)
    left_failed_versions: Mapped[Decimal] = mapped_column(Money)
    left_not_split: Mapped[Decimal] = mapped_column(Money)
    rounding: Mapped[Decimal] = mapped_column(Money)


class ChargebackCorrection(Base):
    """A chargeback bill voided or deleted because a bill it was made from changed, or a re-run replaced it.

    A log: ids are plain numbers, so it outlives the bills and tasks it names.
    """

    __tablename__ = "chargeback_corrections"

    correction_id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    chargeback_task_id: Mapped[int | None] = mapped_column(index=True)
    version_id: Mapped[int | None]
    step_id: Mapped[int | None]
    billing_period: Mapped[int]
    action: Mapped[str] = mapped_column(String(16))
    cause: Mapped[str] = mapped_column(String(32))
    cause_bill_id: Mapped[int | None] = mapped_column(index=True)
    cause_chargeback_task_id: Mapped[int | None] = mapped_column(index=True)
    cause_import_task_id: Mapped[int | None] = mapped_column(index=True)
    reason: Mapped[str] = mapped_column(String(1000))
    user_id: Mapped[int | None]
    created_date: Mapped[datetime]


class ChargebackRerun(Base):
    """A (version, billing period) whose chargeback bills were undone and that needs running again.

    Resolved by the next task that runs the version for the period (`resolved_task_id`), or dismissed by a user.
    """

    __tablename__ = "chargeback_reruns"

    rerun_id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int | None] = mapped_column(index=True)
    version_id: Mapped[int]
    chargeback_type: Mapped[str] = mapped_column(String(16))
    billing_period: Mapped[int]
    reason: Mapped[str] = mapped_column(String(1000))
    cause_bill_id: Mapped[int | None]
    recorded_date: Mapped[datetime]
    recorded_by: Mapped[int | None]
    resolved_task_id: Mapped[int | None]
    resolved_date: Mapped[datetime | None]
    dismissed_by: Mapped[int | None]

    __table_args__ = (Index("ix_chargeback_reruns_version_period", "version_id", "billing_period"),)


class IdempotencyKey(Base):
    """A processor or import request's Idempotency-Key and what it started, so a retry returns the first answer."""

    __tablename__ = "idempotency_keys"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    operation: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))  # NULL while it runs
    created_date: Mapped[datetime]
