"""Chargeback configuration and runs: workflows, steps, versions, split destinations, tasks."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from apportion.store.models.base import Base, Ratio


class ChargebackWorkflow(Base):
    """A named, ordered list of steps run each billing period."""

    __tablename__ = "chargeback_workflows"

    workflow_id: Mapped[int] = mapped_column(primary_key=True)
    workflow_info: Mapped[str] = mapped_column(String(64))


class ChargebackWorkflowStep(Base):
    """A Split or Calculation step; its type never changes; names are unique per type (§7 Q19)."""

    __tablename__ = "chargeback_workflow_steps"

    step_id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[int] = mapped_column(ForeignKey("chargeback_workflows.workflow_id", ondelete="CASCADE"))
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
    dynamic_meter_group_id: Mapped[int | None] = mapped_column(ForeignKey("meter_groups.meter_group_id"))
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


class ChargebackTask(Base):
    """One processor run: its settings, period, batch, status and counters (SEED-000)."""

    __tablename__ = "chargeback_tasks"

    task_id: Mapped[int] = mapped_column(primary_key=True)
    chargeback_type: Mapped[str] = mapped_column(String(16))
    is_aggregation: Mapped[bool] = mapped_column(default=False)
    billing_period: Mapped[int] = mapped_column(index=True)
    workflow_step_id: Mapped[int | None] = mapped_column(ForeignKey("chargeback_workflow_steps.step_id"), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.batch_id", ondelete="SET NULL"))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    comment: Mapped[str | None] = mapped_column(String(4000))
    status: Mapped[str] = mapped_column(String(32))
    task_begin: Mapped[datetime]
    task_end: Mapped[datetime | None]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"))
    number_of_bills_created: Mapped[int] = mapped_column(default=0)
    number_of_failed_versions: Mapped[int] = mapped_column(default=0)
    reversed_by: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"))
    reversed_date: Mapped[datetime | None]


class ChargebackTaskVersion(Base):
    """What one version did inside a task: its source bill (splits), bills created, or its error."""

    __tablename__ = "chargeback_task_versions"

    task_version_id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("chargeback_tasks.task_id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("distribution_versions.version_id", ondelete="CASCADE"), index=True
    )
    source_bill_id: Mapped[int | None] = mapped_column(ForeignKey("bills.bill_id", ondelete="SET NULL"))
    number_of_bills_created: Mapped[int] = mapped_column(default=0)
    error_message: Mapped[str | None] = mapped_column(String(4000))
