"""Splitting one source bill: account charges, several meters, occupancy, conservation (domain/source_split.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from apportion.domain.bills import LineDraft, LineShare, meter_totals, meter_totals_of
from apportion.domain.money import Allocation, IndependentPercentages
from apportion.domain.occupancy import Link, Occupancy, occupancy
from apportion.domain.source_split import Left, MeterSplit, left_whole, split_source_bill
from apportion.domain.splits import (
    DynamicShare,
    DynamicSplit,
    FixedPercentage,
    FloorAreaShare,
    dynamic_shares,
    fixed_percentage_shares,
    floor_area_shares,
)
from apportion.domain.units import UnitTable

D = Decimal
MARCH = (date(2024, 3, 1), date(2024, 4, 1))
ALWAYS = (date(2000, 1, 1), date(2100, 1, 1))
SOURCE_METER = 5
USE, TAX = 1, 8


def use_line(cost: str, value: str = "100", meter: int = SOURCE_METER, line_id: int = 11) -> LineDraft:
    return LineDraft(USE, "use", meter, "Use", D(value), 1, D(cost), line_id)


def tax(cost: str, line_id: int = 12) -> LineDraft:
    return LineDraft(TAX, "cost", None, "Tax", None, None, D(cost), line_id)


def whole_month(*accounts: int) -> tuple[tuple[Occupancy, ...], ...]:
    return tuple(occupancy([Link(a, *ALWAYS)], a, *MARCH) for a in accounts)


def fixed(meter: int, *shares: tuple[int, int, str], version: int = 1) -> MeterSplit:
    percentages = fixed_percentage_shares([FixedPercentage(a, m, D(p)) for a, m, p in shares])
    return MeterSplit(version, meter, percentages, whole_month(*(a for a, _, _ in shares)))


def test_account_charges_follow_a_fixed_split_and_the_destinations_sum_to_the_source() -> None:
    result = split_source_bill(
        [use_line("100.00"), tax("20.00")], {SOURCE_METER: fixed(SOURCE_METER, (7, 70, "50"), (8, 80, "50"))}
    )
    assert [sum(line.cost or 0 for line in bill.lines) for bill in result.destinations] == [D("60.00"), D("60.00")]
    assert [line.meter_id for line in result.destinations[0].lines] == [70, None]  # the tax stays an account line
    record = result.conservation
    assert (record.source_amount, record.allocated, record.left_total, record.rounding) == (D("120"), D("120"), 0, 0)
    first = result.destinations[0].lines[0]
    assert first.source_line_id == 11
    assert first.share == LineShare("fixed percentage 50 %", "0.5", D("0.00"))


def test_a_dynamic_split_leaves_account_charges_on_the_source() -> None:
    shares = dynamic_shares(DynamicSplit(3, "cost", "use"), [DynamicShare(7, 70, D("1")), DynamicShare(8, 80, D("3"))])
    split = MeterSplit(1, SOURCE_METER, shares, whole_month(7, 8))
    result = split_source_bill([use_line("100.00"), tax("20.00")], {SOURCE_METER: split})
    assert [bill.lines[0].cost for bill in result.destinations] == [D("25.00"), D("75.00")]
    assert [bill.lines[0].value for bill in result.destinations] == [None, None]  # use is not split
    assert result.conservation.left == {Left.ACCOUNT_CHARGES: D("20.00")}


def test_meters_no_version_splits_keep_their_lines_and_their_part_of_the_account_charges() -> None:
    lines = [use_line("100.00"), use_line("50.00", meter=6, line_id=13), tax("10.01")]
    result = split_source_bill(lines, {SOURCE_METER: fixed(SOURCE_METER, (7, 70, "100"))})
    (bill,) = result.destinations
    assert [line.cost for line in bill.lines] == [D("100.00"), D("5.01")]  # the first meter takes the odd cent
    assert result.conservation.left == {Left.UNSPLIT_METERS: D("55.00")}


def test_percentages_under_100_leave_the_rest_on_the_source() -> None:
    result = split_source_bill([use_line("100.01")], {SOURCE_METER: fixed(SOURCE_METER, (7, 70, "60"), (8, 80, "30"))})
    assert [bill.lines[0].cost for bill in result.destinations] == [D("60.01"), D("30.00")]
    assert result.conservation.left == {Left.PERCENTAGES: D("10.00")}
    assert result.conservation.balanced


def test_floor_area_shares_record_their_basis() -> None:
    shares = floor_area_shares([FloorAreaShare(7, 70, D("1000"), D("1")), FloorAreaShare(8, 80, D("2000"), D("1"))])
    result = split_source_bill(
        [use_line("100.00")], {SOURCE_METER: MeterSplit(1, SOURCE_METER, shares, whole_month(7, 8))}
    )
    first, second = (bill.lines[0] for bill in result.destinations)
    assert (first.cost, second.cost) == (D("33.33"), D("66.67"))  # the larger remainder takes the cent
    assert first.share == LineShare("floor area 1000 sq ft x weight 1 of 3000", "0.333333333333", D("0.00"))
    assert second.share == LineShare("floor area 2000 sq ft x weight 1 of 3000", "0.666666666667", D("0.01"))
    assert result.conservation.rounding == D("0.01")


def test_occupancy_prorates_by_days_and_leaves_vacancy() -> None:
    links = [Link(7, date(2000, 1, 1), date(2024, 3, 11)), Link(9, date(2024, 3, 21), date(2100, 1, 1))]
    stays = occupancy(links, 7, *MARCH)
    assert stays == (
        Occupancy(7, date(2024, 3, 1), date(2024, 3, 11), 10),
        Occupancy(None, date(2024, 3, 11), date(2024, 3, 21), 10),
        Occupancy(9, date(2024, 3, 21), date(2024, 4, 1), 11),
    )
    shares = fixed_percentage_shares([FixedPercentage(7, 70, D("100"))])
    result = split_source_bill(
        [use_line("310.00", "3100")], {SOURCE_METER: MeterSplit(1, SOURCE_METER, shares, (stays,))}
    )
    assert [
        (b.account_id, b.begin_date, b.end_date, b.lines[0].cost, b.lines[0].value) for b in result.destinations
    ] == [
        (7, date(2024, 3, 1), date(2024, 3, 11), D("100.00"), D("1000.000000")),
        (9, date(2024, 3, 21), date(2024, 4, 1), D("110.00"), D("1100.000000")),
    ]
    assert result.conservation.left == {Left.VACANCY: D("100.00")}
    share = result.destinations[0].lines[0].share
    assert share is not None
    assert share.basis == "fixed percentage 100 %; 10 of 31 days"


def test_a_whole_period_link_gives_the_plain_split() -> None:
    assert occupancy([Link(7, *ALWAYS)], 7, *MARCH) == (Occupancy(7, *MARCH, 31),)
    assert occupancy([Link(8, *ALWAYS)], 7, *MARCH) == (Occupancy(8, *MARCH, 31),)  # the meter's other tenant
    assert occupancy([], 7, *MARCH) == (Occupancy(None, *MARCH, 31),)
    one_day = occupancy([Link(7, *ALWAYS)], 7, date(2024, 3, 5), date(2024, 3, 5))
    assert one_day == (Occupancy(7, date(2024, 3, 5), date(2024, 3, 5), 1),)


def test_a_bill_left_whole_records_why() -> None:
    record = left_whole([use_line("10.00"), tax("1.00")], Left.FAILED_VERSIONS)
    assert (record.source_amount, record.allocated, dict(record.left)) == (
        D("11.00"),
        0,
        {Left.FAILED_VERSIONS: D("11.00")},
    )


def test_time_of_use_lines_are_parts_of_the_total_use() -> None:
    units = UnitTable({1: (1, D(1)), 2: (1, D(1000))}, {1: 1}, {})
    lines = [
        LineDraft(1, "use", 5, None, D("7.5"), 2, D("10")),
        LineDraft(4, "use", 5, None, D("4000"), 1),
        LineDraft(5, "use", 5, None, D("3500"), 1),
        LineDraft(4, "use", 6, None, D("4000"), 1),
        LineDraft(5, "use", 6, None, D("3500"), 1),
    ]
    totals = meter_totals(lines, units.to_common, {5: 1, 6: 1})
    assert (totals[5].use, totals[6].use) == (D("7500.000000"), D("7500"))
    # Many bills at once (the writer's form): the same totals, as (bill's position, meter, use, cost, demand) rows.
    bills = [lines, [], [LineDraft(3, "cost", 6, None, None, None, D("2.50")), tax("1.00")]]
    assert meter_totals_of(bills, units.to_common, {5: 1, 6: 1}) == [
        (0, 5, D("7500.000000"), D("10"), None),
        (0, 6, D("7500"), D(0), None),
        (2, 6, None, D("2.50"), None),
    ]


def test_units_convert_between_commodities_of_one_kind_only() -> None:
    units = UnitTable({1: (1, D(1)), 3: (1, D("29.3071")), 11: (2, D(1000))}, {1: 1, 2: 3, 3: 11}, {})
    assert units.between_commodities(D("8317.6"), 2, 1) == D("243764.734960")
    assert units.between_commodities(D("5"), 3, 1) is None
    assert units.measures(3, 1)
    assert not units.measures(11, 1)


@pytest.mark.parametrize(
    ("parts", "amount", "expected"),
    [
        (
            Allocation([D(1), D(1), D(1)], D("0.01")),
            D("100.00"),
            ([D("33.34"), D("33.33"), D("33.33")], [D("0.01"), 0, 0]),
        ),
        (IndependentPercentages([D(60), D(30)], D("0.01")), D("100.01"), ([D("60.01"), D("30.00")], [D("0.01"), 0])),
    ],
)
def test_rounding_reports_what_the_rule_moved(parts: object, amount: Decimal, expected: object) -> None:
    assert parts.with_rounding(amount) == expected  # type: ignore[attr-defined]
