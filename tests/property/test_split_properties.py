"""Split properties: every source meter line is shared out exactly, line by line, for every method."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from apportion.domain.bills import LineDraft
from apportion.domain.money import CENT, USE_QUANTUM
from apportion.domain.splits import (
    DynamicShare,
    DynamicSplit,
    FixedPercentage,
    FloorAreaShare,
    FloorAreaSplit,
    SplitDetails,
    SplitShares,
    copy_instructions,
    dynamic_shares,
    fixed_percentage_shares,
    floor_area_percentages,
    floor_area_shares,
    split_bill,
)

SOURCE = 1
values = st.none() | st.integers(-(10**12), 10**12).map(lambda n: Decimal(n) * USE_QUANTUM)
costs = st.none() | st.integers(-(10**11), 10**11).map(lambda n: Decimal(n) * CENT)
lines = st.lists(
    st.builds(
        LineDraft,
        observation_type_id=st.integers(1, 9),
        kind=st.sampled_from(["use", "demand", "cost", "other"]),
        meter_id=st.sampled_from([SOURCE, SOURCE, SOURCE, 2, None]),
        caption=st.none() | st.text(max_size=8),
        value=values,
        value_unit_id=st.none() | st.integers(1, 40),
        cost=costs,
    ),
    max_size=8,
)
weights = st.builds(lambda n, places: Decimal(n).scaleb(-places), st.integers(0, 10**7), st.integers(0, 4))


@st.composite
def percentages_to_100(draw: st.DrawFn) -> list[Decimal]:
    units = 100 * 10**8
    cuts = sorted(draw(st.lists(st.integers(1, units - 1), max_size=6, unique=True)))
    bounds = [0, *cuts, units]
    return [Decimal(b - a).scaleb(-8) for a, b in pairwise(bounds)]


@st.composite
def fixed_shares(draw: st.DrawFn) -> SplitShares:
    percentages = draw(percentages_to_100())
    return fixed_percentage_shares([FixedPercentage(10 + i, 100 + i, p) for i, p in enumerate(percentages)])


@st.composite
def area_shares(draw: st.DrawFn) -> SplitShares:
    pairs = draw(st.lists(st.tuples(weights, weights), min_size=1, max_size=6))
    if sum(a * w for a, w in pairs) == 0:
        pairs[0] = (Decimal(1), Decimal(1))
    return floor_area_shares([FloorAreaShare(10 + i, 100 + i, a, w) for i, (a, w) in enumerate(pairs)])


@st.composite
def group_shares(draw: st.DrawFn) -> SplitShares:
    amounts = draw(st.lists(weights, min_size=1, max_size=6).filter(lambda xs: sum(xs) > 0))
    source = draw(st.sampled_from(["use", "cost", "useAndCost"]))
    split = DynamicSplit(5, source, draw(st.sampled_from(["use", "cost"])))
    return dynamic_shares(split, [DynamicShare(10 + i, 100 + i, a) for i, a in enumerate(amounts)])


def total(parts: list[Decimal | None]) -> Fraction:
    return sum((Fraction(p) for p in parts if p is not None), Fraction(0))


@given(lines, fixed_shares() | area_shares() | group_shares())
def test_every_source_line_is_shared_out_exactly(source_lines: list[LineDraft], shares: SplitShares) -> None:
    result = split_bill(source_lines, SOURCE, shares)
    assert [destination for destination, _ in result] == list(shares.destinations)
    meter_lines = [line for line in source_lines if line.meter_id == SOURCE]
    for destination, produced in result:
        assert all(line.meter_id == destination.meter_id for line in produced)
        assert all(line.value is None or line.value % USE_QUANTUM == 0 for line in produced)
        assert all(line.cost is None or line.cost % CENT == 0 for line in produced)
    # Line by line: destination k's j-th kept line comes from the j-th source line that had something to split.
    cursors = [0] * len(result)
    for source_line in meter_lines:
        value_parts: list[Decimal | None] = []
        cost_parts: list[Decimal | None] = []
        for k, (_, produced) in enumerate(result):
            keep_value = shares.split_use and source_line.value is not None
            keep_cost = shares.split_cost and source_line.cost is not None
            carried = source_line.value is None and source_line.cost is None
            if not (keep_value or keep_cost or carried):
                continue
            line = produced[cursors[k]]
            cursors[k] += 1
            key = (line.observation_type_id, line.kind, line.caption, line.value_unit_id)
            assert key == (
                source_line.observation_type_id,
                source_line.kind,
                source_line.caption,
                source_line.value_unit_id,
            )
            value_parts.append(line.value)
            cost_parts.append(line.cost)
        if shares.split_use and source_line.value is not None:
            assert total(value_parts) == Fraction(source_line.value)
        else:
            assert all(v is None for v in value_parts)
        if shares.split_cost and source_line.cost is not None:
            assert total(cost_parts) == Fraction(source_line.cost)
        else:
            assert all(c is None for c in cost_parts)
    assert cursors == [len(produced) for _, produced in result]
    assert split_bill(source_lines, SOURCE, shares) == result


@given(st.lists(st.tuples(weights, weights), min_size=1, max_size=8))
def test_floor_area_percentages_total_100(pairs: list[tuple[Decimal, Decimal]]) -> None:
    if sum(a * w for a, w in pairs) == 0:
        pairs[0] = (Decimal(3), Decimal(1))
    shares = [FloorAreaShare(i, i, a, w) for i, (a, w) in enumerate(pairs)]
    percentages = floor_area_percentages(shares)
    assert sum(percentages) == 100
    for percentage, (area, weight) in zip(percentages, pairs, strict=True):
        if area * weight == 0:
            assert percentage == 0


split_details = st.builds(
    SplitDetails,
    version_id=st.integers(1, 10**6),
    fixed_percentage=st.none()
    | st.lists(st.builds(FixedPercentage, st.integers(1, 99), st.integers(1, 99), weights)).map(tuple),
    floor_area=st.none()
    | st.lists(st.builds(FloorAreaSplit, st.integers(1, 99), st.integers(1, 99), weights)).map(tuple),
    dynamic=st.none()
    | st.builds(DynamicSplit, st.integers(1, 99), st.sampled_from(["use", "cost", "useAndCost"]), st.just("use")),
)


@given(split_details, st.integers(1, 10**6))
def test_copy_preserves_every_split_instruction(details: SplitDetails, new_id: int) -> None:
    copied = copy_instructions(details, new_id)
    assert copied.version_id == new_id
    assert (copied.fixed_percentage, copied.floor_area, copied.dynamic) == (
        details.fixed_percentage,
        details.floor_area,
        details.dynamic,
    )
    assert copy_instructions(copied, details.version_id) == details
