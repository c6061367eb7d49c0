"""Properties of the digest figures (domain.md §4.8, §7 Q11): deltas, unit cost rounding, bill counts."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from apportion.domain import periods
from apportion.domain.digest import UNIT_COST_QUANTUM, MeterTotals, digest_figures, unit_cost
from apportion.domain.money import multiply, round_half_up

costs = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False)
uses = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=6, allow_nan=False)
counts = st.integers(min_value=0, max_value=1000)
billing_periods = st.integers(min_value=190101, max_value=300001).filter(periods.is_valid)


@st.composite
def totals(draw: st.DrawFn) -> MeterTotals | None:
    if draw(st.booleans()):
        return None
    bills = draw(counts)
    return MeterTotals(draw(uses), draw(costs), bills, draw(st.integers(min_value=0, max_value=bills)))


@given(billing_periods, totals(), totals(), totals())
def test_comparison_plus_delta_is_the_current_figure(
    period: int, current: MeterTotals | None, prior: MeterTotals | None, prior_year: MeterTotals | None
) -> None:
    figures = digest_figures(period, current, prior, prior_year)
    now = current or MeterTotals()
    assert figures.current.billing_period == period
    assert (figures.current.use, figures.current.cost) == (now.use, now.cost)
    assert (figures.current.number_of_bills, figures.current.number_of_bills_from_step) == (
        now.bill_count,
        now.bills_from_step,
    )
    assert figures.prior_period.billing_period == periods.prior(period)
    assert figures.prior_year.billing_period == periods.same_period_prior_year(period)
    for block, other in ((figures.prior_period, prior), (figures.prior_year, prior_year)):
        then = other or MeterTotals()
        assert (block.use, block.cost) == (then.use, then.cost)
        assert block.use + block.use_delta == now.use
        assert block.cost + block.cost_delta == now.cost


@given(costs, uses)
def test_unit_cost_is_the_exact_quotient_rounded_half_up_to_8_places(cost: Decimal, use: Decimal) -> None:
    result = unit_cost(cost, use)
    if use == 0:
        assert result is None
        return
    assert result is not None
    assert result == round_half_up(multiply(cost, Decimal(1), use), UNIT_COST_QUANTUM)
    assert result.as_tuple().exponent == -8
    # Within half a quantum of the exact quotient: |result × use − cost| ≤ |use| × 0.000000005.
    assert abs(multiply(result, use) - cost) <= abs(use) * UNIT_COST_QUANTUM / 2
