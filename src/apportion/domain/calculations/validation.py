"""Validation of the wire requests (CalculatedBillUse/Cost/DemandRequest, GenericBodylineRequest) into instructions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import TypeVar

from apportion.domain.bills import MAX_COST, MAX_QUANTITY, ObservationKind
from apportion.domain.calculations.instructions import (
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
)
from apportion.domain.errors import ValidationFailed
from apportion.domain.money import decimal_places

_T = TypeVar("_T")

USE_SCALE, UNIT_COST_SCALE, COST_SCALE, PERCENT_SCALE = 6, 8, 2, 8
MAX_RATIO = Decimal(10) ** 16  # unit costs and percentages: NUMERIC(24, 8) where they are stored as columns
MAX_CAPTION = 32


def validate_use(
    *,
    readings_channel_id: int | None = None,
    fixed_amount: FixedUse | None = None,
    copy_use_from_meter: CopyFromMeter | None = None,
    use_calculation: MeterCalculation | None = None,
    calendarized_use_calculation: CalendarizedSum | None = None,
    use_wattics_data_point: bool | None = None,
) -> UseInstruction:
    """The one use option of a CalculatedBillUseRequest, or ValidationFailed naming the wire fields."""
    channel = None if readings_channel_id is None else ReadingsChannel(readings_channel_id)
    options: dict[str, UseInstruction | None] = {
        "readingsChannelId": channel,
        "fixedAmount": fixed_amount,
        "copyUseFromMeter": copy_use_from_meter,
        "useCalculation": use_calculation,
        "calendarizedUseCalculation": calendarized_use_calculation,
    }
    errors = _option_errors(options, {"useWatticsDataPoint": use_wattics_data_point}, required=True)
    if fixed_amount is not None:
        _scale(errors, "fixedAmount.fixedUseAmount", fixed_amount.amount, USE_SCALE, MAX_QUANTITY)
    if copy_use_from_meter is not None:
        _scale(errors, "copyUseFromMeter.percentage", copy_use_from_meter.percentage, PERCENT_SCALE, MAX_RATIO)
    return _chosen(errors, [option for option in options.values() if option is not None])


def validate_cost(
    *,
    use_current_meters_rate_schedule: bool | None = None,
    fixed_unit_cost: FixedUnitCost | None = None,
    unit_cost_meter_id: int | None = None,
    fixed_amount: Decimal | None = None,
    copy_cost_from_meter: CopyFromMeter | None = None,
    cost_calculation: MeterCalculation | None = None,
    calendarized_cost_calculation: CalendarizedSum | None = None,
) -> CostInstruction:
    """The one cost option of a CalculatedBillCostRequest, or ValidationFailed naming the wire fields."""
    rate = use_current_meters_rate_schedule
    options: dict[str, CostInstruction | None] = {
        "useCurrentMetersRateSchedule": RateSchedule() if rate else None,
        "fixedUnitCost": fixed_unit_cost,
        "unitCostMeterId": None if unit_cost_meter_id is None else UnitCostFromMeter(unit_cost_meter_id),
        "fixedAmount": None if fixed_amount is None else FixedCost(fixed_amount),
        "copyCostFromMeter": copy_cost_from_meter,
        "costCalculation": cost_calculation,
        "calendarizedCostCalculation": calendarized_cost_calculation,
    }
    errors = _option_errors(options, {}, required=True)
    if rate is False:
        errors.setdefault("useCurrentMetersRateSchedule", []).append("'true' is the only valid value.")
    if fixed_unit_cost is not None:
        _scale(errors, "fixedUnitCost.unitCost", fixed_unit_cost.unit_cost, UNIT_COST_SCALE, MAX_RATIO)
    if fixed_amount is not None:
        _scale(errors, "fixedAmount", fixed_amount, COST_SCALE, MAX_COST)
    if copy_cost_from_meter is not None:
        _scale(errors, "copyCostFromMeter.percentage", copy_cost_from_meter.percentage, PERCENT_SCALE, MAX_RATIO)
    return _chosen(errors, [option for option in options.values() if option is not None])


def validate_demand(
    *,
    readings_channel_id: int | None = None,
    fixed_demand: FixedDemand | None = None,
    use_wattics_data_point: bool | None = None,
) -> DemandInstruction | None:
    """The demand option of a CalculatedBillDemandRequest; None when none is set (demand is optional)."""
    channel = None if readings_channel_id is None else ReadingsChannel(readings_channel_id)
    options: dict[str, DemandInstruction | None] = {"readingsChannelId": channel, "fixedDemand": fixed_demand}
    errors = _option_errors(options, {"useWatticsDataPoint": use_wattics_data_point}, required=False)
    if fixed_demand is not None:
        _scale(errors, "fixedDemand.fixedDemandAmount", fixed_demand.amount, USE_SCALE, MAX_QUANTITY)
    if errors:
        raise ValidationFailed(errors)
    return next((option for option in options.values() if option is not None), None)


def validate_line_items(
    items: Sequence[LineItem], *, account: bool = False, observation_kinds: Mapping[int, str] | None = None
) -> tuple[LineItem, ...]:
    """Check meter or account line items (keys "[i].caption" ...); calculation types come back canonical.

    With `observation_kinds` (type id -> kind) given, types must be known and, on account lines, charges.
    """
    errors: dict[str, list[str]] = {}
    checked: list[LineItem] = []
    for i, item in enumerate(items):
        kind = next((t for t in CalculationType if t.lower() == (item.calculation_type or "").lower()), None)
        if kind is None:
            _add(errors, f"[{i}].calculationType", f"Must be one of {', '.join(CalculationType)}.")
        if not item.caption or len(item.caption) > MAX_CAPTION:
            _add(errors, f"[{i}].caption", f"Required, between 1 and {MAX_CAPTION} characters.")
        if kind in (CalculationType.FIXED, CalculationType.PERCENTAGE):
            if item.value is None:
                _add(errors, f"[{i}].value", f"The value is required for {kind} lines.")
            else:
                fixed = kind is CalculationType.FIXED
                _scale(
                    errors,
                    f"[{i}].value",
                    item.value,
                    COST_SCALE if fixed else PERCENT_SCALE,
                    MAX_COST if fixed else MAX_RATIO,
                )
            type_id, path = item.observation_type_id, f"[{i}].observationTypeId"
            if type_id is None:
                _add(errors, path, f"The observation type is required for {kind} lines.")
            elif observation_kinds is not None and type_id not in observation_kinds:
                _add(errors, path, f"Observation type {type_id} was not found.")
            elif observation_kinds is not None and account and observation_kinds[type_id] != ObservationKind.COST:
                _add(errors, path, f"Account lines need a charge observation type; {type_id} is not one.")
        checked.append(replace(item, calculation_type=kind or item.calculation_type))
    if errors:
        raise ValidationFailed(errors)
    return tuple(checked)


def _add(errors: dict[str, list[str]], path: str, reason: str) -> None:
    errors.setdefault(path, []).append(reason)


def _option_errors(
    options: Mapping[str, object | None], unsupported: Mapping[str, bool | None], *, required: bool
) -> dict[str, list[str]]:
    """Errors for 'exactly one option' (or 'at most one'), unsupported SmartAnalytics and empty calculations."""
    errors: dict[str, list[str]] = {}
    for name, flag in unsupported.items():
        if flag is not None:
            _add(errors, name, "SmartAnalytics data points are not supported.")
    given = [name for name, option in options.items() if option is not None]
    names = ", ".join(options)
    if not given and required:
        _add(errors, next(iter(options)), f"Exactly one of {names} must be set.")
    if len(given) > 1:
        _add(errors, given[1], f"Only one of {names} can be set.")
    for name, option in options.items():
        empty = isinstance(option, CalendarizedSum) and not option.meter_ids
        if isinstance(option, MeterCalculation):
            calc = option
            empty = not (calc.sum_meter_ids or calc.sum_meter_group_ids or calc.subtract_meter_ids)
            empty = empty and not calc.subtract_meter_group_ids
        if empty:
            _add(errors, name, "You must pass in at least 1 meter or meter group to sum or subtract.")
    return errors


def _chosen(errors: dict[str, list[str]], chosen: Sequence[_T]) -> _T:
    if errors or len(chosen) != 1:
        raise ValidationFailed(errors)
    return chosen[0]


def _scale(errors: dict[str, list[str]], path: str, value: Decimal, places: int, limit: Decimal) -> None:
    if not value.is_finite():
        _add(errors, path, f"{value} is not a number.")
    elif decimal_places(value) > places:
        _add(errors, path, f"Max scale of {places}: {value} has more decimal places.")
    elif abs(value) >= limit:
        _add(errors, path, f"Must be below {limit:,.0f} in absolute value.")
