"""Bill drafts: the shape every producer of bills (entry, split, calculation, import) hands to the writer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext


@dataclass(frozen=True)
class LineDraft:
    """One bill line item (EnergyCAP "body line").

    `meter_id` None means an account-level line. `value` is in `value_unit_id`; `cost` is in the system
    currency (cents precision). `kind` is the observation kind of the line's type: "use", "demand",
    "cost" (a charge with no quantity) or "other".
    """

    observation_type_id: int
    kind: str
    meter_id: int | None
    caption: str | None = None
    value: Decimal | None = None
    value_unit_id: int | None = None
    cost: Decimal | None = None


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


@dataclass(frozen=True)
class BillOrigin:
    """Where a generated bill came from: the chargeback task and version, and for splits the source bill."""

    chargeback_task_id: int | None = None
    chargeback_version_id: int | None = None
    source_bill_id: int | None = None
    import_task_id: int | None = None


@dataclass(frozen=True)
class BillDraft:
    """A bill ready to be written: account, period, dates, header and line items."""

    account_id: int
    billing_period: int
    begin_date: date
    end_date: date
    lines: tuple[LineDraft, ...]
    header: BillHeader = field(default_factory=BillHeader)
    estimated: bool = False
    from_vendor: bool = True
    origin: BillOrigin = field(default_factory=BillOrigin)

    @property
    def total_cost(self) -> Decimal:
        """Sum of every line's cost (meter and account lines)."""
        return sum((line.cost for line in self.lines if line.cost is not None), Decimal(0))

    @property
    def meter_ids(self) -> tuple[int, ...]:
        """Meters on the bill, in first-seen order."""
        seen: dict[int, None] = {}
        for line in self.lines:
            if line.meter_id is not None:
                seen.setdefault(line.meter_id, None)
        return tuple(seen)


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


def _first_beyond(draft: BillDraft, to_common: Callable[[Decimal, int | None], Decimal] | None) -> str | None:
    uses: dict[int, Decimal] = {}
    costs: dict[int | None, Decimal] = {}
    for line in draft.lines:
        where = f"meter {line.meter_id}" if line.meter_id is not None else "the account"
        if line.value is not None and _beyond(line.value, MAX_QUANTITY):
            return f"The {line.kind} of {where} ({_shown(line.value)})"
        if line.cost is not None and _beyond(line.cost, MAX_COST):
            return f"A cost of {where} ({_shown(line.cost)})"
        if line.cost is not None:
            costs[line.meter_id] = costs.get(line.meter_id, Decimal(0)) + line.cost
        if line.meter_id is not None and line.kind == "use" and line.value is not None:
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
