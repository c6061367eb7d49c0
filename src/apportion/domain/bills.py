"""Bill drafts: the shape every producer of bills (entry, split, calculation, import) hands to the writer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from enum import StrEnum
from typing import NamedTuple

# Seeded observation types (store/seed_data.py): 1 USE is a meter's total use; other observation types of
# kind "use" (on-peak, off-peak) are time-of-use parts of it, not additions to it.
TOTAL_USE_TYPE_ID = 1


class ObservationKind(StrEnum):
    """What an observation type's lines measure (observation_types.kind), as stored."""

    USE = "use"
    DEMAND = "demand"
    COST = "cost"  # a charge: a cost with no quantity
    OTHER = "other"  # a type whose kind is not known


class LineShare(NamedTuple):
    """How a chargeback destination line was made from its source line (docs/chargebacks.md, conservation).

    `basis` says what the share rests on ("fixed percentage 60", "floor area 1200 sq ft x weight 1 of 3000",
    "use 350 of 1000", "15 of 30 days" ...); `exact` is the exact cost the share gives before rounding, written
    to 10 decimals; `rounding` is what the largest-remainder rule moved: the line's cost minus the exact cost
    rounded toward zero to the cent (0.00 or one cent either way).
    """

    basis: str
    exact: str | None
    rounding: Decimal | None


class LineDraft(NamedTuple):
    """One bill line item (EnergyCAP "body line").

    `meter_id` None means an account-level line. `value` is in `value_unit_id`; `cost` is in the system
    currency (cents precision). `kind` is the observation kind of the line's type, an ObservationKind value.
    A tuple, like LineShare: a run makes tens of thousands, and a frozen dataclass costs several times more to
    build.
    """

    observation_type_id: int
    kind: str
    meter_id: int | None
    caption: str | None = None
    value: Decimal | None = None
    value_unit_id: int | None = None
    cost: Decimal | None = None
    source_line_id: int | None = None
    share: LineShare | None = None


_ZERO = Decimal(0)
_USE, _DEMAND = ObservationKind.USE.value, ObservationKind.DEMAND.value


class MeterTotal(NamedTuple):
    """One meter's totals on one bill: use in the commodity's common unit, cost, and peak demand."""

    use: Decimal | None
    cost: Decimal
    demand: Decimal | None


def meter_totals(
    lines: Iterable[LineDraft], to_common: Callable[[Decimal, int | None, int], Decimal], commodities: Mapping[int, int]
) -> dict[int, MeterTotal]:
    """Per meter of a bill: its total use, cost and demand (account lines, meter None, count for no meter).

    Use counts the meter's `USE` lines (TOTAL_USE_TYPE_ID), each converted to the commodity's common unit by
    `to_common(value, unit, commodity)`; only when the meter has no `USE` line does it count the other use lines
    (on-peak and off-peak are parts of the total, not additions: a bill of 7,500 kWh with 4,000 on-peak and 3,500
    off-peak uses 7,500 kWh). Cost adds every line's cost; demand is the largest demand value.
    """
    return {
        meter_id: MeterTotal(use if use is not None else parts, cost or _ZERO, demand)
        for meter_id, (use, parts, cost, demand) in _sums(lines, to_common, commodities).items()
    }


def meter_totals_of(
    bills: Iterable[Iterable[LineDraft]],
    to_common: Callable[[Decimal, int | None, int], Decimal],
    commodities: Mapping[int, int],
) -> list[tuple[int, int, Decimal | None, Decimal, Decimal | None]]:
    """`meter_totals` of many bills' lines at once, as (bill's position, meter, use, cost, demand) rows in order: what a
    writer stores for each bill, without a dictionary and a MeterTotal per bill."""
    rows: list[tuple[int, int, Decimal | None, Decimal, Decimal | None]] = []
    add = rows.append
    for position, lines in enumerate(bills):
        for meter_id, (use, parts, cost, demand) in _sums(lines, to_common, commodities).items():
            add((position, meter_id, use if use is not None else parts, cost or _ZERO, demand))
    return rows


def _sums(
    lines: Iterable[LineDraft], to_common: Callable[[Decimal, int | None, int], Decimal], commodities: Mapping[int, int]
) -> dict[int, list[Decimal | None]]:
    """meter -> [total use, time-of-use use, cost, demand] over a bill's lines (see `meter_totals`)."""
    totals: dict[int, list[Decimal | None]] = {}
    # Each line unpacked at once and its kind compared as plain text: a run totals every bill it writes.
    for type_id, kind, meter_id, _caption, value, unit_id, cost, _source, _share in lines:
        if meter_id is None:
            continue
        total = totals.get(meter_id)
        if total is None:
            total = totals[meter_id] = [None, None, _ZERO, None]
        if value is not None:
            if kind == _USE:
                slot = 0 if type_id == TOTAL_USE_TYPE_ID else 1
                common = to_common(value, unit_id, commodities[meter_id])
                before = total[slot]
                total[slot] = common if before is None else before + common
            elif kind == _DEMAND:
                demand = total[3]
                total[3] = value if demand is None else max(demand, value)
        if cost is not None:
            total[2] = (total[2] or _ZERO) + cost
    return totals


MAX_INVOICE_NUMBER = 32
"""A bill's invoice number holds 32 characters (models.md BillCreate); a batch's holds 255 (BatchCreate)."""


def invoice_number_for_bills(batch_invoice_number: str | None) -> str | None:
    """A batch's invoice number as the default of its bills: itself when it fits a bill's 32 characters, else none.

    A batch may carry an invoice number of up to 255 characters (models.md BatchCreate), which no bill can hold;
    its bills are then left without that default rather than refused, and keep any invoice number of their own.

    invoice_number_for_bills("INV-9") == "INV-9"; invoice_number_for_bills("x" * 33) is None.
    """
    if batch_invoice_number is None or len(batch_invoice_number) > MAX_INVOICE_NUMBER:
        return None
    return batch_invoice_number


