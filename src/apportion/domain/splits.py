"""Bill split details (fixed percentage, floor area, dynamic by meter group): validation, shares and splitting."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple, TypeVar, assert_never

from apportion.domain.bills import LineDraft
from apportion.domain.errors import RuleViolation, ValidationFailed
from apportion.domain.money import (
    CENT,
    HUNDRED,
    PERCENT_QUANTUM,
    USE_QUANTUM,
    Allocation,
    Parts,
    allocate,
    decimal_places,
    percentage_parts,
    ratio_text,
)


class SplitMethod(StrEnum):
    """A split version's method, as stored on the version (one per version, domain.md §2.4)."""

    FIXED_PERCENTAGE = "fixedPercentage"
    FLOOR_AREA = "floorArea"
    DYNAMIC_PERCENTAGE = "dynamicPercentage"


class SourceValue(StrEnum):
    """DynamicPercentageBillSplit.sourceValueToSplit, canonical spelling: what of the source bill is split."""

    USE = "use"
    COST = "cost"
    USE_AND_COST = "useAndCost"


class ShareValue(StrEnum):
    """DynamicPercentageBillSplit.destinationShareValue, canonical spelling: what each group meter's share rests on."""

    USE = "use"
    COST = "cost"


_Vocabulary = TypeVar("_Vocabulary", SourceValue, ShareValue)

MAX_SCALE = 8
_METHOD_NAMES = ("fixedPercentageSplit", "floorAreaSplit", "dynamicPercentageSplit")


class Destination(NamedTuple):
    """Where a share of the source bill goes: a destination account and meter (a tuple: a run builds tens of
    thousands)."""

    account_id: int
    meter_id: int


class FixedPercentage(NamedTuple):
    """FixedPercentage: a destination and its user-entered percentage (50.5 means 50.5 %). A tuple: a run loads one
    per destination of every version."""

    account_id: int
    meter_id: int
    split_percentage: Decimal

    @property
    def destination(self) -> Destination:
        """The destination account and meter."""
        return Destination(self.account_id, self.meter_id)


@dataclass(frozen=True)
class FloorAreaSplit:
    """FloorAreaSplit: a destination and its weighting factor (the area comes from its place at run time)."""

    account_id: int
    meter_id: int
    weighting_factor: Decimal

    @property
    def destination(self) -> Destination:
        """The destination account and meter."""
        return Destination(self.account_id, self.meter_id)


@dataclass(frozen=True)
class FloorAreaShare:
    """A floor-area destination at run time: its place's floor area (all in one area unit) and weighting."""

    account_id: int
    meter_id: int
    floor_area: Decimal
    weighting_factor: Decimal

    @property
    def destination(self) -> Destination:
        """The destination account and meter."""
        return Destination(self.account_id, self.meter_id)


# domain.md §4.3 floor area: "convert units to one common area unit" (square feet here).
SQUARE_FEET_PER_SQUARE_METRE = Decimal("10.76391041670972")


@dataclass(frozen=True)
class AreaSize:
    """A floor-area version of a place: its value in `unit_code` (SQFEET or SQMETER) for [begin, end)."""

    value: Decimal
    unit_code: str
    begin: date
    end: date | None


def floor_area_on(sizes: Sequence[AreaSize], day: date) -> Decimal:
    """A place's floor area in square feet on `day`: the size covering it, else the latest (domain.md §4.3 rec).

    `sizes` are in date order. A place without any size has area 0 (§7 Q22: it gets 0 %). Square metres are
    converted at 10.76391041670972 sq ft per m², so places measured either way split on one scale.
    """
    covering = [size for size in sizes if size.begin <= day and (size.end is None or day < size.end)]
    chosen = covering[-1] if covering else (sizes[-1] if sizes else None)
    if chosen is None:
        return Decimal(0)
    if chosen.unit_code.upper() == "SQMETER":
        return chosen.value * SQUARE_FEET_PER_SQUARE_METRE
    return chosen.value


