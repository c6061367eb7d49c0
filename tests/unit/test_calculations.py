"""Calculated bills: every use, cost and demand option, line items, failures, order, validation."""

from __future__ import annotations

import ast
import inspect
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from apportion.domain import calculations
from apportion.domain.bills import LineDraft
from apportion.domain.calculations import (
    CalculatedBillInstructions,
    CalculationFailed,
    CalculationInputs,
    CalculationType,
    CalendarizedSum,
    CopyFromMeter,
    CostInstruction,
    FixedCost,
    FixedDemand,
    FixedUnitCost,
    FixedUse,
    LineItem,
    MeterCalculation,
    MeterFigures,
    RateSchedule,
    ReadingsChannel,
    UnitCostFromMeter,
    UseInstruction,
    copy_instructions,
    dependency_order,
    evaluate,
    evaluation,
    instructions,
    ordering,
    source_meter_ids,
    validate_cost,
    validate_demand,
    validate_line_items,
    validate_use,
    validation,
)
from apportion.domain.errors import RuleViolation, ValidationFailed
from apportion.domain.rates import LinkRates, MeterRates, RateStart, RateTerms

KWH, MWH = 1, 2
METER = 99
INPUTS = CalculationInputs(
    meter_id=METER,
    common_unit_id=KWH,
    meters={
        5: MeterFigures(Decimal("1000"), Decimal("150.00")),
        6: MeterFigures(Decimal("250.5"), Decimal("40.10")),
        7: MeterFigures(Decimal("0"), Decimal("12.00")),
    },
    calendarized={5: MeterFigures(Decimal("900"), Decimal("135.00"))},
    groups={1: (5, 6), 2: (6,)},
    channel_use={30: Decimal("321.1234567")},
    channel_demand={31: Decimal("75.5")},
    demand_unit_id=20,
    # A rate without versions, priced by its flat 0.12 per kWh over the whole of time (the legacy form).
    rates=MeterRates(
        (LinkRates(date(1899, 1, 1), date(3000, 1, 1), (RateStart(1, date(1899, 1, 1)),)),),
        {1: (RateTerms(None, date.min, Decimal("0.12")),)},
        date(2024, 5, 1),
        date(2024, 6, 1),
    ),
    unit_factors={MWH: Decimal("1000")},
    observation_kinds={3: "cost", 8: "other"},
)


def run(use: UseInstruction, cost: CostInstruction = FixedCost(Decimal("0")), **kwargs: object) -> LineDraft:
    instructions = CalculatedBillInstructions(1, use=use, cost=cost, **kwargs)  # type: ignore[arg-type]
    return evaluate(instructions, INPUTS).lines[0]


@pytest.mark.parametrize(
    ("use", "value", "unit"),
    [
        (FixedUse(Decimal("12.5"), MWH), Decimal("12.5"), MWH),
        (CopyFromMeter(6, Decimal("50.5")), Decimal("126.5025"), KWH),
        (MeterCalculation(sum_meter_ids=(5,), subtract_meter_ids=(6,)), Decimal("749.5"), KWH),
        (MeterCalculation(sum_meter_ids=(5, 6), sum_meter_group_ids=(1,)), Decimal("1250.5"), KWH),  # distinct
        (MeterCalculation(sum_meter_group_ids=(1,), subtract_meter_group_ids=(2,)), Decimal("1000"), KWH),
        (MeterCalculation(sum_meter_ids=(5, 404)), Decimal("1000"), KWH),  # no bills -> counts as zero
        (CalendarizedSum((5, 6)), Decimal("900"), KWH),
        (ReadingsChannel(30), Decimal("321.123457"), KWH),
    ],
)
def test_use_options(use: UseInstruction, value: Decimal, unit: int) -> None:
    line = run(use)
    assert (line.value, line.value_unit_id, line.observation_type_id, line.kind, line.meter_id) == (
        value,
        unit,
        1,
        "use",
        METER,
    )


