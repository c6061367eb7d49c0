"""What a calculated bill version says: its use, cost and demand instructions and its ordered line items."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from apportion.domain.bills import TOTAL_USE_TYPE_ID

# Seeded observation types (store/seed_data.py): 1 USE, 2 DEMAND, 3 COST (a charge).
USE_OBSERVATION_TYPE_ID = TOTAL_USE_TYPE_ID
DEMAND_OBSERVATION_TYPE_ID = 2
CHARGE_OBSERVATION_TYPE_ID = 3


class CalculationType(StrEnum):
    """GenericBodyline calculationType: how a line item comes to its cost (domain.md §4.4), as stored and sent."""

    FIXED = "Fixed"  # its value is the cost
    PERCENTAGE = "Percentage"  # its value is a percentage of the subtotal above it
    SUBTOTAL = "Subtotal"  # no cost: the percentages below it apply to the running total up to here


@dataclass(frozen=True)
class FixedUse:
    """fixedAmount: a constant use in `unit_id` (0 gives a cost-only bill)."""

    amount: Decimal
    unit_id: int


@dataclass(frozen=True)
class CopyFromMeter:
    """copyUseFromMeter / copyCostFromMeter: `percentage` % (50.5 = 50.5 %) of another meter's use or cost."""

    meter_id: int
    percentage: Decimal


@dataclass(frozen=True)
class MeterCalculation:
    """useCalculation / costCalculation: Σ sum meters (and distinct group members) − Σ subtract meters."""

    sum_meter_ids: tuple[int, ...] = ()
    sum_meter_group_ids: tuple[int, ...] = ()
    subtract_meter_ids: tuple[int, ...] = ()
    subtract_meter_group_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class CalendarizedSum:
    """calendarizedUseCalculation / calendarizedCostCalculation: Σ the meters' calendarized figures."""

    meter_ids: tuple[int, ...]


@dataclass(frozen=True)
class ReadingsChannel:
    """readingsChannelId: use (readings summed) or demand (largest reading) from a channel."""

    channel_id: int


@dataclass(frozen=True)
class FixedCost:
    """fixedAmount (cost): a constant cost."""

    amount: Decimal


@dataclass(frozen=True)
class FixedUnitCost:
    """fixedUnitCost: use expressed in `unit_id` x `unit_cost`."""

    unit_cost: Decimal
    unit_id: int


@dataclass(frozen=True)
class UnitCostFromMeter:
    """unitCostMeterId: use x (that meter's cost / use in the period)."""

    meter_id: int


@dataclass(frozen=True)
class RateSchedule:
    """useCurrentMetersRateSchedule: use x the unit price of the meter's current rate (domain.md §4.4 rec)."""


@dataclass(frozen=True)
class FixedDemand:
    """fixedDemand: a constant demand in `unit_id`."""

    amount: Decimal
    unit_id: int


UseInstruction = FixedUse | CopyFromMeter | MeterCalculation | CalendarizedSum | ReadingsChannel
CostInstruction = (
    FixedCost | FixedUnitCost | UnitCostFromMeter | CopyFromMeter | MeterCalculation | CalendarizedSum | RateSchedule
)
DemandInstruction = FixedDemand | ReadingsChannel


@dataclass(frozen=True)
class LineItem:
    """GenericBodyline: a meter or account line item, evaluated in list order.

    `calculation_type` is the text as received; `validate_line_items` gives it back as a CalculationType.
    """

    calculation_type: str
    caption: str | None
    value: Decimal | None = None
    observation_type_id: int | None = None


@dataclass(frozen=True)
class CalculatedBillInstructions:
    """Everything a calculation version says: use, cost, optional demand and the ordered line items."""

    version_id: int
    use: UseInstruction | None = None
    cost: CostInstruction | None = None
    demand: DemandInstruction | None = None
    meter_line_items: tuple[LineItem, ...] = ()
    account_line_items: tuple[LineItem, ...] = ()


def copy_instructions(instructions: CalculatedBillInstructions, new_version_id: int) -> CalculatedBillInstructions:
    """The same instructions for another version (copyVersionId, domain.md §4.1 step 5)."""
    return replace(instructions, version_id=new_version_id)