@dataclass(frozen=True)
class DynamicSplit:
    """DynamicPercentageBillSplit: split `source_value_to_split` over a meter group by `destination_share_value`.

    Both are the text as received; `validate_split_details` gives them back as a SourceValue and a ShareValue.
    """

    meter_group_id: int
    source_value_to_split: str
    destination_share_value: str


@dataclass(frozen=True)
class DynamicShare:
    """A meter of the destination group at run time, with its own use or cost for the period."""

    account_id: int
    meter_id: int
    share_value: Decimal

    @property
    def destination(self) -> Destination:
        """The destination account and meter."""
        return Destination(self.account_id, self.meter_id)


@dataclass(frozen=True)
class SplitDetails:
    """The instructions of one split version: exactly one of the three methods is set."""

    version_id: int
    fixed_percentage: tuple[FixedPercentage, ...] | None = None
    floor_area: tuple[FloorAreaSplit, ...] | None = None
    dynamic: DynamicSplit | None = None

    @property
    def method(self) -> SplitMethod | None:
        """The method whose details are set, or None for a version with no details yet."""
        if self.fixed_percentage is not None:
            return SplitMethod.FIXED_PERCENTAGE
        if self.floor_area is not None:
            return SplitMethod.FLOOR_AREA
        if self.dynamic is not None:
            return SplitMethod.DYNAMIC_PERCENTAGE
        return None


class SplitShares(NamedTuple):
    """Resolved shares for one run: `shares` are percentages when `as_percentages`, else relative weights.

    `bases` says in words what each destination's share rests on and `exact` gives it as an exact fraction of the
    source line (both for the destination lines' records, docs/chargebacks.md "Conservation"). Account charges
    follow fixed-percentage and floor-area splits, not dynamic ones (domain.md §4.3): `carries_account_charges`.
    A tuple: a run resolves one per version.
    """

    destinations: tuple[Destination, ...]
    shares: tuple[Decimal, ...]
    as_percentages: bool
    split_use: bool = True
    split_cost: bool = True
    bases: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    carries_account_charges: bool = True

    def basis(self, index: int) -> str:
        """What destination `index`'s share rests on (a generic text when none was given)."""
        return self.bases[index] if index < len(self.bases) else "share"

    def ratio(self, index: int) -> tuple[Decimal, Decimal]:
        """Destination `index`'s exact share of a source line as (numerator, denominator): (60, 100) for 60 %,
        (w_i, Σw) for weights. Percentages over 100 give more than the line."""
        share = self.shares[index]
        return (share, HUNDRED) if self.as_percentages else (share, _total(self.shares))


@lru_cache(maxsize=4096)
def _total(shares: tuple[Decimal, ...]) -> Decimal:
    return sum(shares, Decimal(0))


def copy_instructions(details: SplitDetails, new_version_id: int) -> SplitDetails:
    """The same instructions for another version (copyVersionId, domain.md §4.1 step 5)."""
    return replace(details, version_id=new_version_id)


def fixed_percentage_shares(destinations: Sequence[FixedPercentage]) -> SplitShares:
    """Shares of a fixed-percentage split: the entered percentages (total may differ from 100, §4.3)."""
    percentages = tuple([percentage for _, _, percentage in destinations])
    bases, exact = _fixed_terms(percentages)
    # Destination(account, meter) of each, as tuple.__new__ makes it without the constructor's frame: a run asks
    # this of every version.
    found = tuple([tuple.__new__(Destination, (account, meter)) for account, meter, _ in destinations])
    return SplitShares(found, percentages, True, True, True, bases, exact)