@pytest.mark.parametrize(
    ("use", "cost", "expected"),
    [
        (FixedUse(Decimal("100"), KWH), FixedCost(Decimal("12.34")), Decimal("12.34")),
        (FixedUse(Decimal("100"), KWH), FixedUnitCost(Decimal("0.123456785"), KWH), Decimal("12.35")),
        (FixedUse(Decimal("2"), MWH), FixedUnitCost(Decimal("0.1"), KWH), Decimal("200.00")),  # 2 MWh = 2000 kWh
        (FixedUse(Decimal("500"), KWH), FixedUnitCost(Decimal("80"), MWH), Decimal("40.00")),
        (FixedUse(Decimal("100"), KWH), UnitCostFromMeter(5), Decimal("15.00")),  # 0.15 per kWh
        (FixedUse(Decimal("100"), KWH), CopyFromMeter(6, Decimal("10")), Decimal("4.01")),
        (FixedUse(Decimal("100"), KWH), MeterCalculation((5,), (), (6,), ()), Decimal("109.90")),
        (FixedUse(Decimal("100"), KWH), CalendarizedSum((5,)), Decimal("135.00")),
        (FixedUse(Decimal("1"), MWH), RateSchedule(), Decimal("120.00")),
    ],
)
def test_cost_options(use: UseInstruction, cost: CostInstruction, expected: Decimal) -> None:
    assert run(use, cost).cost == expected


@pytest.mark.parametrize(
    ("use", "cost", "message"),
    [
        (CopyFromMeter(404, Decimal("100")), FixedCost(Decimal(0)), "meter 404 has no bills in the billing period"),
        (FixedUse(Decimal(1), KWH), CopyFromMeter(404, Decimal(1)), "meter 404 has no bills"),
        (FixedUse(Decimal(1), KWH), UnitCostFromMeter(404), "meter 404 has no bills"),
        (FixedUse(Decimal(1), KWH), UnitCostFromMeter(7), "meter 7 has zero use"),
        (ReadingsChannel(404), FixedCost(Decimal(0)), "channel 404 has no readings"),
        (MeterCalculation(sum_meter_group_ids=(404,)), FixedCost(Decimal(0)), "meter group 404 was not found"),
        (FixedUse(Decimal(1), 77), RateSchedule(), "no conversion from unit 77 to unit 1"),
    ],
)
def test_missing_inputs_fail_the_version_with_a_clear_message(
    use: UseInstruction, cost: CostInstruction, message: str
) -> None:
    with pytest.raises(CalculationFailed, match=message):
        run(use, cost)


def test_no_rate_fails() -> None:
    instructions = CalculatedBillInstructions(1, use=FixedUse(Decimal(1), KWH), cost=RateSchedule())
    with pytest.raises(CalculationFailed, match="has no rate on its account meter"):
        evaluate(instructions, CalculationInputs(meter_id=3, common_unit_id=KWH))


def test_calculation_failed_is_a_rule_violation() -> None:
    assert issubclass(CalculationFailed, RuleViolation)
    with pytest.raises(CalculationFailed, match="no use or no cost"):
        evaluate(CalculatedBillInstructions(1), INPUTS)


def test_demand_fixed_and_from_readings() -> None:
    fixed = evaluate(
        CalculatedBillInstructions(1, FixedUse(Decimal(1), KWH), FixedCost(Decimal(1)), FixedDemand(Decimal(40), 20)),
        INPUTS,
    )
    assert fixed.demand == Decimal(40)
    assert fixed.lines[1] == LineDraft(2, "demand", METER, None, Decimal("40.000000"), 20, None)
    read = evaluate(
        CalculatedBillInstructions(1, FixedUse(Decimal(1), KWH), FixedCost(Decimal(1)), ReadingsChannel(31)), INPUTS
    )
    assert read.lines[1] == LineDraft(2, "demand", METER, "Peak Demand from Readings", Decimal("75.5"), 20, None)
    none = evaluate(
        CalculatedBillInstructions(1, FixedUse(Decimal(1), KWH), FixedCost(Decimal(1)), ReadingsChannel(404)), INPUTS
    )
    assert (none.demand, len(none.lines)) == (None, 1)  # no readings -> no demand line (domain.md §4.4)


def items(*specs: tuple[str, str | None]) -> tuple[LineItem, ...]:
    return tuple(
        LineItem(kind, f"{kind} {i}", None if value is None else Decimal(value), None if value is None else 3)
        for i, (kind, value) in enumerate(specs)
    )


