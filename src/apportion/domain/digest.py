"""Workflow digest figures for one meter: current period, prior period and same period prior year (§4.8)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal
from functools import cache
from typing import NamedTuple

from apportion.domain import periods

UNIT_COST_QUANTUM = Decimal("0.00000001")

# The records here are named tuples, not frozen dataclasses: a digest of 12,000 meters makes up to seven per meter,
# and a tuple is built in about half the time (both are immutable and compare by value).


class MeterTotals(NamedTuple):
    """A meter's non-void bills in one period: use in the commodity's common unit, cost, bill counts."""

    use: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)
    bill_count: int = 0
    bills_from_step: int = 0


class PeriodFigures(NamedTuple):
    """BillingPeriodUseCostChild: the current period's totals."""

    billing_period: int
    use: Decimal
    cost: Decimal
    unit_cost: Decimal | None
    number_of_bills: int
    number_of_bills_from_step: int


class ComparisonFigures(NamedTuple):
    """BillingPeriodUseCostDeltaChild: a comparison period's totals and delta = current − comparison."""

    billing_period: int
    use: Decimal
    cost: Decimal
    use_delta: Decimal
    cost_delta: Decimal


class DigestFigures(NamedTuple):
    """The three blocks of one digest entry (a meter, or a split destination)."""

    current: PeriodFigures
    prior_period: ComparisonFigures
    prior_year: ComparisonFigures


_NO_BILLS = MeterTotals()

# money.multiply and money.round_half_up's precision, held in one context: a digest computes 12,000 unit costs and
# entering a local context for each was most of their cost.
_EXACT = Context(prec=120, rounding=ROUND_HALF_UP)


def unit_cost(cost: Decimal, use: Decimal) -> Decimal | None:
    """cost / use to 8 places, half-up; None when use is 0 (domain.md §7 Q11: no unit cost without use)."""
    if use == 0:
        return None
    return _EXACT.divide(cost, use).quantize(UNIT_COST_QUANTUM, context=_EXACT)


def digest_figures(
    billing_period: int,
    current: MeterTotals | None,
    prior_period: MeterTotals | None,
    prior_year: MeterTotals | None,
) -> DigestFigures:
    """Figures for period P against P − 1 month and P − 1 year; missing totals count as no bills.

    Example: current use 120, cost 30.00; prior period use 100, cost 25.00 -> unitCost 0.25000000,
    prior-period deltas use +20, cost +5.00 (delta = current − comparison, §7 Q11).
    """
    now = current or _NO_BILLS
    prior, year = _compared(billing_period)
    use, cost = now.use, now.cost
    # The comparisons written out (not a helper per block): this runs once per meter, 12,000 times in a large digest.
    then = prior_period or _NO_BILLS
    before = prior_year or _NO_BILLS
    return DigestFigures(
        PeriodFigures(billing_period, use, cost, unit_cost(cost, use), now.bill_count, now.bills_from_step),
        ComparisonFigures(prior, then.use, then.cost, use - then.use, cost - then.cost),
        ComparisonFigures(year, before.use, before.cost, use - before.use, cost - before.cost),
    )


@cache
def _compared(billing_period: int) -> tuple[int, int]:
    # The same two periods for every meter of a digest.
    return periods.prior(billing_period), periods.same_period_prior_year(billing_period)


def digest_period(requested: int | None, latest_task_period: int | None, current_period: int) -> int:
    """The digest's billing period: as requested, else the step's latest task period, else the current one (§7 Q11)."""
    if requested is not None:
        return periods.check(requested)
    return latest_task_period if latest_task_period is not None else current_period
