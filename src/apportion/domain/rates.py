"""Rate schedules: dated versions, rates assigned to account-meter links over time, and pricing a bill with them.

A rate has versions, each in effect from its effective date until the next version's (the last until
3000-01-01, EnergyCAP's open end). A link (account + meter) carries rates from their start dates, each until the
next one's start or the link's end. `useCurrentMetersRateSchedule` prices a calculated bill with the versions in
effect on the bill's days ([begin, end): the end date is not counted, domain.md §1.9):

- the bill's days are cut into segments, one per (assigned rate, version) pair in effect; a day no version
  covers fails the bill, naming it;
- each segment takes the share days/total of the bill's use and demand; its use cost is the share of use x the
  version's use unit cost (or its use blocks, below), its demand cost the share of demand x the demand unit cost;
- the use cost (and the demand cost) of the bill is the exact sum over segments rounded half-up to the cent, and
  is shared back over the segments by the largest-remainder rule (`split_exact`), so the segment amounts always
  sum to the bill's and each is within a cent of its exact amount;
- each segment's meter line items follow: Fixed = value x the segment's share (half-up to the cent), Percentage
  = value % of the segment's use + demand cost; account line items take Fixed the same way and Percentage of
  the segment's total meter cost. Subtotal lines are refused on rate versions (EnergyCAP: "Subtotal calculation
  type is not supported"). Equal lines of two versions (same caption, observation type and calculation type) are
  one line on the bill, their costs added.

Use blocks (tiered prices, an Apportion extension: EnergyCAP's RateVersionRequest has no field for them) price
the use in steps: the first block's `up_to` units at its unit cost, the next up to its `up_to` at its own, the
last (no `up_to`) for the rest. Block limits are monthly quantities prorated by the segment's share of the bill's
days, so a version in effect for half a bill charges its first block on half the limit.

Time-of-use prices (an Apportion extension too) price the bill's use of an observation type (on-peak use,
off-peak use: the meter's channels of that type, read over the bill's days) at their own unit costs. The use no
time-of-use price of the version names (the bill's use less its time-of-use use) is priced as above, by the use
unit cost or the blocks. The bill then has its use line (the whole use, as always: time-of-use lines are parts of
it, domain/bills.meter_totals) costing the rest, and one line per time-of-use type with its use and cost; the costs
are the exact bucket sums shared by the largest-remainder rule, so they sum to the use cost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from apportion.domain.calculations.instructions import CalculationType, LineItem
from apportion.domain.errors import RuleViolation, ValidationFailed
from apportion.domain.money import CENT, HUNDRED, floor_to_cent, multiply, round_half_up

OPEN_END = date(3000, 1, 1)
_EXACT = 1000
"""Digits of the block arithmetic: enough that sums and differences of prorated quantities are never rounded."""
EARLIEST_EFFECTIVE = date(1899, 12, 31)


class RateNotApplicable(RuleViolation):
    """The bill cannot be priced with the meter's rates (a day without a version, a version without a price)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class UseBlock:
    """A block of a tiered price: use up to `up_to` (None: all the rest) costs `unit_cost` per unit."""

    up_to: Decimal | None
    unit_cost: Decimal


@dataclass(frozen=True)
class TimeOfUsePrice:
    """A time-of-use price: the bill's use of one observation type (on-peak use ...) costs `unit_cost` per unit of
    the version's use unit."""

    observation_type_id: int
    unit_cost: Decimal


@dataclass(frozen=True)
class UseLine:
    """A use line of a bill priced by time of use: the use of one observation type in the meter's common unit and
    its cost; type None is the bill's use line (the whole use), costing the use no time-of-use price names."""

    observation_type_id: int | None
    use: Decimal
    cost: Decimal


@dataclass(frozen=True)
class RateTerms:
    """What one rate version charges. `use_unit_id` None means the meter's common unit (legacy flat prices)."""

    version_id: int | None
    effective: date
    use_unit_cost: Decimal | None
    use_unit_id: int | None = None
    demand_unit_cost: Decimal | None = None
    demand_unit_id: int | None = None
    meter_line_items: tuple[LineItem, ...] = ()
    account_line_items: tuple[LineItem, ...] = ()
    use_blocks: tuple[UseBlock, ...] = ()
    time_of_use: tuple[TimeOfUsePrice, ...] = ()


