"""Properties of the demo campus bill figures: exact cents, use within the seasonal band, repeatable per seed."""

from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from apportion.domain.demo_campus import HOURS_AT_PEAK, TARIFFS, VARIATION, Tariff, bill_lines, cents
from apportion.services.demo import campus

tariffs = st.sampled_from(TARIFFS)
areas = st.integers(min_value=1, max_value=2_000_000)
months = st.integers(min_value=1900 * 12, max_value=2999 * 12 + 11).map(lambda i: (i // 12) * 100 + i % 12 + 1)
seeds = st.integers(min_value=0, max_value=2**32)


@given(tariffs, areas, months, seeds)
def test_lines_are_exact_and_consistent(tariff: Tariff, area: int, period: int, seed: int) -> None:
    use_line, second, customer = bill_lines(tariff, 1, area, period, random.Random(seed))
    use = use_line.value
    assert use is not None
    assert use == use.quantize(tariff.use_quantum)
    # Every charge is whole cents, rounded half-up from its exact product.
    assert use_line.cost == cents(use * tariff.use_price)
    assert customer.cost == tariff.customer_charge
    if tariff.demand_price is not None:
        assert second.value == (use / HOURS_AT_PEAK).quantize(Decimal("0.1"))
        assert second.cost == cents(second.value * tariff.demand_price)
    else:
        assert second.value is None
        assert second.cost == cents(use * tariff.other_price)
    for line in (use_line, second, customer):
        assert line.cost is not None
        assert line.cost >= 0
        assert line.cost == line.cost.quantize(Decimal("0.01"))


@given(tariffs, areas, months, seeds)
def test_use_stays_in_the_seasonal_band(tariff: Tariff, area: int, period: int, seed: int) -> None:
    (use_line, _second, _customer) = bill_lines(tariff, 1, area, period, random.Random(seed))
    expected = Decimal(area) * tariff.annual_use_per_area / 12 * tariff.seasons[period % 100 - 1]
    band = expected * VARIATION / 1000 + tariff.use_quantum / 2
    assert use_line.value is not None
    assert abs(use_line.value - expected) <= band


@given(tariffs, areas, months, seeds)
def test_the_same_seed_gives_the_same_bill(tariff: Tariff, area: int, period: int, seed: int) -> None:
    assert bill_lines(tariff, 1, area, period, random.Random(seed)) == bill_lines(
        tariff, 1, area, period, random.Random(seed)
    )


@given(st.integers(min_value=1, max_value=400), seeds)
def test_buildings_hold_every_master_meter_three_to_a_building(meters: int, seed: int) -> None:
    buildings = campus.plan_buildings(meters, seed)
    assert sum(len(b.tariffs) for b in buildings) == meters
    assert all(len(b.tariffs) == 3 for b in buildings[:-1])
    assert len({b.code for b in buildings}) == len(buildings)
    assert len({b.name for b in buildings}) == len(buildings)
    assert all(len(b.name) <= 50 for b in buildings)
