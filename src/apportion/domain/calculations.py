"""Calculated bills: version instructions, their evaluation for one billing period, and calculation order."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TypeVar

from apportion.domain.bills import MAX_COST, MAX_QUANTITY, TOTAL_USE_TYPE_ID, LineDraft
from apportion.domain.errors import RuleViolation, ValidationFailed
from apportion.domain.money import CENT, HUNDRED, USE_QUANTUM, decimal_places, multiply, round_half_up

_T = TypeVar("_T")

# Seeded observation types (store/reference_data.py): 1 USE, 2 DEMAND, 3 COST (a charge).
USE_OBSERVATION_TYPE_ID = TOTAL_USE_TYPE_ID
DEMAND_OBSERVATION_TYPE_ID = 2
CHARGE_OBSERVATION_TYPE_ID = 3

FIXED, PERCENTAGE, SUBTOTAL = "Fixed", "Percentage", "Subtotal"
CALCULATION_TYPES = (FIXED, PERCENTAGE, SUBTOTAL)
PEAK_DEMAND_CAPTION = "Peak Demand from Readings"  # domain.md §4.4 demand from readings


class CalculationFailed(RuleViolation):
    """The calculated bill cannot be computed for this billing period."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


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
    """GenericBodyline: a meter or account line item, evaluated in list order."""

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


@dataclass(frozen=True)
class MeterFigures:
    """A meter's totals over its non-void bills of the period; use in the calculated meter's common unit (the run
    converts another commodity's use where a conversion exists, domain/units.py)."""

    use: Decimal
    cost: Decimal


@dataclass(frozen=True)
class CalculationInputs:
    """Figures for one calculated meter and billing period, resolved by the caller.

    `meters` holds only meters with bills in the period (copy and unit-cost sources summed across all
    their accounts); `unit_factors[u]` converts a value in unit u to the common unit (value x factor).
    """

    meter_id: int
    common_unit_id: int | None = None
    meters: Mapping[int, MeterFigures] = field(default_factory=dict)
    calendarized: Mapping[int, MeterFigures] = field(default_factory=dict)
    groups: Mapping[int, Sequence[int]] = field(default_factory=dict)
    channel_use: Mapping[int, Decimal] = field(default_factory=dict)
    channel_demand: Mapping[int, Decimal] = field(default_factory=dict)
    demand_unit_id: int | None = None
    rate_unit_price: Decimal | None = None
    unit_factors: Mapping[int, Decimal] = field(default_factory=dict)
    observation_kinds: Mapping[int, str] = field(default_factory=dict)
    # Meters whose use cannot be expressed in this meter's unit (another kind of quantity: gallons for a kWh
    # meter), with the reason; their cost can still be copied or summed, their use cannot.
    unconvertible: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EvaluatedLineItem:
    """A line item with the cost it came to (None for Subtotal lines)."""

    item: LineItem
    cost: Decimal | None


@dataclass(frozen=True)
class CalculatedBillResult:
    """The evaluated bill: use, base cost, demand, line items and the LineDrafts for a BillDraft."""

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
    cost = round_half_up(_cost(instructions.cost, use, use_unit, inputs), CENT)
    demand, demand_unit = _demand(instructions.demand, inputs)
    lines = [LineDraft(USE_OBSERVATION_TYPE_ID, "use", meter, None, use, use_unit, cost)]
    if demand is not None:
        caption = PEAK_DEMAND_CAPTION if isinstance(instructions.demand, ReadingsChannel) else None
        lines.append(LineDraft(DEMAND_OBSERVATION_TYPE_ID, "demand", meter, caption, demand, demand_unit))
    meter_items, running = _meter_line_items(instructions.meter_line_items, cost)
    account_items = tuple(
        EvaluatedLineItem(item, _percentage_or_fixed(item, running)) for item in instructions.account_line_items
    )
    for meter_id, evaluated in [(meter, e) for e in meter_items] + [(None, e) for e in account_items]:
        type_id = evaluated.item.observation_type_id or CHARGE_OBSERVATION_TYPE_ID
        kind = inputs.observation_kinds.get(type_id, "cost")
        lines.append(LineDraft(type_id, kind, meter_id, evaluated.item.caption, None, None, evaluated.cost))
    return CalculatedBillResult(use, use_unit, cost, demand, demand_unit, meter_items, account_items, tuple(lines))