@dataclass(frozen=True)
class Span:
    """Something in effect for the days [begin, end)."""

    begin: date
    end: date


@dataclass(frozen=True)
class RateStart:
    """A rate assigned to a link from `start` (it lasts until the link's next rate starts, or the link ends)."""

    rate_id: int
    start: date


@dataclass(frozen=True)
class LinkRates:
    """One account-meter link: its dates (end not counted) and its rates by start date."""

    begin: date
    end: date
    rates: tuple[RateStart, ...]


@dataclass(frozen=True)
class MeterRates:
    """What pricing one calculated bill with its meter's rates needs: the account-meter pair's links with their
    rates, each rate's versions, and the bill's dates [begin, end)."""

    links: tuple[LinkRates, ...]
    versions: Mapping[int, tuple[RateTerms, ...]]
    begin: date
    end: date

    def segments(self) -> tuple[Segment, ...]:
        """The bill's days by version in effect (`segments`)."""
        return segments(self.links, self.versions, self.begin, self.end)


@dataclass(frozen=True)
class Segment:
    """Days of a bill priced by one version."""

    days: int
    terms: RateTerms


@dataclass(frozen=True)
class PricedItem:
    """A rate line item with its cost on this bill."""

    item: LineItem
    cost: Decimal


@dataclass(frozen=True)
class RatedCost:
    """A bill priced by its rates: the use line's cost, the demand line's (None without a demand price), the line
    items in order (each version's, equal lines combined)."""

    use_cost: Decimal
    demand_cost: Decimal | None
    meter_items: tuple[PricedItem, ...]
    account_items: tuple[PricedItem, ...]
    use_lines: tuple[UseLine, ...] = ()
    """The use by time-of-use type with its cost (empty when no version has time-of-use prices)."""


def version_ends(effective_dates: Sequence[date], last: date = OPEN_END) -> list[date]:
    """The end date of each of a run of dated things (versions, a link's rates) given their start dates in order:
    the next one's start, the last one's `last` (OPEN_END, or the link's end).

    >>> version_ends([date(2024, 1, 1), date(2024, 7, 1)])
    [datetime.date(2024, 7, 1), datetime.date(3000, 1, 1)]
    >>> version_ends([])  # a rate without versions (priced by its legacy flat price)
    []
    """
    ordered = list(effective_dates)
    if not ordered:
        return []
    if ordered != sorted(ordered) or len(set(ordered)) != len(ordered):
        raise RuleViolation("Effective dates must be distinct and in order.")
    return [*ordered[1:], last]


def assignment_spans(link: LinkRates) -> list[tuple[int, Span]]:
    """Each of a link's rates with the days it is in effect: from its start to the next rate's start or the link's
    end, clipped to the link's dates (a rate starting after the link ends covers nothing)."""
    ordered = sorted(link.rates, key=lambda r: r.start)
    found: list[tuple[int, Span]] = []
    for i, rate in enumerate(ordered):
        until = ordered[i + 1].start if i + 1 < len(ordered) else link.end
        begin, end = max(rate.start, link.begin), min(until, link.end)
        if begin < end:
            found.append((rate.rate_id, Span(begin, end)))
    return found


def segments(
    links: Sequence[LinkRates], versions: Mapping[int, Sequence[RateTerms]], begin: date, end: date
) -> tuple[Segment, ...]:
    """The bill's days [begin, end) cut by assigned rate and version in effect; RateNotApplicable names the first
    day no version covers. `versions[rate_id]` are the rate's versions (any order)."""
    if end <= begin:
        raise RateNotApplicable(f"The bill's dates {begin} to {end} cover no day.")
    pieces: list[tuple[date, date, RateTerms]] = []
    for link in links:
        for rate_id, span in assignment_spans(link):
            terms = sorted(versions.get(rate_id, ()), key=lambda t: t.effective)
            ends = version_ends([t.effective for t in terms])
            for version, version_end in zip(terms, ends, strict=True):
                lo = max(span.begin, version.effective, begin)
                hi = min(span.end, version_end, end)
                if lo < hi:
                    pieces.append((lo, hi, version))
    pieces.sort(key=lambda p: p[0])
    day = begin
    found: list[Segment] = []
    for lo, hi, version in pieces:
        if lo > day:
            break
        if hi <= day:
            continue  # overlapping links cover these days already: the earlier piece counts
        found.append(Segment((hi - day).days, version))
        day = hi
    if day < end:
        raise RateNotApplicable(f"No rate version is in effect on {day}, within the bill's dates {begin} to {end}.")
    return tuple(found)


