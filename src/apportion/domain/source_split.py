"""Splitting one source bill: every meter's split in one go, account charges, occupancy and conservation.

The rules (domain.md §4.3, docs/chargebacks.md "Every cent charged back exactly once"):

1. Account-level lines (taxes, customer charges, fees: `meter_id` None) are spread evenly over the bill's meters,
   in the order the meters first appear on the bill, cents by the largest-remainder rule (money.allocate).
2. Each meter with a split applies it to its own lines and, for fixed-percentage and floor-area splits, to its
   part of the account charges; a dynamic split leaves the meter's account charges on the source. Meters of the
   bill that no version splits keep their lines and their part of the account charges on the source.
3. A destination's part of each line is prorated by days over the accounts that occupied its meter in turn
   (domain/occupancy.py); each occupant gets its own bill for its days, and vacant days stay on the source.
4. Nothing is lost or made up: the source amount (every line's cost) equals the allocated amount plus what was
   left on the source, by reason, exactly to the cent (`Conservation`). Each destination line records its basis,
   its exact share of the source line and the cents the rounding rule moved (`bills.LineShare`).

A destination line made from an account charge stays an account-level line on the destination bill, so a meter's
figures (its own lines) compare with its destinations' meter figures, and bill totals with bill totals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple

from apportion.domain.bills import LineDraft, LineShare
from apportion.domain.errors import RuleViolation
from apportion.domain.money import CENT, USE_QUANTUM, Allocation, multiply, ratio_text, toward_zero
from apportion.domain.occupancy import Occupancy
from apportion.domain.splits import SplitShares, allocation
from apportion.domain.tuples import new_tuple as _new

ZERO = Decimal(0)


class Left(StrEnum):
    """Why part of a source bill stays on it (docs/chargebacks.md "Conservation")."""

    ACCOUNT_CHARGES = "accountCharges"  # account charges of meters split dynamically
    UNSPLIT_METERS = "unsplitMeters"  # meters of the bill no version split, with their account charges
    PERCENTAGES = "percentages"  # fixed percentages not totalling 100 % (negative when over 100 %)
    VACANCY = "vacancy"  # days no account occupied a destination meter
    FAILED_VERSIONS = "failedVersions"  # the whole bill, when a version that splits one of its meters failed
    NOT_SPLIT = "notSplit"  # the cost a dynamic split of use alone does not split


class MeterSplit(NamedTuple):
    """One version's split of one meter of the source bill, with each destination's occupancy over its days (a
    tuple: a run makes one per source bill)."""

    version_id: int
    meter_id: int
    shares: SplitShares
    occupancy: tuple[tuple[Occupancy, ...], ...]


class DestinationBill(NamedTuple):
    """A bill to write for one occupant of one destination meter: its version, account, meter, dates and lines."""

    version_id: int
    account_id: int
    meter_id: int
    begin_date: date
    end_date: date
    lines: tuple[LineDraft, ...]


_NOTHING_LEFT: Mapping[Left, Decimal] = MappingProxyType({})


class Conservation(NamedTuple):
    """Where a source bill's amount went: source = allocated + Σ left, exactly; `rounding` is inside allocated (a
    tuple: one per source bill)."""

    source_amount: Decimal
    allocated: Decimal
    left: Mapping[Left, Decimal] = _NOTHING_LEFT
    rounding: Decimal = ZERO

    @property
    def left_total(self) -> Decimal:
        """Everything left on the source."""
        return sum(self.left.values(), ZERO)

    @property
    def balanced(self) -> bool:
        """Whether source = allocated + left holds (always, for what this module builds)."""
        return self.source_amount == self.allocated + self.left_total


class SourceSplit(NamedTuple):
    """The destination bills of one source bill and its conservation record."""

    destinations: tuple[DestinationBill, ...]
    conservation: Conservation


def source_amount(lines: Sequence[LineDraft]) -> Decimal:
    """A bill's amount: the cost of every line, meter and account lines alike."""
    return sum((line.cost for line in lines if line.cost is not None), ZERO)


def left_whole(lines: Sequence[LineDraft], reason: Left) -> Conservation:
    """The record of a source bill left entirely on the source (a version splitting one of its meters failed)."""
    amount = source_amount(lines)
    return Conservation(amount, ZERO, {reason: amount} if amount else {})


def meters_of(lines: Sequence[LineDraft]) -> tuple[int, ...]:
    """The bill's meters in the order they first appear."""
    return tuple(dict.fromkeys(line.meter_id for line in lines if line.meter_id is not None))


