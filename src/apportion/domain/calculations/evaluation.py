"""A calculated bill evaluated for one billing period from its instructions and the figures the run resolved."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from operator import attrgetter
from types import MappingProxyType
from typing import Any, NamedTuple, assert_never

# domain.rates reads LineItem from this package, so it is imported as a module (no import cycle at load time).
from apportion.domain import rates as rating
from apportion.domain.bills import LineDraft, ObservationKind
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
)
from apportion.domain.errors import RuleViolation
from apportion.domain.money import CENT, HUNDRED, USE_QUANTUM, multiply, round_half_up

PEAK_DEMAND_CAPTION = "Peak Demand from Readings"  # domain.md §4.4 demand from readings


class CalculationFailed(RuleViolation):
    """The calculated bill cannot be computed for this billing period."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class MeterFigures(NamedTuple):
    """A meter's totals over its non-void bills of the period; use in the calculated meter's common unit (the run
    converts another commodity's use where a conversion exists, domain/units.py)."""

    use: Decimal
    cost: Decimal


_NO_FIGURES = MeterFigures(Decimal(0), Decimal(0))  # a meter without bills in the period
_USE: Callable[[MeterFigures], Decimal] = attrgetter("use")
_COST: Callable[[MeterFigures], Decimal] = attrgetter("cost")
_NONE: Mapping[Any, Any] = MappingProxyType({})  # the shared, read-only empty default of CalculationInputs' mappings


class CalculationInputs(NamedTuple):
    """Figures for one calculated meter and billing period, resolved by the caller.

    `meters` holds only meters with bills in the period (copy and unit-cost sources summed across all
    their accounts); `unit_factors[u]` converts a value in unit u to the common unit (value x factor). A tuple: a
    run builds one per version (`_replace` gives one with other figures).
    """

    meter_id: int
    common_unit_id: int | None = None
    meters: Mapping[int, MeterFigures] = _NONE
    calendarized: Mapping[int, MeterFigures] = _NONE
    groups: Mapping[int, Sequence[int]] = _NONE
    channel_use: Mapping[int, Decimal] = _NONE
    channel_demand: Mapping[int, Decimal] = _NONE
    demand_unit_id: int | None = None
    rates: rating.MeterRates | None = None
    # The meter's use by observation type (on-peak, off-peak ...) over the bill's days, in its common unit, for rates
    # with time-of-use prices (domain/rates.py).
    time_of_use: Mapping[int, Decimal] = _NONE
    unit_factors: Mapping[int, Decimal] = _NONE
    observation_kinds: Mapping[int, str] = _NONE
    # Meters whose use cannot be expressed in this meter's unit (another kind of quantity: gallons for a kWh
    # meter), with the reason; their cost can still be copied or summed, their use cannot.
    unconvertible: Mapping[int, str] = _NONE


class EvaluatedLineItem(NamedTuple):
    """A line item with the cost it came to (None for Subtotal lines)."""

    item: LineItem
    cost: Decimal | None


class CalculatedBillResult(NamedTuple):
    """The evaluated bill: use, base cost, demand, line items and the LineDrafts for a BillDraft (a tuple, as the
    LineDrafts)."""

    use: Decimal
    use_unit_id: int | None
    cost: Decimal
    demand: Decimal | None
    demand_unit_id: int | None
    meter_line_items: tuple[EvaluatedLineItem, ...]
    account_line_items: tuple[EvaluatedLineItem, ...]
    lines: tuple[LineDraft, ...]

    @property
    def total_cost(self) -> Decimal:
        """Base cost plus every meter and account line item."""
        return sum((line.cost for line in self.lines if line.cost is not None), Decimal(0))