def block_uses(use: Decimal, blocks: Sequence[UseBlock], share: Decimal = Decimal(1)) -> list[Decimal]:
    """How much of `use` falls in each block, the limits scaled by `share`; they sum to `use` exactly.

    >>> block_uses(Decimal(150), [UseBlock(Decimal(100), Decimal("0.10")), UseBlock(None, Decimal("0.20"))])
    [Decimal('100'), Decimal('50')]
    """
    found: list[Decimal] = []
    below, left = Decimal(0), use
    with localcontext() as context:
        context.prec = _EXACT  # differences of prorated limits stay exact, so the parts add up to `use`
        for block in blocks:
            if block.up_to is None:
                return [*found, left]
            limit = multiply(block.up_to, share)
            size = max(limit - below, Decimal(0))
            taken = min(left, size) if left > 0 else left  # a negative use (a credit) falls in the first block
            found.append(taken)
            left -= taken
            below = limit
            if left == 0:
                return found + [Decimal(0)] * (len(blocks) - len(found))
    raise RateNotApplicable("The use blocks end with a limit: the last block must have no upTo.")


def block_cost(use: Decimal, blocks: Sequence[UseBlock], share: Decimal = Decimal(1)) -> Decimal:
    """The exact cost of `use` priced in blocks whose limits are scaled by `share`: each block's use (`block_uses`)
    at its unit cost.

    >>> block_cost(Decimal(150), [UseBlock(Decimal(100), Decimal("0.10")), UseBlock(None, Decimal("0.20"))])
    Decimal('20.00')
    """
    uses = block_uses(use, blocks, share)
    with localcontext() as context:
        context.prec = _EXACT
        return sum((u * b.unit_cost for u, b in zip(uses, blocks, strict=True) if u), Decimal(0))


def _use_price(quantity: Decimal, terms: RateTerms, days: Decimal, total: Decimal, name: str) -> Decimal:
    """The exact cost of a segment's share (days/total) of `quantity` by the version's blocks or use unit cost."""
    if terms.use_blocks:
        scale = multiply(days, Decimal(1), total)
        return block_cost(multiply(quantity, days, total), terms.use_blocks, scale)
    if terms.use_unit_cost is None:
        raise RateNotApplicable(f"{name[0].upper()}{name[1:]} has no use unit cost.")
    # The division by the bill's days comes last, so a cost that ends in a half cent stays exact.
    return multiply(quantity * terms.use_unit_cost, days, total)


def _time_of_use_costs(
    use: Decimal,
    terms: RateTerms,
    by_type: Mapping[int, Decimal],
    days: Decimal,
    total: Decimal,
    name: str,
) -> dict[int | None, Decimal]:
    """A segment's exact use cost by bucket: each time-of-use type the version prices, and None for the rest of the
    use (the types it does not price, and the use no type names) by its use price."""
    prices = {p.observation_type_id: p.unit_cost for p in terms.time_of_use}
    typed = sum(by_type.values(), Decimal(0))
    if (use >= 0 and typed > use) or (use < 0 and typed < use):
        raise RateNotApplicable(f"The bill's time-of-use use ({typed}) is more than its use ({use}).")
    costs: dict[int | None, Decimal] = {}
    rest = use
    for type_id, quantity in by_type.items():
        if type_id in prices:
            costs[type_id] = multiply(quantity * prices[type_id], days, total)
            rest -= quantity
    if rest or not costs:
        costs[None] = _use_price(rest, terms, days, total, name)
    return costs


