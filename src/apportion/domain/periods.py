"""Billing periods: integers YYYYMM with month 01-12, between 190001 and 300001 (domain.md §1.9)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from apportion.domain.errors import ValidationFailed

MIN_PERIOD = 190001
MAX_PERIOD = 300001


def is_valid(period: int) -> bool:
    """True when `period` is YYYYMM with month 01-12 inside 190001..300001."""
    return MIN_PERIOD <= period <= MAX_PERIOD and 1 <= period % 100 <= 12


def check(period: int, field: str = "billingPeriod") -> int:
    """Return `period`, or raise ValidationFailed naming `field`."""
    if not is_valid(period):
        raise ValidationFailed.single(
            field, f"{period} is not a valid billing period (YYYYMM, month 01-12, 190001..300001)."
        )
    return period


_WRITTEN = re.compile(r"\s*(\d{4})\s*[-/.]?\s*(\d{1,2})\s*")
EXAMPLE = 202611


def parse(text: str) -> int | None:
    """A period as people write it: `202611`, `2026-11`, `2026/11` or `2026-1` -> 202611 / 202601; None when the
    text is not a year and a month 1-12 (the range is `is_valid`'s to check)."""
    found = _WRITTEN.fullmatch(text)
    if found is None:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    if not 1 <= month <= 12 or (len(found.group(2)) == 1 and not re.search(r"[-/.]", text)):
        return None
    return year * 100 + month


def hint(given: object) -> str:
    """What to say about a period that is not YYYYMM: `use YYYYMM, e.g. 202611`, the example being the period the
    text meant when it can be read (`2026-11`), else 202611."""
    meant = parse(given) if isinstance(given, str) else None
    return f"{given!r} is not a billing period: use YYYYMM, e.g. {meant or EXAMPLE}."


def add_months(period: int, months: int) -> int:
    """Shift a period by whole months: add_months(202401, -1) == 202312."""
    index = (period // 100) * 12 + (period % 100 - 1) + months
    return (index // 12) * 100 + index % 12 + 1


def prior(period: int) -> int:
    """The billing period before: prior(202401) == 202312."""
    return add_months(period, -1)


def following(period: int) -> int:
    """The billing period after: following(202312) == 202401."""
    return add_months(period, 1)


def same_period_prior_year(period: int) -> int:
    """Same month one year earlier: same_period_prior_year(202403) == 202303."""
    return period - 100


def span(first: int, last: int) -> Iterator[int]:
    """Every period from `first` to `last`, both included, in order."""
    current = first
    while current <= last:
        yield current
        current = following(current)


def of_date(day: date) -> int:
    """The period containing a calendar date."""
    return day.year * 100 + day.month


def first_day(period: int) -> date:
    """First calendar day of the period."""
    return date(period // 100, period % 100, 1)


def end_date(period: int) -> date:
    """First day of the next period: bills end there because the end date is not counted (§1.9)."""
    return first_day(following(period))


def overlaps(begin_a: int, end_a: int | None, begin_b: int, end_b: int | None) -> bool:
    """Whether two inclusive period ranges overlap; an end of None runs on for ever."""
    a_before_b_ends = end_b is None or begin_a <= end_b
    b_before_a_ends = end_a is None or begin_b <= end_a
    return a_before_b_ends and b_before_a_ends


def is_effective(period: int, begin: int, end: int | None) -> bool:
    """A version [begin, end] applies to `period` (domain.md §4.2)."""
    return begin <= period and (end is None or period <= end)
