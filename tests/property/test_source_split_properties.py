"""Properties of splitting a whole source bill: nothing is lost or made up, and nobody pays for days they were not
linked (domain/source_split.py, domain/occupancy.py)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from apportion.domain.bills import LineDraft
from apportion.domain.occupancy import Link, occupancy
from apportion.domain.source_split import MeterSplit, split_source_bill
from apportion.domain.splits import FixedPercentage, FloorAreaShare, fixed_percentage_shares, floor_area_shares

BEGIN = date(2024, 3, 1)
cents = st.integers(min_value=-(10**9), max_value=10**9).map(lambda c: Decimal(c).scaleb(-2))
uses = st.integers(min_value=0, max_value=10**12).map(lambda u: Decimal(u).scaleb(-6))


@st.composite
def links(draw: st.DrawFn, account: int) -> list[Link]:
    """Up to three links of the destination meter: the configured account's and others', maybe with gaps."""
    found = []
    for owner in draw(st.lists(st.sampled_from([account, account + 100, account + 200]), max_size=3)):
        start = BEGIN + timedelta(days=draw(st.integers(-40, 40)))
        found.append(Link(owner, start, start + timedelta(days=draw(st.integers(1, 60)))))
    return found


@st.composite
def bills(draw: st.DrawFn) -> tuple[list[LineDraft], date, dict[int, MeterSplit], bool]:
    """A source bill of 1-3 meters with account lines, a split for some meters, and the links of every destination.

    The flag says whether every meter is split, by 100 % or by weights, with whole-period links: then nothing may
    be left on the source.
    """
    days = draw(st.integers(0, 45))
    end = BEGIN + timedelta(days=days)
    meters = list(range(1, draw(st.integers(1, 3)) + 1))
    lines = [
        LineDraft(1, "use", m, None, draw(uses), 1, draw(cents), 100 * m + i)
        for m in meters
        for i in range(draw(st.integers(1, 3)))
    ]
    lines += [
        LineDraft(8, "cost", None, "Tax", None, None, draw(cents), 900 + i) for i in range(draw(st.integers(0, 2)))
    ]
    simple = True
    splits: dict[int, MeterSplit] = {}
    for meter in meters:
        if not draw(st.booleans()) and meter != 1:
            simple = False
            continue
        count = draw(st.integers(1, 4))
        accounts = [10 * meter + k for k in range(count)]
        whole = draw(st.booleans())
        stays = []
        for account in accounts:
            found = (
                [Link(account, BEGIN - timedelta(days=400), end + timedelta(days=400))]
                if whole
                else draw(links(account))
            )
            stays.append(occupancy(found, account, BEGIN, end))
        simple = simple and whole
        if draw(st.booleans()):
            weights = draw(st.lists(st.integers(1, 10**6), min_size=count, max_size=count))
            percentages = [Decimal(w) for w in weights]
            if draw(st.booleans()):
                total = sum(weights)
                percentages = [Decimal(w * 100) / Decimal(total) for w in weights]
                percentages = [p.quantize(Decimal("0.00000001")) for p in percentages]
                percentages[-1] = Decimal(100) - sum(percentages[:-1], Decimal(0))
                if percentages[-1] <= 0:
                    percentages = [Decimal(100)] + [Decimal(0)] * (count - 1)
                    percentages = [p if p > 0 else Decimal("0.00000001") for p in percentages]
                    percentages[0] = Decimal(100) - sum(percentages[1:], Decimal(0))
            else:
                simple = False
            shares = fixed_percentage_shares(
                [FixedPercentage(a, 100 + i, p) for i, (a, p) in enumerate(zip(accounts, percentages, strict=True))]
            )
        else:
            areas = draw(st.lists(st.integers(1, 10**5), min_size=count, max_size=count))
            shares = floor_area_shares(
                [
                    FloorAreaShare(a, 100 + i, Decimal(x), Decimal(1))
                    for i, (a, x) in enumerate(zip(accounts, areas, strict=True))
                ]
            )
        splits[meter] = MeterSplit(meter, meter, shares, tuple(stays))
    return lines, end, splits, simple


@settings(max_examples=400, deadline=None)
@given(bills())
def test_a_split_conserves_the_source_to_the_cent(
    case: tuple[list[LineDraft], date, dict[int, MeterSplit], bool],
) -> None:
    lines, _, splits, simple = case
    result = split_source_bill(lines, splits)
    record = result.conservation
    allocated = sum((line.cost or Decimal(0) for bill in result.destinations for line in bill.lines), Decimal(0))
    assert record.allocated == allocated
    assert record.source_amount == sum((line.cost or 0 for line in lines), Decimal(0))
    assert record.source_amount == record.allocated + record.left_total
    if simple and all(s.shares.as_percentages is False or sum(s.shares.shares) == 100 for s in splits.values()):
        assert record.left_total == 0
        assert allocated == record.source_amount


@settings(max_examples=300, deadline=None)
@given(bills())
def test_nobody_is_charged_for_days_outside_their_link(
    case: tuple[list[LineDraft], date, dict[int, MeterSplit], bool],
) -> None:
    lines, _, splits, _ = case
    result = split_source_bill(lines, splits)
    for bill in result.destinations:
        split = splits[bill.version_id]
        index = [d.meter_id for d in split.shares.destinations].index(bill.meter_id)
        stay = next(s for s in split.occupancy[index] if s.account_id == bill.account_id and s.begin == bill.begin_date)
        assert stay.end == bill.end_date
        # Every day of the bill is one the account occupied the meter (a one-day bill covers its first day).
        last = bill.end_date if bill.end_date > bill.begin_date else bill.begin_date + timedelta(days=1)
        day = bill.begin_date
        while day < last:
            owners = {
                s.account_id for s in split.occupancy[index] if s.begin <= day < max(s.end, s.begin + timedelta(days=1))
            }
            assert bill.account_id in owners
            day += timedelta(days=1)
