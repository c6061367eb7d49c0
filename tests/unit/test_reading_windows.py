"""Reading windows of a monthly channel (domain/channel_readings.py, domain.md §4.4)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from apportion.domain.channel_readings import (
    Reading,
    ReadingWindow,
    is_monthly,
    reading_day,
    reading_windows,
    window_peak,
    window_range,
)

D = Decimal


def test_the_range_runs_to_the_sixteenth_of_the_next_month() -> None:
    assert window_range(202412) == (datetime(2024, 12, 1), datetime(2025, 1, 16))
    assert is_monthly(43200)
    assert not is_monthly(15)


def test_windows_open_on_the_previous_reading_or_a_month_back() -> None:
    readings = [
        Reading(datetime(2023, 10, 1, 8), D(1)),  # more than 120 days before the next: it opens nothing
        Reading(datetime(2024, 3, 14, 10), D(100)),
        Reading(datetime(2024, 3, 31, 23), D(5)),  # after noon: closes on 1 April, with the next one
        Reading(datetime(2024, 4, 1, 0), D(7)),
        Reading(datetime(2024, 4, 20, 9), D(9)),  # after the 16th: next period's
    ]
    windows = reading_windows(readings, 202403, set(), D(2))
    assert windows == [
        ReadingWindow(date(2024, 2, 14), date(2024, 3, 14), D(200), None),
        ReadingWindow(date(2024, 3, 14), date(2024, 4, 1), D(24), None),
    ]
    assert reading_windows(readings, 202403, {date(2024, 3, 14)}) == [
        ReadingWindow(date(2024, 3, 14), date(2024, 4, 1), D(12), None)
    ]
    assert reading_windows(readings[:1], 202403, set()) == []


def test_a_windows_peak_runs_from_noon_to_noon() -> None:
    demand = [Reading(datetime(2024, 3, 1, 12), D(99)), Reading(datetime(2024, 3, 1, 12, 1), D(5))]
    demand += [Reading(datetime(2024, 3, 31, 12), D(8)), Reading(datetime(2024, 3, 31, 12, 1), D(77))]
    assert window_peak(demand, date(2024, 3, 1), date(2024, 3, 31)) == D(8)
    assert window_peak(demand, date(2024, 3, 1), date(2024, 3, 31), D(-1)) == D(-5)
    assert window_peak(demand, date(2024, 5, 1), date(2024, 5, 31)) is None


moments = st.datetimes(min_value=datetime(2023, 12, 1), max_value=datetime(2024, 5, 31))


@given(st.lists(moments, max_size=12, unique=True), st.sets(st.dates(date(2024, 3, 1), date(2024, 4, 17))))
def test_every_reading_day_in_range_is_billed_once_in_order(times: list[datetime], billed: set[date]) -> None:
    readings = [Reading(t, D(1)) for t in times]
    windows = reading_windows(readings, 202403, billed)
    low, high = window_range(202403)
    days = {reading_day(t) for t in times if low < t <= high}
    assert [w.end for w in windows] == sorted(days - billed)
    for window in windows:
        assert window.begin < window.end
        assert window.end - window.begin <= timedelta(days=121)
    assert sum((w.use for w in windows), D(0)) == sum(
        (D(1) for t in times if low < t <= high and reading_day(t) not in billed), D(0)
    )