def test_percentages_use_the_subtotal_directly_above() -> None:
    same_base = items(("Percentage", "10"), ("Percentage", "5"))
    compounded = items(("Percentage", "10"), ("Subtotal", None), ("Percentage", "5"))
    base = CalculatedBillInstructions(1, FixedUse(Decimal(1), KWH), FixedCost(Decimal("100.00")))
    first = evaluate(replace(base, meter_line_items=same_base), INPUTS)
    assert [e.cost for e in first.meter_line_items] == [Decimal("10.00"), Decimal("5.00")]
    second = evaluate(CalculatedBillInstructions(1, base.use, base.cost, meter_line_items=compounded), INPUTS)
    assert [e.cost for e in second.meter_line_items] == [Decimal("10.00"), None, Decimal("5.50")]
    assert second.total_cost == Decimal("115.50")


def test_line_items_become_lines() -> None:
    instructions = CalculatedBillInstructions(
        1,
        FixedUse(Decimal("1000"), KWH),
        FixedUnitCost(Decimal("0.1"), KWH),
        meter_line_items=(
            LineItem("Fixed", "Meter fee", Decimal("5.5"), 3),
            LineItem("Subtotal", "Subtotal", None, None),
            LineItem("Percentage", "Tax", Decimal("8.875"), 8),
        ),
        account_line_items=(
            LineItem("Percentage", "Admin", Decimal("1.5"), 3),
            LineItem("Fixed", "Fee", Decimal(2), 3),
        ),
    )
    result = evaluate(instructions, INPUTS)
    assert (result.use, result.cost) == (Decimal("1000"), Decimal("100.00"))
    # Tax: 8.875 % of 105.50 = 9.363125 -> 9.36; meter total 114.86; admin 1.5 % of it = 1.7229 -> 1.72.
    assert result.lines == (
        LineDraft(1, "use", METER, None, Decimal("1000"), KWH, Decimal("100.00")),
        LineDraft(3, "cost", METER, "Meter fee", None, None, Decimal("5.50")),
        LineDraft(3, "cost", METER, "Subtotal", None, None, None),
        LineDraft(8, "other", METER, "Tax", None, None, Decimal("9.36")),
        LineDraft(3, "cost", None, "Admin", None, None, Decimal("1.72")),
        LineDraft(3, "cost", None, "Fee", None, None, Decimal("2.00")),
    )
    assert result.total_cost == Decimal("118.58")


def test_copy_instructions_preserves_everything() -> None:
    original = CalculatedBillInstructions(
        4,
        MeterCalculation((1, 2), (3,), (4,), (5,)),
        CopyFromMeter(9, Decimal("12.5")),
        ReadingsChannel(3),
        items(("Fixed", "1")),
        items(("Percentage", "2")),
    )
    copied = copy_instructions(original, 8)
    assert copied.version_id == 8
    assert (copied.use, copied.cost, copied.demand) == (original.use, original.cost, original.demand)
    assert (copied.meter_line_items, copied.account_line_items) == (
        original.meter_line_items,
        original.account_line_items,
    )
    assert copy_instructions(copied, 4) == original


def test_source_meter_ids() -> None:
    instructions = CalculatedBillInstructions(
        1, MeterCalculation((1,), (7,), (2,), ()), UnitCostFromMeter(3), FixedDemand(Decimal(1), 20)
    )
    assert source_meter_ids(instructions, {7: (8, 9)}) == {1, 2, 3, 8, 9}
    assert source_meter_ids(CalculatedBillInstructions(1, FixedUse(Decimal(1), 1), RateSchedule())) == set()


def test_dependency_order() -> None:
    assert dependency_order({1: {2}, 2: set(), 3: {1, 2, 50}}).order == (2, 1, 3)
    order = dependency_order({1: {2}, 2: {1}, 3: {1}, 4: {4}, 5: set()})
    assert order.order == (3, 5)
    assert order.cyclic == {1, 2, 4}
    assert set(order.failures) == {1, 2, 4}
    assert "(1, 2)" in order.failures[1].message
    assert isinstance(order.failures[4], CalculationFailed)


