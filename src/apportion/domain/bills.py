"""Bill drafts: the shape every producer of bills (entry, split, calculation, import) hands to the writer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


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