class _Piece(NamedTuple):
    """A line to split for one meter: its own line, or its even part of an account line (`accounts` > 0)."""

    line: LineDraft
    accounts: int = 0  # the number of meters an account line was spread over; 0 for the meter's own line


class _Plan:
    """Accumulates destination lines by bill and the amounts left on the source while one bill is split."""

    def __init__(self) -> None:
        self.bills: dict[tuple[int, int, int, date, date], list[LineDraft]] = {}
        self.left: dict[Left, Decimal] = {}
        self.allocated = ZERO
        self.rounding = ZERO

    def leave(self, reason: Left, amount: Decimal | None) -> None:
        if amount:
            self.left[reason] = self.left.get(reason, ZERO) + amount

    def add(self, key: tuple[int, int, int, date, date], line: LineDraft) -> None:
        self.bills.setdefault(key, []).append(line)
        if line.cost is not None:
            self.allocated += line.cost
        if line.share is not None and line.share.rounding is not None:
            self.rounding += line.share.rounding


def split_source_bill(lines: Sequence[LineDraft], meter_splits: Mapping[int, MeterSplit]) -> SourceSplit:
    """Split a source bill by every meter's split at once (see the module docstring); `meter_splits` by meter id.

    Example: one meter, 100.00 on the meter and a 20.00 tax on the account, split 50/50 between two tenants who
    occupied their meters all month: each tenant's bill has 50.00 on its meter and 10.00 of tax, 60.00 in all,
    and nothing is left on the source.
    """
    meters = meters_of(lines)
    pieces: dict[int, list[_Piece]] = {meter_id: [] for meter_id in meters}
    for line in lines:
        if line.meter_id is not None:
            pieces[line.meter_id].append(_Piece(line))
    account_lines = [line for line in lines if line.meter_id is None]
    if account_lines and not meters:
        raise RuleViolation("A bill with no meter lines has nothing to split.")
    for line in account_lines:
        costs = _even(len(meters), CENT)(line.cost) if line.cost is not None else [None] * len(meters)
        values = _even(len(meters), USE_QUANTUM)(line.value) if line.value is not None else None
        for index, meter_id in enumerate(meters):
            part = _line(line, line.meter_id, None if values is None else values[index], costs[index], line.share)
            pieces[meter_id].append(_Piece(part, len(meters)))
    plan = _Plan()
    for meter_id in meters:
        split = meter_splits.get(meter_id)
        for piece in pieces[meter_id]:
            if split is None:
                plan.leave(Left.UNSPLIT_METERS, piece.line.cost)
            elif piece.accounts and not split.shares.carries_account_charges:
                plan.leave(Left.ACCOUNT_CHARGES, piece.line.cost)
            else:
                _split_piece(plan, piece, split)
    destinations = tuple(
        [
            _new(DestinationBill, (*key, tuple(parts)))  # (version, account, meter, first, last, lines)
            for key, parts in plan.bills.items()
        ]
    )
    conservation = Conservation(source_amount(lines), plan.allocated, dict(plan.left), plan.rounding)
    if not conservation.balanced:  # a broken rule in this module, never bad input
        raise AssertionError(f"split does not conserve the source amount: {conservation}")
    return SourceSplit(destinations, conservation)


@lru_cache(maxsize=64)
def _even(count: int, quantum: Decimal) -> Allocation:
    """Equal parts over `count` meters (made once per meter count: every bill with account charges asks)."""
    return Allocation([Decimal(1)] * count, quantum)