def evaluate(instructions: CalculatedBillInstructions, inputs: CalculationInputs) -> CalculatedBillResult:
    """Compute a calculated bill for one period (domain.md §4.4); CalculationFailed names what is missing.

    Use is rounded half-up to 6 places, every cost to cents. Line items follow §4.4 "Recommended
    evaluation": running = base cost and subtotal = base cost; Subtotal sets subtotal = running;
    Fixed adds its value; Percentage adds round2(subtotal x value / 100). Account Percentage lines take
    the total meter cost. Example: base 100.00, items 10 %, 5 % -> 10.00, 5.00 (both on 100.00);
    items 10 %, Subtotal, 5 % -> 10.00, 5.50.
    """
    meter = inputs.meter_id
    if instructions.use is None or instructions.cost is None:
        raise CalculationFailed(f"Calculated bill version {instructions.version_id} has no use or no cost instruction.")
    use, use_unit = _use(instructions.use, inputs)
    demand, demand_unit = _demand(instructions.demand, inputs)
    rated = None
    if isinstance(instructions.cost, RateSchedule):
        rated = _rated(use, use_unit, demand, demand_unit, inputs)
    cost = round_half_up(_cost(instructions.cost, use, use_unit, inputs, rated), CENT)
    if rated is not None and rated.use_lines:  # priced by time of use: the use line, then one per type (its parts)
        lines = [
            LineDraft(USE_OBSERVATION_TYPE_ID, ObservationKind.USE, meter, None, use, use_unit, line.cost)
            if line.observation_type_id is None
            else LineDraft(
                line.observation_type_id,
                ObservationKind.USE,
                meter,
                None,
                line.use,
                inputs.common_unit_id,
                line.cost,
            )
            for line in rated.use_lines
        ]
    else:  # LineDraft(type, kind, meter, caption, value, unit, cost, source line, share), without its frame
        lines = [
            tuple.__new__(
                LineDraft, (USE_OBSERVATION_TYPE_ID, ObservationKind.USE, meter, None, use, use_unit, cost, None, None)
            )
        ]
    demand_cost = None if rated is None else rated.demand_cost
    if demand is not None:
        caption = PEAK_DEMAND_CAPTION if isinstance(instructions.demand, ReadingsChannel) else None
        lines.append(
            LineDraft(
                DEMAND_OBSERVATION_TYPE_ID, ObservationKind.DEMAND, meter, caption, demand, demand_unit, demand_cost
            )
        )
    # A rate's own line items come first: they are part of the rate's price; the version's follow, on top of it.
    rate_meter = tuple(EvaluatedLineItem(p.item, p.cost) for p in rated.meter_items) if rated else ()
    rate_account = tuple(EvaluatedLineItem(p.item, p.cost) for p in rated.account_items) if rated else ()
    base = cost + (demand_cost or Decimal(0)) + sum((e.cost or Decimal(0) for e in rate_meter), Decimal(0))
    own_items, running = _meter_line_items(instructions.meter_line_items, base)
    meter_items = rate_meter + own_items
    account_items = rate_account + tuple(
        EvaluatedLineItem(item, _percentage_or_fixed(item, running)) for item in instructions.account_line_items
    )
    for meter_id, evaluated in [(meter, e) for e in meter_items] + [(None, e) for e in account_items]:
        type_id = evaluated.item.observation_type_id or CHARGE_OBSERVATION_TYPE_ID
        kind = inputs.observation_kinds.get(type_id, ObservationKind.COST)
        caption = evaluated.item.caption
        lines.append(
            tuple.__new__(LineDraft, (type_id, kind, meter_id, caption, None, None, evaluated.cost, None, None))
        )
    return CalculatedBillResult(use, use_unit, cost, demand, demand_unit, meter_items, account_items, tuple(lines))


def _meter_line_items(items: Sequence[LineItem], base: Decimal) -> tuple[tuple[EvaluatedLineItem, ...], Decimal]:
    running = subtotal = base
    evaluated: list[EvaluatedLineItem] = []
    for item in items:
        if _calculation_type(item) is CalculationType.SUBTOTAL:
            subtotal = running
            evaluated.append(EvaluatedLineItem(item, None))
            continue
        cost = _percentage_or_fixed(item, subtotal)
        running += cost
        evaluated.append(EvaluatedLineItem(item, cost))
    return tuple(evaluated), running


def _percentage_or_fixed(item: LineItem, base: Decimal) -> Decimal:
    value = item.value if item.value is not None else Decimal(0)
    kind = _calculation_type(item)
    if kind is CalculationType.PERCENTAGE:
        return round_half_up(multiply(base, value, HUNDRED), CENT)
    if kind is CalculationType.FIXED:
        return round_half_up(value, CENT)
    if kind is CalculationType.SUBTOTAL:  # an account line item (validation lets one through): it has no base
        raise _unknown_calculation_type(item)
    assert_never(kind)


