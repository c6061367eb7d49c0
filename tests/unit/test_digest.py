"""Digest figures: unit cost, deltas against the prior period and the same period prior year."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apportion.domain.digest import (
    ComparisonFigures,
    MeterTotals,
    PeriodFigures,
    digest_figures,
    digest_period,
    unit_cost,
)
from apportion.domain.errors import ValidationFailed


def test_current_prior_period_and_prior_year() -> None:
    figures = digest_figures(
        202401,
        MeterTotals(Decimal("120"), Decimal("30.00"), 2, 1),
        MeterTotals(Decimal("100"), Decimal("25.00"), 1, 1),
        MeterTotals(Decimal("150.5"), Decimal("40.10"), 1, 0),
    )
    assert figures.current == PeriodFigures(202401, Decimal("120"), Decimal("30.00"), Decimal("0.25"), 2, 1)
    assert figures.prior_period == ComparisonFigures(
        202312, Decimal("100"), Decimal("25.00"), Decimal("20"), Decimal("5.00")
    )
    assert figures.prior_year == ComparisonFigures(
        202301, Decimal("150.5"), Decimal("40.10"), Decimal("-30.5"), Decimal("-10.10")
    )


def test_missing_periods_count_as_no_bills() -> None:
    figures = digest_figures(202403, None, None, MeterTotals(Decimal("10"), Decimal("1.00"), 1, 0))
    assert figures.current == PeriodFigures(202403, Decimal(0), Decimal(0), None, 0, 0)
    assert figures.prior_period == ComparisonFigures(202402, Decimal(0), Decimal(0), Decimal(0), Decimal(0))
    assert figures.prior_year.use_delta == Decimal("-10")
    assert figures.prior_year.cost_delta == Decimal("-1.00")


def test_unit_cost() -> None:
    assert unit_cost(Decimal("10.00"), Decimal("3")) == Decimal("3.33333333")
    assert unit_cost(Decimal("-5.00"), Decimal("2")) == Decimal("-2.5")
    assert unit_cost(Decimal("5.00"), Decimal("0")) is None  # domain.md §7 Q11


def test_digest_period_defaults() -> None:
    assert digest_period(202402, 202312, 202406) == 202402
    assert digest_period(None, 202312, 202406) == 202312
    assert digest_period(None, None, 202406) == 202406
    with pytest.raises(ValidationFailed) as caught:
        digest_period(202413, None, 202406)
    assert "billingPeriod" in caught.value.errors
