"""Account-meter links as requested: which account a meter belongs to over [begin, end].

A link covers [beginDate, endDate] (defaults 1899-01-01 and 3000-01-01, models.md AccountMeterRequest). A meter
cannot be linked twice for overlapping dates, except that two deregulated links (a distributor and a supplier
account, domain.md §2.2) may share dates. Touching links (one ends the day the next begins) do not overlap:
a read date ends one period and starts the next (domain.md §1.9).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

FIRST_DATE, LAST_DATE = date(1899, 1, 1), date(3000, 1, 1)


@dataclass(frozen=True)
class LinkInput:
    """One AccountMeterRequest as the services need it (generalLedgerId and templateId are not kept)."""

    account_id: int
    meter_id: int
    begin: date = FIRST_DATE
    end: date = LAST_DATE
    rate_id: int | None = None
    vendor_type_id: int | None = None
    deregulated: bool = False


def overlaps(a_begin: date, a_end: date, b_begin: date, b_end: date) -> bool:
    """Whether two links share a day; touching ends do not count."""
    return a_begin < b_end and b_begin < a_end
