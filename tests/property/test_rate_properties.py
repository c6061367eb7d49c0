"""Rate pricing properties (domain/rates.py): every day of a bill priced once, costs exact to the cent."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from apportion.domain.money import CENT, round_half_up
from apportion.domain.rates import (
    LinkRates,
    RateStart,
    RateTerms,
    Segment,
    UseBlock,
    block_cost,
    price,
    segments,
    split_exact,
)

BEGIN = date(2024, 1, 1)
amounts = st.decimals(min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=6)
costs = st.decimals(min_value=Decimal(0), max_value=Decimal("100"), places=8)
uses = st.decimals(min_value=Decimal(0), max_value=Decimal("10000000"), places=6)


@given(st.lists(amounts, min_size=1, max_size=6))
def test_split_parts_sum_to_the_rounded_total_within_a_cent_each(exact: list[Decimal]) -> None:
    parts = split_exact(exact)
    assert sum(parts, Decimal(0)) == round_half_up(sum(exact, Decimal(0)), CENT)
    for part, figure in zip(parts, exact, strict=True):
        assert part == part.quantize(CENT)
        assert abs(part - figure) < CENT * 2


@given(
    st.lists(st.integers(min_value=1, max_value=400), min_size=1, max_size=5, unique=True),
    st.integers(min_value=0, max_value=200),
    st.integers(min_value=1, max_value=120),
)
def test_every_day_of_a_bill_is_priced_by_exactly_one_version(offsets: list[int], start: int, length: int) -> None:
    effective = [BEGIN, *(BEGIN + timedelta(days=o) for o in offsets)]
    versions = {1: tuple(RateTerms(i, day, Decimal(i)) for i, day in enumerate(effective))}
    link = LinkRates(date(2000, 1, 1), date(3000, 1, 1), (RateStart(1, date(2000, 1, 1)),))
    bill_begin = BEGIN + timedelta(days=start)
    parts = segments([link], versions, bill_begin, bill_begin + timedelta(days=length))
    assert sum(p.days for p in parts) == length
    assert all(p.days > 0 for p in parts)
    # Each day's version is the latest one in effect that day.
    day = bill_begin
    for part in parts:
        for _ in range(part.days):
            assert part.terms.effective == max(e for e in effective if e <= day)
            day += timedelta(days=1)


@given(uses, costs, st.integers(min_value=1, max_value=30), st.integers(min_value=1, max_value=30))
def test_splitting_a_version_in_two_does_not_change_the_use_cost(
    use: Decimal, unit_cost: Decimal, first: int, second: int
) -> None:
    terms = RateTerms(1, BEGIN, unit_cost)
    whole = price([Segment(first + second, terms)], {None: use}, None)
    halves = price([Segment(first, terms), Segment(second, RateTerms(2, BEGIN, unit_cost))], {None: use}, None)
    assert whole.use_cost == halves.use_cost == round_half_up(use * unit_cost, CENT)


@given(uses, costs, costs, st.integers(min_value=1, max_value=30), st.integers(min_value=1, max_value=30))
def test_a_bill_over_two_versions_costs_its_exact_day_weighted_price_rounded_once(
    use: Decimal, old: Decimal, new: Decimal, first: int, second: int
) -> None:
    parts = [Segment(first, RateTerms(1, BEGIN, old)), Segment(second, RateTerms(2, BEGIN, new))]
    rated = price(parts, {None: use}, None)
    exact = Fraction(use) * (Fraction(old) * first + Fraction(new) * second) / (first + second)
    assert abs(Fraction(rated.use_cost) - exact) <= Fraction(1, 200)


@given(
    st.lists(st.decimals(min_value=Decimal("0.001"), max_value=Decimal("1000"), places=3), max_size=4),
    st.lists(costs, min_size=5, max_size=5),
    uses,
    uses,
)
def test_block_prices_rise_with_use(steps: list[Decimal], prices: list[Decimal], a: Decimal, b: Decimal) -> None:
    limits, total = [], Decimal(0)
    for step in steps:
        total += step
        limits.append(total)
    blocks = [UseBlock(limit, price) for limit, price in zip(limits, prices, strict=False)]
    blocks.append(UseBlock(None, prices[len(blocks)]))
    low, high = sorted((a, b))
    assert block_cost(low, blocks) <= block_cost(high, blocks)
    assert block_cost(high, [UseBlock(None, prices[0])]) == high * prices[0]