def price(
    parts: Sequence[Segment],
    use_in: Mapping[int | None, Decimal],
    demand: Decimal | None,
    demand_in: Mapping[int | None, Decimal] | None = None,
    time_of_use_in: Mapping[int | None, Mapping[int, Decimal]] | None = None,
) -> RatedCost:
    """Price a bill over its segments (module docstring). `use_in[u]` is the bill's use in unit u (None: the
    common unit); `demand_in[u]` likewise for demand (None when the bill has no demand); `time_of_use_in[u][t]`
    the bill's use of observation type t in unit u (needed when a version has time-of-use prices)."""
    total_days = sum(p.days for p in parts)
    if total_days <= 0:
        raise RateNotApplicable("The bill covers no day.")
    total = Decimal(total_days)
    tou_types = sorted({p.observation_type_id for part in parts for p in part.terms.time_of_use})
    buckets: dict[int | None, Decimal] = {}
    use_exact: list[Decimal] = []
    demand_exact: list[Decimal | None] = []
    for part in parts:
        terms, days = part.terms, Decimal(part.days)
        name = "the rate's flat price" if terms.version_id is None else f"rate version {terms.version_id}"
        use = _in_unit(use_in, terms.use_unit_id, name, "use")
        if tou_types:
            by_type = _time_of_use_in(time_of_use_in or {}, terms.use_unit_id, tou_types, name)
            costs = _time_of_use_costs(use, terms, by_type, days, total, name)
            for bucket, cost in costs.items():
                buckets[bucket] = buckets.get(bucket, Decimal(0)) + cost
            use_exact.append(sum(costs.values(), Decimal(0)))
        else:
            use_exact.append(_use_price(use, terms, days, total, name))
        if demand is None or terms.demand_unit_cost is None:
            demand_exact.append(None)
        else:
            measured = _in_unit(demand_in or {}, terms.demand_unit_id, name, "demand")
            demand_exact.append(multiply(measured * terms.demand_unit_cost, days, total))
    use_parts = split_exact(use_exact)
    priced_demand = [d for d in demand_exact if d is not None]
    demand_parts = split_exact([d or Decimal(0) for d in demand_exact]) if priced_demand else [Decimal(0)] * len(parts)
    meter_items: list[PricedItem] = []
    account_items: list[PricedItem] = []
    for part, use_cost, demand_cost in zip(parts, use_parts, demand_parts, strict=True):
        days_of = (Decimal(part.days), total)
        base = use_cost + demand_cost
        running = base
        for item in part.terms.meter_line_items:
            cost = _item_cost(item, base, days_of)
            running += cost
            meter_items.append(PricedItem(item, cost))
        for item in part.terms.account_line_items:
            account_items.append(PricedItem(item, _item_cost(item, running, days_of)))
    return RatedCost(
        use_cost=sum(use_parts, Decimal("0.00")),
        demand_cost=sum(demand_parts, Decimal("0.00")) if priced_demand else None,
        meter_items=combine(meter_items),
        account_items=combine(account_items),
        use_lines=_use_lines(buckets, use_in, time_of_use_in or {}, tou_types),
    )


def _time_of_use_in(
    values: Mapping[int | None, Mapping[int, Decimal]], unit_id: int | None, types: Sequence[int], name: str
) -> dict[int, Decimal]:
    by_type = values.get(unit_id)
    if by_type is None:
        raise RateNotApplicable(f"The bill's time-of-use use cannot be expressed in the unit {unit_id} of {name}.")
    missing = [t for t in types if t not in by_type]
    if missing:
        raise RateNotApplicable(
            f"The bill has no use of observation type {missing[0]} for the time-of-use prices of {name}: "
            "the meter needs a channel of that type with readings over the bill's days."
        )
    return {t: by_type[t] for t in types}


def _use_lines(
    buckets: Mapping[int | None, Decimal],
    use_in: Mapping[int | None, Decimal],
    time_of_use_in: Mapping[int | None, Mapping[int, Decimal]],
    types: Sequence[int],
) -> tuple[UseLine, ...]:
    """The bill's use line (the whole use, costing the rest) and one line per time-of-use type, their costs the
    buckets' exact sums shared by `split_exact`."""
    if not types:
        return ()
    keys: list[int | None] = [None, *types]
    cents = split_exact([buckets.get(k, Decimal(0)) for k in keys])
    common = time_of_use_in.get(None, {})
    lines = [UseLine(None, use_in.get(None, Decimal(0)), cents[0])]
    lines += [UseLine(t, common.get(t, Decimal(0)), cost) for t, cost in zip(types, cents[1:], strict=True)]
    return tuple(lines)


