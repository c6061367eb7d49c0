"""Calculated bills (domain.md §4.4): what a version says, how it is evaluated, in what order, and its wire checks.

- `instructions`: the use, cost and demand instructions, line items and `CalculatedBillInstructions`.
- `evaluation`: `evaluate` for one billing period from the figures the run resolved (`CalculationInputs`).
- `ordering`: the meters a version reads and the order calculated meters are evaluated in (`dependency_order`).
- `validation`: the wire requests (use, cost, demand, line items) checked into instructions.

Callers use the package (`from apportion.domain import calculations as calc`, then `calc.evaluate`); the names
below are its public surface.
"""

from apportion.domain.calculations.evaluation import (
    PEAK_DEMAND_CAPTION,
    CalculatedBillResult,
    CalculationFailed,
    CalculationInputs,
    EvaluatedLineItem,
    MeterFigures,
    evaluate,
)
from apportion.domain.calculations.instructions import (
    CHARGE_OBSERVATION_TYPE_ID,
    DEMAND_OBSERVATION_TYPE_ID,
    USE_OBSERVATION_TYPE_ID,
    CalculatedBillInstructions,
    CalculationType,
    CalendarizedSum,
    CopyFromMeter,
    CostInstruction,
    DemandInstruction,
    FixedCost,
    FixedDemand,
    FixedUnitCost,
    FixedUse,
    LineItem,
    MeterCalculation,
    RateSchedule,
    ReadingsChannel,
    UnitCostFromMeter,
    UseInstruction,
    copy_instructions,
)
from apportion.domain.calculations.ordering import CalculationOrder, dependency_order, source_meter_ids
from apportion.domain.calculations.validation import (
    COST_SCALE,
    MAX_CAPTION,
    MAX_RATIO,
    PERCENT_SCALE,
    UNIT_COST_SCALE,
    USE_SCALE,
    validate_cost,
    validate_demand,
    validate_line_items,
    validate_use,
)

__all__ = [
    "CHARGE_OBSERVATION_TYPE_ID",
    "COST_SCALE",
    "DEMAND_OBSERVATION_TYPE_ID",
    "MAX_CAPTION",
    "MAX_RATIO",
    "PEAK_DEMAND_CAPTION",
    "PERCENT_SCALE",
    "UNIT_COST_SCALE",
    "USE_OBSERVATION_TYPE_ID",
    "USE_SCALE",
    "CalculatedBillInstructions",
    "CalculatedBillResult",
    "CalculationFailed",
    "CalculationInputs",
    "CalculationOrder",
    "CalculationType",
    "CalendarizedSum",
    "CopyFromMeter",
    "CostInstruction",
    "DemandInstruction",
    "EvaluatedLineItem",
    "FixedCost",
    "FixedDemand",
    "FixedUnitCost",
    "FixedUse",
    "LineItem",
    "MeterCalculation",
    "MeterFigures",
    "RateSchedule",
    "ReadingsChannel",
    "UnitCostFromMeter",
    "UseInstruction",
    "copy_instructions",
    "dependency_order",
    "evaluate",
    "source_meter_ids",
    "validate_cost",
    "validate_demand",
    "validate_line_items",
    "validate_use",
]
