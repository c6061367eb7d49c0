"""Channel readings as a calculated bill reads them: use summed, demand the largest, times the channel multiplier;
a monthly channel's readings each close a bill (reading windows)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from apportion.domain import periods
from apportion.domain.money import multiply


class ChannelTotals(NamedTuple):
    """A channel's readings over a period: its multiplier (None = 1), their exact sum, largest and smallest."""

    channel_id: int
    multiplier: Decimal | None
    total: Decimal | None
    largest: Decimal | None
    smallest: Decimal | None


def channel_figure(totals: ChannelTotals, *, use: bool) -> Decimal | None:
    """The channel's use (readings summed) or demand (largest reading), times its multiplier; None without readings.

    The multiplier applies to every reading, so Σ(value x m) = m x Σ value and max(value x m) = m x max value, or
    m x min value when m is negative.
    """
    if totals.total is None:
        return None
    factor = totals.multiplier if totals.multiplier is not None else Decimal(1)
    extreme = totals.largest if factor >= 0 else totals.smallest
    reading = totals.total if use else (extreme or Decimal(0))
    return multiply(reading, factor)


# Reading windows (domain.md §4.4 "Channel-reading bills"): a monthly channel's readings each close a bill.
MONTHLY_INTERVAL_MINUTES = 43200  # a channel read once a month (or less often); shorter intervals are rolled up
LOOK_BACK = timedelta(days=120)  # how far back the reading that opens a window may be
NOON = time(12, 0)


class Reading(NamedTuple):
    """One reading of a channel: when, and its value (before the channel's multiplier)."""

    time: datetime
    value: Decimal


@dataclass(frozen=True)
class ReadingWindow:
    """A bill's worth of a monthly channel: the days [begin, end), its use and the peak demand in it."""

    begin: date
    end: date
    use: Decimal
    demand: Decimal | None


def is_monthly(interval_minutes: int) -> bool:
    """Whether a channel's readings each close a bill (monthly or longer), rather than rolling up by month."""
    return interval_minutes >= MONTHLY_INTERVAL_MINUTES


def reading_day(moment: datetime) -> date:
    """The day a reading closes a bill on: its date, or the next day when it was taken after noon (EnergyCAP 7.13).

    >>> reading_day(datetime(2024, 3, 15, 12, 0)), reading_day(datetime(2024, 3, 15, 12, 1))
    (datetime.date(2024, 3, 15), datetime.date(2024, 3, 16))
    """
    return moment.date() + timedelta(days=1) if moment.time() > NOON else moment.date()


def window_range(period: int) -> tuple[datetime, datetime]:
    """The readings a period's run turns into bills: taken after the period's first day 00:00, up to and including
    the 16th of the next month 00:00 (so a reading early in the next month is billed in this period)."""
    first = periods.first_day(period)
    following = periods.first_day(periods.following(period))
    return datetime.combine(first, time()), datetime.combine(following.replace(day=16), time())


def reading_windows(
    readings: Sequence[Reading],
    period: int,
    billed_ends: Collection[date],
    multiplier: Decimal | None = None,
    demand: Sequence[Reading] | None = None,
    demand_multiplier: Decimal | None = None,
) -> list[ReadingWindow]:
    """The bills a period's run makes from a monthly channel (domain.md §4.4), oldest first.

    - Every reading in `window_range(period)` closes a window ending on its `reading_day`; readings sharing a day
      close one window (their values added). A day in `billed_ends` (a live bill of the version already ends on
      it, made by another period's run) is skipped: a reading is billed once.
    - The window begins on the day of the reading before it, when that one is at most 120 days earlier; otherwise
      one month before its end.
    - Use is the closing readings' values x the multiplier. Demand, with `demand` readings given, is the largest
      demand reading taken after noon of the first day up to noon of the last day (x its multiplier, the smallest
      for a negative one); None when there is none.

    `readings` may include readings before the range (they open windows); any order.
    """
    low, high = window_range(period)
    ordered = sorted(readings, key=lambda r: r.time)
    factor = multiplier if multiplier is not None else Decimal(1)
    closing: dict[date, list[Reading]] = {}
    for reading in ordered:
        if low < reading.time <= high:
            closing.setdefault(reading_day(reading.time), []).append(reading)
    windows: list[ReadingWindow] = []
    for end, closers in sorted(closing.items()):
        if end in billed_ends:
            continue
        first_time = closers[0].time
        before = [r for r in ordered if r.time < first_time and reading_day(r.time) < end]
        opener = before[-1] if before and first_time - before[-1].time <= LOOK_BACK else None
        begin = reading_day(opener.time) if opener is not None else _month_before(end)
        total = sum((r.value for r in closers), Decimal(0))
        peak = None if demand is None else window_peak(demand, begin, end, demand_multiplier)
        windows.append(ReadingWindow(begin, end, multiply(total, factor), peak))
    return windows


def window_peak(
    readings: Sequence[Reading], begin: date, end: date, multiplier: Decimal | None = None
) -> Decimal | None:
    """The largest reading taken after noon of `begin` up to noon of `end`, times the multiplier (the smallest reading
    for a negative multiplier); None without one."""
    low, high = datetime.combine(begin, NOON), datetime.combine(end, NOON)
    values = [r.value for r in readings if low < r.time <= high]
    if not values:
        return None
    factor = multiplier if multiplier is not None else Decimal(1)
    return multiply(max(values) if factor >= 0 else min(values), factor)


def _month_before(day: date) -> date:
    """The same day a month earlier, or that month's last day when it is shorter (2024-03-31 -> 2024-02-29)."""
    period = periods.add_months(periods.of_date(day), -1)
    days_in_month = (periods.end_date(period) - periods.first_day(period)).days
    return periods.first_day(period).replace(day=min(day.day, days_in_month))