@dataclass(frozen=True)
class BillHeader:
    """Header fields a batch may default (domain.md §4.9) or a source bill may pass on."""

    statement_date: date | None = None
    due_date: date | None = None
    next_reading: date | None = None
    control_code: str | None = None
    invoice_number: str | None = None
    account_period: int | None = None
    note: str | None = None

    def defaulted_by(self, defaults: BillHeader) -> BillHeader:
        """Fill each empty field from `defaults` (the batch's BatchCreate header defaults)."""
        return BillHeader(
            statement_date=self.statement_date or defaults.statement_date,
            due_date=self.due_date or defaults.due_date,
            next_reading=self.next_reading or defaults.next_reading,
            control_code=self.control_code or defaults.control_code,
            invoice_number=self.invoice_number or defaults.invoice_number,
            account_period=self.account_period or defaults.account_period,
            note=self.note or defaults.note,
        )


class BillOrigin(NamedTuple):
    """Where a generated bill came from: the chargeback task and version, and for splits the source bill."""

    chargeback_task_id: int | None = None
    chargeback_version_id: int | None = None
    source_bill_id: int | None = None
    import_task_id: int | None = None
    calculated: bool = False  # made by a calculated bill (or aggregation) version: one live bill per period


class BillDraft(NamedTuple):
    """A bill ready to be written: account, period, dates, header and line items (a tuple, as LineDraft)."""

    account_id: int
    billing_period: int
    begin_date: date
    end_date: date
    lines: tuple[LineDraft, ...]
    header: BillHeader = BillHeader()  # frozen: one shared default
    estimated: bool = False
    from_vendor: bool = True
    origin: BillOrigin = BillOrigin()

    @property
    def total_cost(self) -> Decimal:
        """Sum of every line's cost (meter and account lines)."""
        total = _ZERO
        for line in self.lines:  # a loop rather than sum() of a generator: the writer asks it of every bill
            cost = line.cost
            if cost is not None:
                total += cost
        return total

    @property
    def meter_ids(self) -> tuple[int, ...]:
        """Meters on the bill, in first-seen order."""
        seen: dict[int, None] = {}
        for line in self.lines:
            if line.meter_id is not None:
                seen.setdefault(line.meter_id, None)
        return tuple(seen)


def figures_of(lines: Iterable[LineDraft]) -> tuple[tuple[object, ...], ...]:
    """What a bill's lines say in figures, for telling whether an edit changed them: observation type, meter,
    value, unit and cost of each line in order (captions and line ids are not figures)."""
    return tuple((line.observation_type_id, line.meter_id, line.value, line.value_unit_id, line.cost) for line in lines)


# What a stored bill holds (store/models/base.py): costs are NUMERIC(18, 2), quantities NUMERIC(24, 6).
MAX_COST = Decimal(10) ** 16
MAX_QUANTITY = Decimal(10) ** 18
LIMITS = "quantities must be below 10^18 and costs below 10^16 in absolute value"
_WIDE = 120  # digits enough for any product of stored values and unit factors, so checking never rounds


def _beyond(value: Decimal, limit: Decimal) -> bool:
    return not value.is_finite() or abs(value) >= limit


def _shown(value: Decimal) -> str:
    return f"{value:f}" if value.is_finite() else str(value)


def storage_problem(draft: BillDraft, to_common: Callable[[Decimal, int | None], Decimal] | None = None) -> str | None:
    """Why the bill cannot be stored, or None: a line's quantity or cost, a meter's total use (in its commodity's
    common unit: `to_common(value, unit_id)`) or cost, or the bill's total cost beyond what its column holds.

    Example: a use line of -1e20 on meter 7 gives "The use of meter 7 (-100000000000000000000) is beyond what
    a bill holds: quantities must be below 10^18 and costs below 10^16 in absolute value."
    """
    with localcontext() as context:
        context.prec = _WIDE
        problem = _first_beyond(draft, to_common)
    if problem is None:
        return None
    return f"{problem} is beyond what a bill holds: {LIMITS}."


def _where(line: LineDraft) -> str:
    return f"meter {line.meter_id}" if line.meter_id is not None else "the account"


def _first_beyond(draft: BillDraft, to_common: Callable[[Decimal, int | None], Decimal] | None) -> str | None:
    uses: dict[int, Decimal] = {}
    costs: dict[int | None, Decimal] = {}
    for line in draft.lines:
        if line.value is not None and _beyond(line.value, MAX_QUANTITY):
            return f"The {line.kind} of {_where(line)} ({_shown(line.value)})"
        if line.cost is not None and _beyond(line.cost, MAX_COST):
            return f"A cost of {_where(line)} ({_shown(line.cost)})"
        if line.cost is not None:
            costs[line.meter_id] = costs.get(line.meter_id, Decimal(0)) + line.cost
        if line.meter_id is not None and line.kind == ObservationKind.USE and line.value is not None:
            common = to_common(line.value, line.value_unit_id) if to_common is not None else line.value
            uses[line.meter_id] = uses.get(line.meter_id, Decimal(0)) + common
    for meter_id, use in uses.items():
        if _beyond(use, MAX_QUANTITY):
            return f"The total use of meter {meter_id} in its commodity's common unit ({_shown(use)})"
    for cost_meter, cost in costs.items():
        if cost_meter is not None and _beyond(cost, MAX_COST):
            return f"The total cost of meter {cost_meter} ({_shown(cost)})"
    total = sum(costs.values(), Decimal(0))
    if _beyond(total, MAX_COST):
        return f"The bill's total cost ({_shown(total)})"
    return None