def test_validate_use() -> None:
    assert validate_use(readings_channel_id=4) == ReadingsChannel(4)
    with pytest.raises(ValidationFailed) as caught:
        validate_use()
    assert "readingsChannelId" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        validate_use(fixed_amount=FixedUse(Decimal("1.1234567"), 1), copy_use_from_meter=CopyFromMeter(2, Decimal(1)))
    assert set(caught.value.errors) == {"copyUseFromMeter", "fixedAmount.fixedUseAmount"}
    with pytest.raises(ValidationFailed) as caught:
        validate_use(use_calculation=MeterCalculation(), use_wattics_data_point=True)
    assert set(caught.value.errors) == {"useCalculation", "useWatticsDataPoint"}


def test_validate_cost() -> None:
    assert validate_cost(use_current_meters_rate_schedule=True) == RateSchedule()
    assert validate_cost(fixed_amount=Decimal("10.50")) == FixedCost(Decimal("10.50"))
    with pytest.raises(ValidationFailed) as caught:
        validate_cost(fixed_amount=Decimal("1.001"))
    assert caught.value.errors == {"fixedAmount": ["Max scale of 2: 1.001 has more decimal places."]}
    with pytest.raises(ValidationFailed) as caught:
        validate_cost(use_current_meters_rate_schedule=False, fixed_unit_cost=FixedUnitCost(Decimal("0.123456789"), 1))
    assert set(caught.value.errors) == {"useCurrentMetersRateSchedule", "fixedUnitCost.unitCost"}
    with pytest.raises(ValidationFailed) as caught:
        validate_cost(unit_cost_meter_id=3, copy_cost_from_meter=CopyFromMeter(2, Decimal("0.000000001")))
    assert set(caught.value.errors) == {"copyCostFromMeter", "copyCostFromMeter.percentage"}


def test_validate_demand() -> None:
    assert validate_demand() is None
    assert validate_demand(fixed_demand=FixedDemand(Decimal("1.5"), 20)) == FixedDemand(Decimal("1.5"), 20)
    with pytest.raises(ValidationFailed) as caught:
        validate_demand(readings_channel_id=1, fixed_demand=FixedDemand(Decimal("1.1234567"), 20))
    assert set(caught.value.errors) == {"fixedDemand", "fixedDemand.fixedDemandAmount"}


def test_validate_line_items() -> None:
    checked = validate_line_items([LineItem("fixed", "Fee", Decimal("1.25"), 3), LineItem("SUBTOTAL", "Sub")])
    assert [item.calculation_type for item in checked] == ["Fixed", "Subtotal"]
    bad = [
        LineItem("Discount", "x"),
        LineItem("Fixed", "y" * 33, Decimal("1.001"), 3),
        LineItem("Percentage", None, None, None),
        LineItem("Percentage", "p", Decimal("1.5"), 8),
        LineItem("Fixed", "q", Decimal(1), 404),
    ]
    with pytest.raises(ValidationFailed) as caught:
        validate_line_items(bad, account=True, observation_kinds={3: "cost", 8: "use"})
    assert set(caught.value.errors) == {
        "[0].calculationType",
        "[1].caption",
        "[1].value",
        "[2].caption",
        "[2].value",
        "[2].observationTypeId",
        "[3].observationTypeId",
        "[4].observationTypeId",
    }


def test_the_package_re_exports_exactly_what_its_modules_define() -> None:
    """`calc.X` reaches every public name of instructions, evaluation, ordering and validation, and nothing else."""
    defined: set[str] = set()
    for module in (instructions, evaluation, ordering, validation):
        for node in ast.parse(inspect.getsource(module)).body:
            if isinstance(node, ast.ClassDef | ast.FunctionDef):
                defined.add(node.name)
            elif isinstance(node, ast.Assign):
                defined.update(n.id for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name))
    public = {name for name in defined if not name.startswith("_")}
    assert sorted(calculations.__all__) == sorted(public)
    assert all(hasattr(calculations, name) for name in calculations.__all__)


def test_calculation_types_keep_their_wire_and_stored_spelling() -> None:
    assert [str(kind) for kind in CalculationType] == ["Fixed", "Percentage", "Subtotal"]
