"""Bill splits: shares per method, splitting line items, details validation, copying."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apportion.domain.bills import LineDraft
from apportion.domain.errors import RuleViolation, ValidationFailed
from apportion.domain.splits import (
    Destination,
    DynamicShare,
    DynamicSplit,
    FixedPercentage,
    FloorAreaShare,
    FloorAreaSplit,
    ShareValue,
    SourceValue,
    SplitDetails,
    SplitMethod,
    copy_instructions,
    dynamic_shares,
    fixed_percentage_shares,
    floor_area_percentages,
    floor_area_shares,
    split_bill,
    validate_split_details,
)

SOURCE_METER = 10
USE = LineDraft(1, "use", SOURCE_METER, "Energy", Decimal("1000.000001"), 1, Decimal("100.00"))
DEMAND = LineDraft(2, "demand", SOURCE_METER, "Demand", Decimal("50"), 20, None)
CHARGE = LineDraft(6, "cost", SOURCE_METER, "Customer charge", None, None, Decimal("-9.99"))
OTHER_METER = LineDraft(1, "use", 11, "Energy", Decimal("5"), 1, Decimal("1.00"))
ACCOUNT = LineDraft(3, "cost", None, "Late fee", None, None, Decimal("4.00"))
LINES = (USE, DEMAND, CHARGE, OTHER_METER, ACCOUNT)


def fixed(*percentages: str) -> list[FixedPercentage]:
    return [FixedPercentage(100 + i, 200 + i, Decimal(p)) for i, p in enumerate(percentages)]


def test_fixed_percentages_totalling_100_sum_exactly_per_line() -> None:
    result = split_bill(LINES, SOURCE_METER, fixed_percentage_shares(fixed("50.5", "49.5")))
    assert [dest for dest, _ in result] == [Destination(100, 200), Destination(101, 201)]
    first, second = (lines for _, lines in result)
    assert [line.cost for line in first] == [Decimal("50.50"), None, Decimal("-5.04")]
    assert [line.cost for line in second] == [Decimal("49.50"), None, Decimal("-4.95")]
    assert [line.value for line in first] == [Decimal("505.000001"), Decimal("25.25"), None]
    assert [line.value for line in second] == [Decimal("495.000000"), Decimal("24.75"), None]
    assert all(line.meter_id == 200 for line in first)
    assert (first[0].observation_type_id, first[0].kind, first[0].caption, first[0].value_unit_id) == (
        1,
        "use",
        "Energy",
        1,
    )


def test_only_the_source_meter_lines_are_split() -> None:
    result = split_bill(LINES, SOURCE_METER, fixed_percentage_shares(fixed("100")))
    (_, lines), *_ = result
    assert [line.caption for line in lines] == ["Energy", "Demand", "Customer charge"]
    assert sum(line.cost or 0 for line in lines) == Decimal("90.01")


def test_fixed_percentages_not_totalling_100_round_independently() -> None:
    result = split_bill([USE], SOURCE_METER, fixed_percentage_shares(fixed("60", "30")))
    assert [lines[0].cost for _, lines in result] == [Decimal("60.00"), Decimal("30.00")]
    assert [lines[0].value for _, lines in result] == [Decimal("600.000001"), Decimal("300.000000")]


def test_floor_area_percentages_and_split() -> None:
    areas = [
        FloorAreaShare(100, 200, Decimal("1000"), Decimal("1")),
        FloorAreaShare(101, 201, Decimal("3000"), Decimal("1")),
        FloorAreaShare(102, 202, Decimal("0"), Decimal("2")),
    ]
    assert floor_area_percentages(areas) == [Decimal("25"), Decimal("75"), Decimal("0")]
    result = split_bill([USE], SOURCE_METER, floor_area_shares(areas))
    assert [lines[0].cost for _, lines in result] == [Decimal("25.00"), Decimal("75.00"), Decimal("0.00")]


def test_floor_area_weighting_factor() -> None:
    areas = [FloorAreaShare(1, 2, Decimal("100"), Decimal("2")), FloorAreaShare(3, 4, Decimal("100"), Decimal("1"))]
    assert floor_area_percentages(areas) == [Decimal("66.66666667"), Decimal("33.33333333")]


def test_floor_area_all_zero_fails_clearly() -> None:
    areas = [FloorAreaShare(1, 2, Decimal("0"), Decimal("1")), FloorAreaShare(3, 4, Decimal("10"), Decimal("0"))]
    with pytest.raises(RuleViolation, match="weighted floor area of every destination"):
        floor_area_shares(areas)


def dynamic(source: str, *values: str) -> tuple[DynamicSplit, list[DynamicShare]]:
    split = DynamicSplit(7, source, "use")
    return split, [DynamicShare(100 + i, 200 + i, Decimal(v)) for i, v in enumerate(values)]


def test_dynamic_use_splits_values_only() -> None:
    split, shares = dynamic("use", "1", "3")
    result = split_bill([USE, CHARGE], SOURCE_METER, dynamic_shares(split, shares))
    # 1000.000001 x 1/4 and x 3/4: remainders .25 and .75 of a millionth, the larger takes it.
    assert [[(line.value, line.cost) for line in lines] for _, lines in result] == [
        [(Decimal("250.000000"), None)],
        [(Decimal("750.000001"), None)],
    ]  # the charge has no use: dropped


def test_dynamic_cost_splits_costs_only() -> None:
    split, shares = dynamic("COST", "1", "3")
    result = split_bill([USE, CHARGE], SOURCE_METER, dynamic_shares(split, shares))
    assert [(line.value, line.cost) for line in result[1][1]] == [(None, Decimal("75.00")), (None, Decimal("-7.49"))]


def test_dynamic_use_and_cost() -> None:
    split, shares = dynamic("useAndCost", "2", "2")
    result = split_bill([USE], SOURCE_METER, dynamic_shares(split, shares))
    assert [(lines[0].value, lines[0].cost) for _, lines in result] == [
        (Decimal("500.000001"), Decimal("50.00")),
        (Decimal("500.000000"), Decimal("50.00")),
    ]


def test_dynamic_group_total_zero_fails() -> None:
    split, shares = dynamic("use", "0", "0")
    with pytest.raises(RuleViolation, match="group's total use for the period is zero"):
        dynamic_shares(split, shares)


def test_dynamic_empty_group_fails() -> None:
    with pytest.raises(RuleViolation, match="group has no meters"):
        dynamic_shares(DynamicSplit(7, "use", "use"), [])


def test_dynamic_negative_share_fails() -> None:
    split, shares = dynamic("cost", "5", "-1")
    with pytest.raises(RuleViolation, match="negative"):
        dynamic_shares(split, shares)


def test_caption_only_lines_are_carried() -> None:
    note = LineDraft(3, "cost", SOURCE_METER, "Note")
    result = split_bill([note], SOURCE_METER, fixed_percentage_shares(fixed("50", "50")))
    assert [lines for _, lines in result] == [
        (LineDraft(3, "cost", 200, "Note"),),
        (LineDraft(3, "cost", 201, "Note"),),
    ]


def test_validate_fixed_percentage_details() -> None:
    details = validate_split_details(
        5,
        master_account_id=1,
        fixed_percentage=fixed("50", "50.12345678"),
        master_commodity_id=1,
        meter_commodities={200: 1, 201: 1},
    )
    assert details.method is SplitMethod.FIXED_PERCENTAGE
    assert details.fixed_percentage == tuple(fixed("50", "50.12345678"))


def test_validate_collects_every_problem_with_field_paths() -> None:
    items = [
        FixedPercentage(1, 200, Decimal("0")),
        FixedPercentage(2, 201, Decimal("1.123456789")),
        FixedPercentage(2, 201, Decimal("10")),
        FixedPercentage(3, 202, Decimal("10")),
    ]
    with pytest.raises(ValidationFailed) as caught:
        validate_split_details(
            5, 1, fixed_percentage=items, master_commodity_id=1, meter_commodities={200: 1, 201: 1, 202: 2}
        )
    errors = caught.value.errors
    assert set(errors) == {
        "fixedPercentageSplit[0].destinationAccountId",
        "fixedPercentageSplit[0].splitPercentage",
        "fixedPercentageSplit[1].splitPercentage",
        "fixedPercentageSplit[2].destinationMeterId",
        "fixedPercentageSplit[3].destinationMeterId",
    }
    assert "fixedPercentageSplit[1]" in errors["fixedPercentageSplit[2].destinationMeterId"][0]
    assert "commodity (2)" in errors["fixedPercentageSplit[3].destinationMeterId"][0]


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"fixed_percentage": [FixedPercentage(2, 3, Decimal(1))], "dynamic": DynamicSplit(1, "use", "use")},
    ],
)
def test_exactly_one_method(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_split_details(5, 1, **kwargs)  # type: ignore[arg-type]
    assert "fixedPercentageSplit" in caught.value.errors


def test_empty_list_is_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_split_details(5, 1, floor_area=[])
    assert caught.value.errors == {"floorAreaSplit": ["The list cannot be empty."]}


def test_floor_area_weighting_rules() -> None:
    items = [FloorAreaSplit(2, 3, Decimal("-1")), FloorAreaSplit(4, 5, Decimal("0.000000001"))]
    with pytest.raises(ValidationFailed) as caught:
        validate_split_details(5, 1, floor_area=items)
    assert set(caught.value.errors) == {"floorAreaSplit[0].weightingFactor", "floorAreaSplit[1].weightingFactor"}
    ok = validate_split_details(5, 1, floor_area=[FloorAreaSplit(2, 3, Decimal("0"))])
    assert ok.method is SplitMethod.FLOOR_AREA


def test_dynamic_vocabulary_is_case_insensitive_and_canonical() -> None:
    details = validate_split_details(5, 1, dynamic=DynamicSplit(9, "USEANDCOST", "Cost"))
    assert details.dynamic == DynamicSplit(9, "useAndCost", "cost")
    assert details.method is SplitMethod.DYNAMIC_PERCENTAGE
    with pytest.raises(ValidationFailed) as caught:
        validate_split_details(5, 1, dynamic=DynamicSplit(9, "demand", "useAndCost"))
    assert set(caught.value.errors) == {
        "dynamicPercentageSplit.sourceValueToSplit",
        "dynamicPercentageSplit.destinationShareValue",
    }


def test_copy_instructions_keeps_everything_but_the_version() -> None:
    details = SplitDetails(5, fixed_percentage=tuple(fixed("30", "70")))
    copied = copy_instructions(details, 6)
    assert copied.version_id == 6
    assert copied.fixed_percentage == details.fixed_percentage
    assert SplitDetails(5, fixed_percentage=copied.fixed_percentage) == details
    assert SplitDetails(5).method is None


def test_the_vocabularies_keep_their_stored_and_wire_spelling() -> None:
    assert [str(method) for method in SplitMethod] == ["fixedPercentage", "floorArea", "dynamicPercentage"]
    assert [str(value) for value in SourceValue] == ["use", "cost", "useAndCost"]
    assert [str(value) for value in ShareValue] == ["use", "cost"]
