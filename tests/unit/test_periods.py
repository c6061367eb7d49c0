"""Billing periods: validity, arithmetic and overlap."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apportion.domain import periods
from apportion.domain.errors import ValidationFailed

valid_periods = st.builds(lambda y, m: y * 100 + m, st.integers(1900, 2999), st.integers(1, 12))


@pytest.mark.parametrize("period", [190001, 202401, 202412, 300001])
def test_valid(period: int) -> None:
    assert periods.check(period) == period


@pytest.mark.parametrize("period", [189912, 202400, 202413, 300002, 0, -202401])
def test_invalid_names_the_field(period: int) -> None:
    with pytest.raises(ValidationFailed) as caught:
        periods.check(period, "beginPeriod")
    assert "beginPeriod" in caught.value.errors


def test_arithmetic() -> None:
    assert periods.prior(202401) == 202312
    assert periods.following(202312) == 202401
    assert periods.same_period_prior_year(202403) == 202303
    assert list(periods.span(202311, 202402)) == [202311, 202312, 202401, 202402]
    assert periods.end_date(202412) == date(2025, 1, 1)
    assert periods.of_date(date(2024, 2, 29)) == 202402


@given(valid_periods, st.integers(-600, 600))
def test_add_months_round_trips(period: int, months: int) -> None:
    shifted = periods.add_months(period, months)
    assert 1 <= shifted % 100 <= 12
    assert periods.add_months(shifted, -months) == period


@given(valid_periods, valid_periods, st.none() | valid_periods, st.none() | valid_periods)
def test_overlap_matches_brute_force(b1: int, b2: int, e1: int | None, e2: int | None) -> None:
    far = 300001
    months_a = {p for p in range(b1, (e1 or far) + 1) if periods.is_valid(p)} if (e1 or far) >= b1 else set()
    months_b = {p for p in range(b2, (e2 or far) + 1) if periods.is_valid(p)} if (e2 or far) >= b2 else set()
    if not months_a or not months_b:
        return
    assert periods.overlaps(b1, e1, b2, e2) == bool(months_a & months_b)