def split_exact(exact: Sequence[Decimal]) -> list[Decimal]:
    """Round the sum of exact amounts half-up to the cent and share it back over them by the largest-remainder rule:
    each part starts at its amount rounded down to the cent, and the cents still missing go one at a time to the
    parts with the largest remainders (equal remainders: the earlier part). The parts sum to the rounded total and
    each is within a cent of its amount, whatever their signs.

    >>> split_exact([Decimal("48.387096"), Decimal("67.096774")])
    [Decimal('48.39'), Decimal('67.09')]
    """
    total = round_half_up(sum(exact, Decimal(0)), CENT)
    floors = [floor_to_cent(e) for e in exact]
    missing = int((total - sum(floors, Decimal(0))) / CENT)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in by_remainder[:missing]:
        floors[i] += CENT
    return floors


def combine(items: Sequence[PricedItem]) -> tuple[PricedItem, ...]:
    """Equal lines (caption, observation type, calculation type) as one line with their costs added, in the order
    each first appears."""
    merged: dict[tuple[str | None, int | None, str], PricedItem] = {}
    for priced in items:
        key = (priced.item.caption, priced.item.observation_type_id, priced.item.calculation_type)
        before = merged.get(key)
        merged[key] = priced if before is None else PricedItem(before.item, before.cost + priced.cost)
    return tuple(merged.values())


def _item_cost(item: LineItem, base: Decimal, share: tuple[Decimal, Decimal]) -> Decimal:
    value = item.value if item.value is not None else Decimal(0)
    if item.calculation_type == CalculationType.PERCENTAGE:
        return round_half_up(multiply(base, value, HUNDRED), CENT)
    if item.calculation_type == CalculationType.FIXED:
        return round_half_up(multiply(value, *share), CENT)
    raise RateNotApplicable(f"Line item '{item.caption}': {item.calculation_type} lines are not supported on rates.")


def _in_unit(values: Mapping[int | None, Decimal], unit_id: int | None, name: str, what: str) -> Decimal:
    if unit_id not in values:
        raise RateNotApplicable(f"The bill's {what} cannot be expressed in the unit {unit_id} of {name}.")
    return values[unit_id]


def check_blocks(blocks: Sequence[UseBlock]) -> tuple[UseBlock, ...]:
    """Validate use blocks (keys "[i].upTo", "[i].unitCost"): limits positive and rising, only the last open."""
    errors: dict[str, list[str]] = {}
    below = Decimal(0)
    for i, block in enumerate(blocks):
        last = i == len(blocks) - 1
        if block.up_to is None and not last:
            errors.setdefault(f"[{i}].upTo", []).append("Only the last block may have no upTo.")
        if block.up_to is not None:
            if last:
                errors.setdefault(f"[{i}].upTo", []).append("The last block must have no upTo (it takes the rest).")
            if block.up_to <= below:
                errors.setdefault(f"[{i}].upTo", []).append(f"Must be above the previous limit {below}.")
            below = max(below, block.up_to)
        if not block.unit_cost.is_finite():
            errors.setdefault(f"[{i}].unitCost", []).append("Must be a number.")
    if errors:
        raise ValidationFailed(errors)
    return tuple(blocks)


def check_line_items(items: Sequence[LineItem], field: str) -> None:
    """Rate versions take Fixed and Percentage lines only (EnergyCAP refuses Subtotal here)."""
    errors = {
        f"{field}[{i}].calculationType": ["Subtotal calculation type is not supported on rate versions."]
        for i, item in enumerate(items)
        if (item.calculation_type or "").lower() == CalculationType.SUBTOTAL.lower()
    }
    if errors:
        raise ValidationFailed(errors)


def effective_date_problem(effective: date, before: date | None, after: date | None) -> str | None:
    """Why an edited version cannot take `effective`, given the previous and next versions' dates (None: none)."""
    if before is not None and effective <= before:
        return f"Must be after the effective date of the previous version ({before})."
    if after is not None and effective >= after:
        return f"Must be prior to the effective date of the next version ({after})."
    return None
