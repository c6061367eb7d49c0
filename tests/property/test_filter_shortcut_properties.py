"""Date shortcut properties (domain/filters.py): month ranges are well formed for any day and fiscal year start."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from apportion.domain import periods
from apportion.domain.filters import MONTH_SHORTCUTS, DateShortcut, FilterDay, shortcut_periods, shortcut_times

days = st.builds(FilterDay.of, st.dates(date(1950, 1, 1), date(2900, 12, 31)), st.integers(1, 12))


def _months(first: int, last: int) -> int:
    return (last // 100 - first // 100) * 12 + last % 100 - first % 100 + 1


@given(days)
def test_month_shortcuts_name_valid_periods_around_today(today: FilterDay) -> None:
    this = periods.of_date(today)
    for op in MONTH_SHORTCUTS:
        bounds = shortcut_periods(op, today)
        assert bounds is not None
        first, last = bounds
        assert periods.is_valid(first)
        assert periods.is_valid(last)
        assert last <= this
        low, high = shortcut_times(op, today)
        assert low <= high or first > last
    first, last = shortcut_periods(DateShortcut.PRIOR_FISCAL_YEAR, today) or (0, 0)
    assert _months(first, last) == 12
    assert first % 100 == today.fiscal_year_start_month
    fiscal_first, fiscal_last = shortcut_periods(DateShortcut.FISCAL_YEAR_TO_DATE_WITH_CURRENT, today) or (0, 0)
    assert fiscal_first == periods.following(last)  # this fiscal year starts where the prior one ended
    assert fiscal_last == this
    assert 1 <= _months(fiscal_first, fiscal_last) <= 12
    with_current = shortcut_periods(DateShortcut.PRIOR_12_MONTHS_WITH_CURRENT, today)
    to_prior = shortcut_periods(DateShortcut.PRIOR_12_MONTHS_TO_PRIOR, today)
    assert with_current is not None
    assert to_prior is not None
    assert _months(*with_current) == _months(*to_prior) == 12
    assert with_current[1] == this
    assert to_prior[1] == periods.prior(this)


@given(days)
def test_day_shortcuts_end_today(today: FilterDay) -> None:
    for op in set(DateShortcut) - MONTH_SHORTCUTS:
        assert shortcut_periods(op, today) is None
        low, high = shortcut_times(op, today)
        assert low.date() <= today
        assert high.date() <= today
