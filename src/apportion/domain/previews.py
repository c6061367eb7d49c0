"""A dry run's difference from what is live: which bills a run would add, change, leave alone or void.

A dry run runs the real engine in a transaction that is rolled back (services/runs/previews.py). It reads the
chargeback bills of the run's versions for the period twice, live before the run and live after it, and this module
compares the two per destination, keyed by (version, account, meter): a version makes at most one bill per
destination and period, and a re-run replaces (calculations) or leaves alone (splits of bills already split) what
the last run made, so comparing totals per key answers "what changes if I post this?" whatever the engine did.

    new        no live bill before, one after           difference = the new cost
    changed    live before and after, another cost      difference = after - before
    unchanged  live before and after, the same cost     difference = 0
    voided     live before, none after                  difference = - the live cost

The differences add up exactly to (cost live after) - (cost live before) (tests/property/test_preview_properties.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal(0)


class Change(StrEnum):
    """What posting the run would do to one destination's bills for the period."""

    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    VOIDED = "voided"


@dataclass(frozen=True)
class BillFigure:
    """One live chargeback bill as the comparison needs it."""

    version_id: int
    account_code: str
    meter_code: str | None
    total_cost: Decimal
    use: Decimal | None = None


@dataclass(frozen=True)
class Difference:
    """One destination (version, account, meter): its live cost before and after the run, and what changes."""

    version_id: int
    account_code: str
    meter_code: str | None
    change: Change
    live_cost: Decimal
    new_cost: Decimal
    difference: Decimal
    live_bills: int
    new_bills: int


@dataclass(frozen=True)
class Summary:
    """How many destinations each change touches, and the costs live before and after (difference = after - live)."""

    new: int
    changed: int
    unchanged: int
    voided: int
    live_cost: Decimal
    new_cost: Decimal
    difference: Decimal


Key = tuple[int, str, str]


def _key(bill: BillFigure) -> Key:
    return (bill.version_id, bill.account_code, bill.meter_code or "")


def _totals(bills: Iterable[BillFigure]) -> dict[Key, tuple[Decimal, int]]:
    found: dict[Key, tuple[Decimal, int]] = {}
    for bill in bills:
        cost, count = found.get(_key(bill), (ZERO, 0))
        found[_key(bill)] = (cost + bill.total_cost, count + 1)
    return found


def compare(before: Sequence[BillFigure], after: Sequence[BillFigure]) -> list[Difference]:
    """Each destination live before or after the run with its change, ordered by version, account and meter."""
    was, will = _totals(before), _totals(after)
    codes = {_key(bill): bill.meter_code for bill in (*before, *after)}
    differences = []
    for key in sorted(was.keys() | will.keys()):
        (live, live_count), (new, new_count) = was.get(key, (ZERO, 0)), will.get(key, (ZERO, 0))
        if not live_count:
            change = Change.NEW
        elif not new_count:
            change = Change.VOIDED
        elif new != live or new_count != live_count:
            change = Change.CHANGED
        else:
            change = Change.UNCHANGED
        version_id, account_code, _meter = key
        differences.append(
            Difference(version_id, account_code, codes[key], change, live, new, new - live, live_count, new_count)
        )
    return differences


def summarise(differences: Sequence[Difference]) -> Summary:
    """The number of destinations per change and the cost totals."""

    def count(change: Change) -> int:
        return sum(1 for d in differences if d.change is change)

    live = sum((d.live_cost for d in differences), ZERO)
    new = sum((d.new_cost for d in differences), ZERO)
    return Summary(
        count(Change.NEW), count(Change.CHANGED), count(Change.UNCHANGED), count(Change.VOIDED), live, new, new - live
    )