def _meter_line_items(items: Sequence[LineItem], base: Decimal) -> tuple[tuple[EvaluatedLineItem, ...], Decimal]:
    running = subtotal = base
    evaluated: list[EvaluatedLineItem] = []
    for item in items:
        if item.calculation_type == SUBTOTAL:
            subtotal = running
            evaluated.append(EvaluatedLineItem(item, None))
            continue
        cost = _percentage_or_fixed(item, subtotal)
        running += cost
        evaluated.append(EvaluatedLineItem(item, cost))
    return tuple(evaluated), running


def _percentage_or_fixed(item: LineItem, base: Decimal) -> Decimal:
    value = item.value if item.value is not None else Decimal(0)
    if item.calculation_type == PERCENTAGE:
        return round_half_up(multiply(base, value, HUNDRED), CENT)
    if item.calculation_type == FIXED:
        return round_half_up(value, CENT)
    raise CalculationFailed(f"Line item '{item.caption}' has an unknown calculation type '{item.calculation_type}'.")


def _use(instruction: UseInstruction, inputs: CalculationInputs) -> tuple[Decimal, int | None]:
    if isinstance(instruction, FixedUse):
        return round_half_up(instruction.amount, USE_QUANTUM), instruction.unit_id
    if isinstance(instruction, CopyFromMeter):
        _convertible(inputs, [instruction.meter_id])
        source = _figures(inputs, instruction.meter_id, "copy use from")
        value = multiply(source.use, instruction.percentage, HUNDRED)
    elif isinstance(instruction, MeterCalculation):
        _convertible(inputs, _read(instruction, inputs))
        value = _calculate(instruction, inputs, lambda f: f.use)
    elif isinstance(instruction, CalendarizedSum):
        _convertible(inputs, instruction.meter_ids)
        value = sum((f.use for f in _calendarized(instruction, inputs)), Decimal(0))
    else:
        if instruction.channel_id not in inputs.channel_use:
            raise CalculationFailed(
                f"Meter {inputs.meter_id}: channel {instruction.channel_id} has no readings in the billing period."
            )
        value = inputs.channel_use[instruction.channel_id]
    return round_half_up(value, USE_QUANTUM), inputs.common_unit_id


def _cost(instruction: CostInstruction, use: Decimal, use_unit: int | None, inputs: CalculationInputs) -> Decimal:
    if isinstance(instruction, FixedCost):
        return instruction.amount
    if isinstance(instruction, FixedUnitCost):
        return multiply(_convert(use, use_unit, instruction.unit_id, inputs), instruction.unit_cost)
    if isinstance(instruction, CopyFromMeter):
        source = _figures(inputs, instruction.meter_id, "copy cost from")
        return multiply(source.cost, instruction.percentage, HUNDRED)
    if isinstance(instruction, MeterCalculation):
        return _calculate(instruction, inputs, lambda f: f.cost)
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
    if inputs.rate_unit_price is None:
        raise CalculationFailed(f"Meter {inputs.meter_id} has no current rate with a unit price.")
    return multiply(common_use, inputs.rate_unit_price)


def _demand(instruction: DemandInstruction | None, inputs: CalculationInputs) -> tuple[Decimal | None, int | None]:
    if instruction is None:
        return None, None
    if isinstance(instruction, FixedDemand):
        return round_half_up(instruction.amount, USE_QUANTUM), instruction.unit_id
    reading = inputs.channel_demand.get(instruction.channel_id)
    if reading is None:  # domain.md §4.4: no readings -> no demand line
        return None, None
    return round_half_up(reading, USE_QUANTUM), inputs.demand_unit_id


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
    zero = MeterFigures(Decimal(0), Decimal(0))
    added = _members(inputs, instruction.sum_meter_ids, instruction.sum_meter_group_ids)
    taken = _members(inputs, instruction.subtract_meter_ids, instruction.subtract_meter_group_ids)
    plus = sum((pick(inputs.meters.get(m, zero)) for m in added), Decimal(0))
    return plus - sum((pick(inputs.meters.get(m, zero)) for m in taken), Decimal(0))


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