@lru_cache(maxsize=4096)  # versions split by the same percentages (10/90, 25 x 4 ...) share their texts
def _fixed_terms(percentages: tuple[Decimal, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The bases and exact fractions of a fixed-percentage split's percentages (texts equal for equal values)."""
    bases = tuple(f"fixed percentage {_plain(p)} %" for p in percentages)
    return bases, tuple(ratio_text(p, HUNDRED) for p in percentages)


@lru_cache(maxsize=4096)  # the same few percentages on thousands of versions
def _plain(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 60.00 -> "60", 1.50 -> "1.5"."""
    text = format(value.normalize(), "f")
    return text if value != 0 else "0"


def _floor_area_weights(destinations: Sequence[FloorAreaShare]) -> list[Decimal]:
    weights = [d.floor_area * d.weighting_factor for d in destinations]
    if any(w < 0 for w in weights):
        raise RuleViolation("Floor areas and weighting factors cannot be negative.")
    if sum(weights, Decimal(0)) == 0:
        # domain.md §7 Q22: zero-area destinations get 0 %; all of them zero fails the version.
        meters = ", ".join(str(d.meter_id) for d in destinations)
        raise RuleViolation(
            f"Cannot split by floor area: the weighted floor area of every destination (meters {meters}) is zero."
        )
    return weights


def floor_area_shares(destinations: Sequence[FloorAreaShare]) -> SplitShares:
    """Shares of a floor-area split: exact weights area x weighting factor (destinations total 100 %)."""
    weights = _floor_area_weights(destinations)
    total = sum(weights, Decimal(0))
    return SplitShares(
        destinations=tuple(d.destination for d in destinations),
        shares=tuple(weights),
        as_percentages=False,
        bases=tuple(
            f"floor area {_plain(d.floor_area)} sq ft x weight {_plain(d.weighting_factor)} of {_plain(total)}"
            for d in destinations
        ),
        exact=tuple(ratio_text(w, total) for w in weights),
    )


def floor_area_percentages(destinations: Sequence[FloorAreaShare]) -> list[Decimal]:
    """splitPercentage shown for each destination: area_i x w_i / Σ(area_j x w_j) x 100, to 8 places.

    For display only (FloorAreaSplitResponse); the split allocates with the exact weights. The figures
    are allocated like money (largest remainder at 8 places), so they total exactly 100. Example:
    areas 1000 and 3000 sq ft, weights 1 and 1 -> [25.00000000, 75.00000000]. All zero -> RuleViolation.
    """
    return allocate(HUNDRED, _floor_area_weights(destinations), PERCENT_QUANTUM)


def dynamic_shares(split: DynamicSplit, destinations: Sequence[DynamicShare]) -> SplitShares:
    """Shares of a dynamic split: each group meter's own use or cost in the period (domain.md §4.3, §7 Q21)."""
    source = canonical_source_value(split.source_value_to_split)
    weights = [d.share_value for d in destinations]
    basis = canonical_share_value(split.destination_share_value)
    if not destinations:
        raise RuleViolation(f"Cannot split by meter group {split.meter_group_id}: the group has no meters.")
    negative = [d.meter_id for d in destinations if d.share_value < 0]
    if negative:
        raise RuleViolation(
            f"Cannot split by meter group {split.meter_group_id}: meters {negative} have a negative {basis}."
        )
    if sum(weights, Decimal(0)) == 0:
        raise RuleViolation(
            f"Cannot split by meter group {split.meter_group_id}: the group's total {basis} for the period is zero."
        )
    total = sum(weights, Decimal(0))
    if source is SourceValue.USE:
        split_use, split_cost = True, False
    elif source is SourceValue.COST:
        split_use, split_cost = False, True
    elif source is SourceValue.USE_AND_COST:
        split_use, split_cost = True, True
    else:
        assert_never(source)
    return SplitShares(
        destinations=tuple(d.destination for d in destinations),
        shares=tuple(weights),
        as_percentages=False,
        split_use=split_use,
        split_cost=split_cost,
        bases=tuple(
            f"{basis} {_plain(d.share_value)} of {_plain(total)} in meter group {split.meter_group_id}"
            for d in destinations
        ),
        exact=tuple(ratio_text(w, total) for w in weights),
        carries_account_charges=False,
    )


def _parts(amount: Decimal | None, shares: SplitShares, quantum: Decimal, wanted: bool) -> list[Decimal | None]:
    if amount is None or not wanted:
        return [None] * len(shares.destinations)
    return list(allocation(shares, quantum)(amount))


def allocation(shares: SplitShares, quantum: Decimal) -> Parts:
    """How a split's shares cut an amount at `quantum`: by percentages or by weights, checked once per version."""
    return _allocation(shares.shares, shares.as_percentages, quantum)


@lru_cache(maxsize=4096)
def _allocation(shares: tuple[Decimal, ...], as_percentages: bool, quantum: Decimal) -> Parts:
    """apply_percentages or allocate over `shares`, checked once for every line a version splits."""
    return percentage_parts(shares, quantum) if as_percentages else Allocation(shares, quantum)


def split_bill(
    lines: Sequence[LineDraft], source_meter_id: int, shares: SplitShares
) -> list[tuple[Destination, tuple[LineDraft, ...]]]:
    """Destination line items for one source bill, one entry per destination in `shares` order.

    Only the source meter's lines are split: other meters' lines and account lines stay on the source
    bill. (domain.md §4.3 spreads account charges only when the entire bill is split; a version splits
    one meter, so account charges are never part of it.) Each source line gives every destination a line
    with the same observation type, kind, caption and unit; its value is allocated at USE_QUANTUM and its
    cost at CENT, each line on its own, so every line's parts sum exactly to the source line when the
    shares are weights or percentages totalling 100. Dynamic 'use' leaves destination costs None and
    'cost' leaves values None; a line left with nothing to carry is dropped.
    """
    parts: list[list[LineDraft]] = [[] for _ in shares.destinations]
    for line in lines:
        if line.meter_id != source_meter_id:
            continue
        values = _parts(line.value, shares, USE_QUANTUM, shares.split_use)
        costs = _parts(line.cost, shares, CENT, shares.split_cost)
        carried = line.value is None and line.cost is None
        for index, destination in enumerate(shares.destinations):
            if values[index] is None and costs[index] is None and not carried:
                continue
            parts[index].append(
                LineDraft(
                    line.observation_type_id,
                    line.kind,
                    destination.meter_id,
                    line.caption,
                    values[index],
                    line.value_unit_id,
                    costs[index],
                )
            )
    return [(destination, tuple(parts[i])) for i, destination in enumerate(shares.destinations)]


def canonical_source_value(value: str) -> SourceValue:
    """'USE' -> SourceValue.USE, 'UseAndCost' -> SourceValue.USE_AND_COST; RuleViolation for anything else."""
    return _canonical(value, SourceValue, "sourceValueToSplit")


def canonical_share_value(value: str) -> ShareValue:
    """'Cost' -> ShareValue.COST; RuleViolation for anything but use or cost."""
    return _canonical(value, ShareValue, "destinationShareValue")


def _canonical(value: str, allowed: type[_Vocabulary], field: str) -> _Vocabulary:
    for member in allowed:
        if member.lower() == value.strip().lower():
            return member
    raise RuleViolation(f"{field} must be one of {', '.join(allowed)}, not '{value}'.", field)


def validate_split_details(
    version_id: int,
    master_account_id: int,
    *,
    fixed_percentage: Sequence[FixedPercentage] | None = None,
    floor_area: Sequence[FloorAreaSplit] | None = None,
    dynamic: DynamicSplit | None = None,
    master_commodity_id: int | None = None,
    meter_commodities: Mapping[int, int | None] | None = None,
) -> SplitDetails:
    """Check a BillSplitDetailsRequest and return it as SplitDetails (dynamic vocabularies canonical).

    Raises one ValidationFailed holding every problem, keyed by wire path
    ("fixedPercentageSplit[1].destinationMeterId", "dynamicPercentageSplit.sourceValueToSplit", ...).
    The commodity check runs for fixed percentages when `master_commodity_id` and `meter_commodities`
    (destination meter id -> commodity id) are given.
    """
    errors: dict[str, list[str]] = {}
    methods = (fixed_percentage, floor_area, dynamic)
    given = [name for name, v in zip(_METHOD_NAMES, methods, strict=True) if v is not None]
    if len(given) != 1:
        reason = "can be set" if given else "must be set"
        errors["fixedPercentageSplit"] = [f"Exactly one of {', '.join(_METHOD_NAMES)} {reason}."]
        raise ValidationFailed(errors)
    if fixed_percentage is not None:
        _check_destinations("fixedPercentageSplit", fixed_percentage, master_account_id, errors)
        for i, fixed in enumerate(fixed_percentage):
            path = f"fixedPercentageSplit[{i}]"
            _check_number(errors, f"{path}.splitPercentage", fixed.split_percentage, positive=True)
            commodities = meter_commodities or {}
            commodity = commodities.get(fixed.meter_id, master_commodity_id)  # unknown meters are checked elsewhere
            if master_commodity_id is not None and commodity != master_commodity_id:
                errors.setdefault(f"{path}.destinationMeterId", []).append(
                    f"Meter {fixed.meter_id}'s commodity ({commodity}) must match the source meter's commodity "
                    f"({master_commodity_id})."
                )
    if floor_area is not None:
        _check_destinations("floorAreaSplit", floor_area, master_account_id, errors)
        for i, area in enumerate(floor_area):
            _check_number(errors, f"floorAreaSplit[{i}].weightingFactor", area.weighting_factor, positive=False)
    if dynamic is not None:
        dynamic = _check_dynamic(dynamic, errors)
    if errors:
        raise ValidationFailed(errors)
    return SplitDetails(
        version_id=version_id,
        fixed_percentage=None if fixed_percentage is None else tuple(fixed_percentage),
        floor_area=None if floor_area is None else tuple(floor_area),
        dynamic=dynamic,
    )


def _check_destinations(
    field: str, items: Sequence[FixedPercentage | FloorAreaSplit], master_account_id: int, errors: dict[str, list[str]]
) -> None:
    if not items:
        errors.setdefault(field, []).append("The list cannot be empty.")
    seen: dict[Destination, int] = {}
    for i, item in enumerate(items):
        path = f"{field}[{i}]"
        if item.account_id == master_account_id:
            errors.setdefault(f"{path}.destinationAccountId", []).append(
                f"The destination account cannot be the source account {master_account_id}."
            )
        first = seen.setdefault(item.destination, i)
        if first != i:
            errors.setdefault(f"{path}.destinationMeterId", []).append(
                f"Account {item.account_id} and meter {item.meter_id} are already a destination at {field}[{first}]."
            )


def _check_number(errors: dict[str, list[str]], path: str, value: Decimal, *, positive: bool) -> None:
    if not value.is_finite():
        errors.setdefault(path, []).append(f"{value} is not a number.")
        return
    if positive and value <= 0:
        errors.setdefault(path, []).append(f"Must be greater than 0, not {value}.")
    if not positive and value < 0:
        errors.setdefault(path, []).append(f"Must be 0 or more, not {value}.")
    if decimal_places(value) > MAX_SCALE:
        errors.setdefault(path, []).append(f"Max scale of {MAX_SCALE}: {value} has more decimal places.")


def _check_dynamic(dynamic: DynamicSplit, errors: dict[str, list[str]]) -> DynamicSplit:
    source: str = dynamic.source_value_to_split
    share: str = dynamic.destination_share_value
    path = "dynamicPercentageSplit.sourceValueToSplit"
    try:
        source = _canonical(source or "", SourceValue, path)
    except RuleViolation as problem:
        errors.setdefault(path, []).append(problem.message)
    path = "dynamicPercentageSplit.destinationShareValue"
    try:
        share = _canonical(share or "", ShareValue, path)
    except RuleViolation as problem:
        errors.setdefault(path, []).append(problem.message)
    return DynamicSplit(dynamic.meter_group_id, source, share)