def _split_piece(plan: _Plan, piece: _Piece, split: MeterSplit) -> None:
    """Cut one line (or account-charge part) over the split's destinations and their occupants."""
    line, shares = piece.line, split.shares
    count = len(shares.destinations)
    values: list[Decimal | None] = [None] * count
    costs: list[Decimal | None] = [None] * count
    moved: list[Decimal | None] = [None] * count
    if line.value is not None and shares.split_use:
        values = list(allocation(shares, USE_QUANTUM)(line.value))
    if line.cost is not None:
        if shares.split_cost:
            parts, rounded = allocation(shares, CENT).with_rounding(line.cost)
            costs, moved = list(parts), list(rounded)
            plan.leave(Left.PERCENTAGES, line.cost - sum(parts, ZERO))
        else:
            plan.leave(Left.NOT_SPLIT, line.cost)
    carried = line.value is None and line.cost is None  # a caption-only line goes to every destination
    accounts, bases, exact = piece.accounts, shares.bases, shares.exact
    # The line's own fields, once: every destination's line repeats them (`_line`, inline below).
    type_id, kind, _, caption, _, unit_id, _, source_id, _ = line
    bills, version_id = plan.bills, split.version_id
    allocated, rounding = plan.allocated, plan.rounding
    for index, destination in enumerate(shares.destinations):
        value, cost = values[index], costs[index]
        if value is None and cost is None and not carried:
            continue
        account_id, destination_meter = destination
        meter_id = None if accounts else destination_meter
        occupied = split.occupancy[index]
        basis = bases[index] if index < len(bases) else "share"  # shares.basis(index), inline: once per line
        if accounts:
            meters = "meter" if accounts == 1 else "meters"
            basis = f"account charge over {accounts} {meters}; {basis}"
        if len(occupied) == 1 and occupied[0].account_id == account_id:
            _, begin, end, _ = occupied[0]
            if accounts:
                share = _share(line, basis, shares.ratio(index), (Decimal(1), Decimal(1)), cost)
            else:
                share = _new(LineShare, (basis, exact[index] if exact else None, moved[index]))
            key = (version_id, account_id, destination_meter, begin, end)
            # plan.add(key, _line(...)), inline: the one path of every whole-period destination line.
            part = _new(LineDraft, (type_id, kind, meter_id, caption, value, unit_id, cost, source_id, share))
            found = bills.get(key)
            if found is None:
                bills[key] = [part]
            else:
                found.append(part)
            if cost is not None:
                allocated += cost
            if share.rounding is not None:
                rounding += share.rounding
            continue
        plan.allocated, plan.rounding = allocated, rounding
        _prorate(plan, line, split, index, meter_id, value, cost, basis)
        allocated, rounding = plan.allocated, plan.rounding
    plan.allocated, plan.rounding = allocated, rounding


def _prorate(
    plan: _Plan,
    line: LineDraft,
    split: MeterSplit,
    index: int,
    meter_id: int | None,
    value: Decimal | None,
    cost: Decimal | None,
    basis: str,
) -> None:
    """A destination's part cut by days over the accounts that occupied its meter in turn; vacancy stays."""
    occupied = split.occupancy[index]
    days = [Decimal(stay.days) for stay in occupied]
    total_days = sum(days, ZERO)
    costs = Allocation(days, CENT)(cost) if cost is not None else [None] * len(occupied)
    values = Allocation(days, USE_QUANTUM)(value) if value is not None else [None] * len(occupied)
    destination = split.shares.destinations[index]
    for number, stay in enumerate(occupied):
        part_cost, part_value = costs[number], values[number]
        if stay.account_id is None:
            plan.leave(Left.VACANCY, part_cost)
            continue
        stay_basis = f"{basis}; {stay.days} of {int(total_days)} days"
        share = _share(line, stay_basis, split.shares.ratio(index), (days[number], total_days), part_cost)
        key = (split.version_id, stay.account_id, destination.meter_id, stay.begin, stay.end)
        plan.add(key, _line(line, meter_id, part_value, part_cost, share))


def _share(
    line: LineDraft,
    basis: str,
    ratio: tuple[Decimal, Decimal],
    fraction: tuple[Decimal, Decimal],
    cost: Decimal | None,
) -> LineShare:
    """The record of a line cut in more than one step (account charges, occupancy), relative to `line`, the piece
    it was cut from: its exact share ratio x fraction, and the cost minus the exact cost rounded toward zero.

    Numerators and denominators are multiplied exactly and divided once, so an exact cent stays exact.
    """
    numerator, denominator = multiply(ratio[0], fraction[0]), multiply(ratio[1], fraction[1])
    exact = ratio_text(numerator, denominator)
    if cost is None or line.cost is None:
        return LineShare(basis, exact, None)
    exact_cost = multiply(line.cost, numerator, denominator)
    return LineShare(basis, exact, cost - toward_zero(exact_cost, CENT))


def _line(
    line: LineDraft, meter_id: int | None, value: Decimal | None, cost: Decimal | None, share: LineShare | None
) -> LineDraft:
    return LineDraft(
        line.observation_type_id,
        line.kind,
        meter_id,
        line.caption,
        value,
        line.value_unit_id,
        cost,
        line.source_line_id,
        share,
    )