def source_meter_ids(
    instructions: CalculatedBillInstructions, groups: Mapping[int, Sequence[int]] | None = None
) -> frozenset[int]:
    """Meters whose bills the version reads (copy, unit cost, sum, subtract, calendarized; groups expanded)."""
    found: set[int] = set()
    for instruction in (instructions.use, instructions.cost):
        if isinstance(instruction, CopyFromMeter | UnitCostFromMeter):
            found.add(instruction.meter_id)
        elif isinstance(instruction, CalendarizedSum):
            found.update(instruction.meter_ids)
        elif isinstance(instruction, MeterCalculation):
            found.update(instruction.sum_meter_ids, instruction.subtract_meter_ids)
            for group_id in instruction.sum_meter_group_ids + instruction.subtract_meter_group_ids:
                found.update((groups or {}).get(group_id, ()))
    return frozenset(found)


@dataclass(frozen=True)
class CalculationOrder:
    """Calculated meters in an order where each comes after the calculated meters it reads.

    Meters on a dependency cycle are left out of `order` and listed in `cyclic`; `failures` gives each
    of them the CalculationFailed to record for its version. Meters that only read a cyclic meter stay
    in `order`.
    """

    order: tuple[int, ...]
    cyclic: frozenset[int]
    failures: Mapping[int, CalculationFailed]


def dependency_order(versions: Mapping[int, Collection[int]]) -> CalculationOrder:
    """Order calculated meters (keys) by the meters they read (values; only other keys matter).

    Deterministic: among meters ready at the same time the smallest id comes first.
    Example: {1: {2}, 2: set(), 3: {1, 2}} -> order (2, 1, 3); {1: {2}, 2: {1}, 3: {1}} -> order (3,),
    cyclic {1, 2}.
    """
    needs = {meter: {m for m in reads if m in versions} for meter, reads in versions.items()}
    loops = [c for c in _components(needs) if len(c) > 1 or any(m in needs[m] for m in c)]
    cyclic = {meter for loop in loops for meter in loop}
    pending = {meter: reads - cyclic for meter, reads in needs.items() if meter not in cyclic}
    readers: dict[int, list[int]] = {}
    for meter, reads in pending.items():
        for source in reads:
            readers.setdefault(source, []).append(meter)
    ready = [meter for meter, reads in pending.items() if not reads]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        meter = heapq.heappop(ready)
        order.append(meter)
        for reader in readers.get(meter, ()):
            pending[reader].discard(meter)
            if not pending[reader]:
                heapq.heappush(ready, reader)
    failures = {}
    for loop in loops:
        names = ", ".join(str(m) for m in sorted(loop))
        for meter in loop:
            failures[meter] = CalculationFailed(
                f"Calculated meter {meter} cannot be calculated: it is on a cycle of calculated meters that read "
                f"each other's bills ({names})."
            )
    return CalculationOrder(tuple(order), frozenset(cyclic), failures)


def _components(needs: Mapping[int, set[int]]) -> list[frozenset[int]]:
    """Strongly connected components of the 'reads' graph (Tarjan's algorithm, iterative)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    found: list[frozenset[int]] = []
    for root in sorted(needs):
        if root in index:
            continue
        work = [(root, iter(sorted(needs[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            child = next(edges, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(needs[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component: set[int] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                found.append(frozenset(component))
    return found


# Validation of the wire requests (CalculatedBillUse/Cost/DemandRequest, GenericBodylineRequest).
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
        kind = next((t for t in CALCULATION_TYPES if t.lower() == (item.calculation_type or "").lower()), None)
        if kind is None:
            _add(errors, f"[{i}].calculationType", f"Must be one of {', '.join(CALCULATION_TYPES)}.")
        if not item.caption or len(item.caption) > MAX_CAPTION:
            _add(errors, f"[{i}].caption", f"Required, between 1 and {MAX_CAPTION} characters.")
        if kind in (FIXED, PERCENTAGE):
            if item.value is None:
                _add(errors, f"[{i}].value", f"The value is required for {kind} lines.")
            else:
                fixed = kind == FIXED
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
            elif observation_kinds is not None and account and observation_kinds[type_id] != "cost":
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
