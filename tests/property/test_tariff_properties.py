"""Tariff properties (domain/rates.py): block uses add up to the use, block prices never fall as use grows, and a
bill priced by time of use has use lines that add up to its use and cents that add up to its exact price."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from apportion.domain.money import CENT, round_half_up
from apportion.domain.rates import (
    RateTerms,
    Segment,
    TimeOfUsePrice,
    UseBlock,
    block_cost,
    block_uses,
    price,
)

BEGIN = date(2024, 1, 1)
ON_PEAK, OFF_PEAK = 4, 5
costs = st.decimals(min_value=Decimal(0), max_value=Decimal("100"), places=8)
uses = st.decimals(min_value=Decimal(0), max_value=Decimal("10000000"), places=6)
steps = st.lists(st.decimals(min_value=Decimal("0.001"), max_value=Decimal("1000"), places=3), max_size=4)
shares = st.fractions(min_value=Fraction(1, 31), max_value=1).map(lambda f: Decimal(f.numerator) / f.denominator)


def _blocks(step_list: list[Decimal], prices: list[Decimal]) -> list[UseBlock]:
    limits, total = [], Decimal(0)
    for step in step_list:
        total += step
        limits.append(total)
    blocks = [UseBlock(limit, p) for limit, p in zip(limits, prices, strict=False)]
    return [*blocks, UseBlock(None, prices[len(blocks)])]


@given(steps, st.lists(costs, min_size=5, max_size=5), uses, shares)
def test_block_uses_add_up_to_the_use_and_fill_the_blocks_in_order(
    step_list: list[Decimal], prices: list[Decimal], use: Decimal, share: Decimal
) -> None:
    blocks = _blocks(step_list, prices)
    parts = block_uses(use, blocks, share)
    assert len(parts) == len(blocks)
    assert sum(map(Fraction, parts), Fraction(0)) == Fraction(use)
    assert all(part >= 0 for part in parts)
    # A block takes use only once every block before it is full.
    for i in range(1, len(parts)):
        if parts[i] > 0:
            limit = Fraction(blocks[i - 1].up_to) * Fraction(share)  # type: ignore[arg-type]
            assert abs(sum(map(Fraction, parts[:i]), Fraction(0)) - limit) < Fraction(1, 10**40)
    exact = sum((Fraction(u) * Fraction(b.unit_cost) for u, b in zip(parts, blocks, strict=True)), Fraction(0))
    assert Fraction(block_cost(use, blocks, share)) == exact


@given(steps, st.lists(costs, min_size=5, max_size=5), uses, uses, shares)
def test_block_pricing_is_monotone_in_use(
    step_list: list[Decimal], prices: list[Decimal], a: Decimal, b: Decimal, share: Decimal
) -> None:
    blocks = _blocks(step_list, prices)
    low, high = sorted((a, b))
    assert block_cost(low, blocks, share) <= block_cost(high, blocks, share)


@given(
    on=uses,
    off=uses,
    rest=uses,
    on_price=costs,
    off_price=costs,
    rest_price=costs,
    first=st.integers(min_value=1, max_value=20),
    second=st.integers(min_value=0, max_value=20),
)
def test_time_of_use_lines_add_up_to_the_use_and_the_exact_price_in_cents(
    on: Decimal,
    off: Decimal,
    rest: Decimal,
    on_price: Decimal,
    off_price: Decimal,
    rest_price: Decimal,
    first: int,
    second: int,
) -> None:
    tou = (TimeOfUsePrice(ON_PEAK, on_price), TimeOfUsePrice(OFF_PEAK, off_price))
    parts = [Segment(first, RateTerms(1, BEGIN, rest_price, time_of_use=tou))]
    if second:  # a second version, without time-of-use prices: its days price all their use at its unit cost
        parts.append(Segment(second, RateTerms(2, BEGIN, rest_price)))
    use = on + off + rest
    rated = price(parts, {None: use}, None, None, {None: {ON_PEAK: on, OFF_PEAK: off}})
    lines = rated.use_lines
    assert lines[0].observation_type_id is None
    assert lines[0].use == use  # the use line carries the whole use; the time-of-use lines are its parts
    assert sum((line.use for line in lines[1:]), Decimal(0)) == on + off
    assert sum((line.cost for line in lines), Decimal(0)) == rated.use_cost
    assert all(line.cost == line.cost.quantize(CENT) for line in lines)
    days = first + second
    exact = (
        Fraction(on) * Fraction(on_price) * first / days
        + Fraction(off) * Fraction(off_price) * first / days
        + Fraction(rest) * Fraction(rest_price) * first / days
        + Fraction(use) * Fraction(rest_price) * second / days
    )
    exact_decimal = Decimal(exact.numerator) / Decimal(exact.denominator)
    assert abs(Fraction(rated.use_cost) - exact) <= Fraction(1, 200)
    assert rated.use_cost == round_half_up(exact_decimal, CENT) or abs(Fraction(rated.use_cost) - exact) == Fraction(
        1, 200
    )
