"""Who occupied a meter over a bill's days: the account-meter links in turn, and the days nobody did (vacancy).

A chargeback destination is charged only for the days its account-meter link covers within the source bill's
dates. When a destination meter's link changes inside those dates, the destination's share is prorated by days
over the accounts linked in turn, each getting its own bill; days with no linked account stay with the source
account as vacancy. Days follow domain.md §1.9: a bill covers [begin, end) (its end date is the next bill's first
day, not one of its own), and so does a link; a one-day bill (begin == end) covers its begin day.

Example: a bill from 2024-06-01 to 2024-07-01 (30 days), the destination account 7 linked until 2024-06-11 and
account 9 from 2024-06-21: [Occupancy(7, 06-01, 06-11, 10 days), Occupancy(None, 06-11, 06-21, 10 days),
Occupancy(9, 06-21, 07-01, 10 days)]. A link covering the whole bill gives one Occupancy of all 30 days, so a
whole-period link charges exactly what the split's shares say.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import NamedTuple


class Link(NamedTuple):
    """An account-meter link's account and dates [begin, end)."""

    account_id: int
    begin: date
    end: date


class Occupancy(NamedTuple):
    """A run of consecutive days [begin, end) with one occupant; `account_id` None is vacancy."""

    account_id: int | None
    begin: date
    end: date
    days: int


_ONE_DAY = timedelta(days=1)


def bill_days(begin: date, end: date) -> tuple[date, date, int]:
    """The bill's counted days as [first, stop) and their number; a one-day bill (begin == end) counts one day."""
    stop = end if end > begin else begin + _ONE_DAY
    return begin, stop, (stop - begin).days


def occupant(links: Sequence[Link], preferred: int | None, day: date) -> int | None:
    """The account occupying the meter on `day`: the preferred (configured) account when its link covers the day,
    else the lowest account id among the links covering it (deregulated links may share days), else None."""
    covering = [link.account_id for link in links if link.begin <= day < link.end]
    if not covering:
        return None
    return preferred if preferred in covering else min(covering)


def occupancy(links: Sequence[Link], preferred: int | None, begin: date, end: date) -> tuple[Occupancy, ...]:
    """The bill's days cut into runs of one occupant each, in date order (see the module docstring)."""
    if preferred is not None:
        stop = end if end > begin else begin + _ONE_DAY  # bill_days, inline: every destination of every bill
        for account_id, link_begin, link_end in links:  # a loop rather than any(), for the same reason
            if account_id == preferred and link_begin <= begin and stop <= link_end:
                # The common case: the configured account occupied the meter for the whole bill (the tuple made
                # as Occupancy(...) makes it, without the constructor's Python frame).
                return (tuple.__new__(Occupancy, (preferred, begin, end, (stop - begin).days)),)
    first, stop, _ = bill_days(begin, end)
    runs: list[Occupancy] = []
    day = first
    while day < stop:
        who = occupant(links, preferred, day)
        # Jump to the next day on which some link begins or ends, rather than walking day by day.
        edges = [d for link in links for d in (link.begin, link.end) if day < d < stop]
        upto = min(edges, default=stop)
        length = (upto - day).days
        if runs and runs[-1].account_id == who:
            last = runs[-1]
            runs[-1] = Occupancy(who, last.begin, upto, last.days + length)
        else:
            runs.append(Occupancy(who, day, upto, length))
        day = upto
    if end <= begin and runs:
        # A one-day bill keeps its own dates on the bill made for it.
        only = runs[0]
        return (Occupancy(only.account_id, begin, end, only.days),)
    return tuple(runs)


def whole(occupied: Sequence[Occupancy], account_id: int) -> bool:
    """Whether `account_id` occupied the meter for every day of the runs (no proration needed)."""
    return len(occupied) == 1 and occupied[0].account_id == account_id