# Stored type -> CalculationType: a look-up rather than the enum's call (every line item of every version, twice).
_CALCULATION_TYPES = {member.value: member for member in CalculationType}


def _calculation_type(item: LineItem) -> CalculationType:
    found = _CALCULATION_TYPES.get(item.calculation_type)
    if found is None:
        raise _unknown_calculation_type(item)
    return found


def _unknown_calculation_type(item: LineItem) -> CalculationFailed:
    return CalculationFailed(f"Line item '{item.caption}' has an unknown calculation type '{item.calculation_type}'.")


def _use(instruction: UseInstruction, inputs: CalculationInputs) -> tuple[Decimal, int | None]:
    if isinstance(instruction, FixedUse):
        return round_half_up(instruction.amount, USE_QUANTUM), instruction.unit_id
    if isinstance(instruction, CopyFromMeter):
        _convertible(inputs, [instruction.meter_id])
        source = _figures(inputs, instruction.meter_id, "copy use from")
        value = multiply(source.use, instruction.percentage, HUNDRED)
    elif isinstance(instruction, MeterCalculation):
        if inputs.unconvertible:  # else nothing to check; _calculate reads the members (and names a missing group)
            _convertible(inputs, _read(instruction, inputs))
        value = _calculate(instruction, inputs, _USE)
    elif isinstance(instruction, CalendarizedSum):
        _convertible(inputs, instruction.meter_ids)
        value = sum((f.use for f in _calendarized(instruction, inputs)), Decimal(0))
    elif isinstance(instruction, ReadingsChannel):
        if instruction.channel_id not in inputs.channel_use:
            raise CalculationFailed(
                f"Meter {inputs.meter_id}: channel {instruction.channel_id} has no readings in the billing period."
            )
        value = inputs.channel_use[instruction.channel_id]
    else:
        assert_never(instruction)
    return round_half_up(value, USE_QUANTUM), inputs.common_unit_id


def _rated(
    use: Decimal, use_unit: int | None, demand: Decimal | None, demand_unit: int | None, inputs: CalculationInputs
) -> rating.RatedCost:
    """The bill priced by the versions of the meter's rates in effect on its dates (domain/rates.py)."""
    if inputs.rates is None:
        raise CalculationFailed(f"Meter {inputs.meter_id} has no rate on its account meter.")
    try:
        parts = inputs.rates.segments()
        use_in: dict[int | None, Decimal] = {None: _convert(use, use_unit, inputs.common_unit_id, inputs)}
        for unit in {p.terms.use_unit_id for p in parts} - {None}:
            use_in[unit] = _convert(use, use_unit, unit, inputs)
        demand_in: dict[int | None, Decimal] | None = None
        if demand is not None:
            demand_in = {None: demand, demand_unit: demand}
        tou_in: dict[int | None, dict[int, Decimal]] = {None: dict(inputs.time_of_use)}
        for unit in {p.terms.use_unit_id for p in parts if p.terms.time_of_use} - {None}:
            tou_in[unit] = {t: _convert(u, inputs.common_unit_id, unit, inputs) for t, u in inputs.time_of_use.items()}
        return rating.price(parts, use_in, demand, demand_in, tou_in)
    except rating.RateNotApplicable as problem:
        raise CalculationFailed(f"Meter {inputs.meter_id}: {problem.message}") from None


def _cost(
    instruction: CostInstruction,
    use: Decimal,
    use_unit: int | None,
    inputs: CalculationInputs,
    rated: rating.RatedCost | None = None,
) -> Decimal:
    if isinstance(instruction, FixedCost):
        return instruction.amount
    if isinstance(instruction, FixedUnitCost):
        return multiply(_convert(use, use_unit, instruction.unit_id, inputs), instruction.unit_cost)
    if isinstance(instruction, CopyFromMeter):
        source = _figures(inputs, instruction.meter_id, "copy cost from")
        return multiply(source.cost, instruction.percentage, HUNDRED)
    if isinstance(instruction, MeterCalculation):
        return _calculate(instruction, inputs, _COST)
    if isinstance(instruction, CalendarizedSum):
        return sum((f.cost for f in _calendarized(instruction, inputs)), Decimal(0))
    common_use = _convert(use, use_unit, inputs.common_unit_id, inputs)
    if isinstance(instruction, UnitCostFromMeter):
        _convertible(inputs, [instruction.meter_id])
        source = _figures(inputs, instruction.meter_id, "take a unit cost from")
        if source.use == 0:
            raise CalculationFailed(
                f"Meter {inputs.meter_id}: meter {instruction.meter_id} has zero use in the billing period, "
                "so it has no unit cost."
            )
        return multiply(common_use, source.cost, source.use)
    if isinstance(instruction, RateSchedule):
        if rated is None:  # evaluate prices it first
            raise CalculationFailed(f"Meter {inputs.meter_id}: the bill was not priced by its rates.")
        return rated.use_cost
    assert_never(instruction)


def _demand(instruction: DemandInstruction | None, inputs: CalculationInputs) -> tuple[Decimal | None, int | None]:
    if instruction is None:
        return None, None
    if isinstance(instruction, FixedDemand):
        return round_half_up(instruction.amount, USE_QUANTUM), instruction.unit_id
    if isinstance(instruction, ReadingsChannel):
        reading = inputs.channel_demand.get(instruction.channel_id)
        if reading is None:  # domain.md §4.4: no readings -> no demand line
            return None, None
        return round_half_up(reading, USE_QUANTUM), inputs.demand_unit_id
    assert_never(instruction)


def _convertible(inputs: CalculationInputs, meter_ids: Sequence[int]) -> None:
    """Fail when a meter whose use this instruction reads measures another kind of quantity (domain.md §4.4:
    "the other meter may be another commodity if a unit conversion exists")."""
    for meter_id in meter_ids:
        if meter_id in inputs.unconvertible:
            raise CalculationFailed(inputs.unconvertible[meter_id])


def _read(instruction: MeterCalculation, inputs: CalculationInputs) -> list[int]:
    added = _members(inputs, instruction.sum_meter_ids, instruction.sum_meter_group_ids)
    return added + _members(inputs, instruction.subtract_meter_ids, instruction.subtract_meter_group_ids)


def _figures(inputs: CalculationInputs, meter_id: int, purpose: str) -> MeterFigures:
    figures = inputs.meters.get(meter_id)
    if figures is None:
        raise CalculationFailed(
            f"Meter {inputs.meter_id}: meter {meter_id} has no bills in the billing period to {purpose}."
        )
    return figures


def _members(inputs: CalculationInputs, meter_ids: Sequence[int], group_ids: Sequence[int]) -> list[int]:
    distinct = dict.fromkeys(meter_ids)
    for group_id in group_ids:
        if group_id not in inputs.groups:
            raise CalculationFailed(f"Meter {inputs.meter_id}: meter group {group_id} was not found.")
        distinct.update(dict.fromkeys(inputs.groups[group_id]))
    return list(distinct)


def _calculate(
    instruction: MeterCalculation, inputs: CalculationInputs, pick: Callable[[MeterFigures], Decimal]
) -> Decimal:
    """Σ sum meters − Σ subtract meters; a meter without bills in the period counts as zero."""
    zero, meters = _NO_FIGURES, inputs.meters
    added = _members(inputs, instruction.sum_meter_ids, instruction.sum_meter_group_ids)
    taken = _members(inputs, instruction.subtract_meter_ids, instruction.subtract_meter_group_ids)
    plus = sum([pick(meters.get(m, zero)) for m in added], Decimal(0))
    return plus - sum([pick(meters.get(m, zero)) for m in taken], Decimal(0))


def _calendarized(instruction: CalendarizedSum, inputs: CalculationInputs) -> list[MeterFigures]:
    zero = MeterFigures(Decimal(0), Decimal(0))
    return [inputs.calendarized.get(m, zero) for m in dict.fromkeys(instruction.meter_ids)]


def _convert(value: Decimal, from_unit: int | None, to_unit: int | None, inputs: CalculationInputs) -> Decimal:
    """`value` in `from_unit` expressed in `to_unit`, through the common unit."""
    if from_unit == to_unit:
        return value
    factors = {**inputs.unit_factors}
    if inputs.common_unit_id is not None:
        factors.setdefault(inputs.common_unit_id, Decimal(1))
    if from_unit not in factors or to_unit not in factors:
        raise CalculationFailed(f"Meter {inputs.meter_id}: no conversion from unit {from_unit} to unit {to_unit}.")
    return multiply(value, factors[from_unit], factors[to_unit])
