"""What one chargeback task hands its split or calculation work, and what each version reports back."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from apportion.domain import periods
from apportion.domain.bills import BillDraft, BillHeader
from apportion.store import bill_writer
from apportion.store.bill_writer import BillWriter
from apportion.store.database import UnitOfWork


@dataclass
class RunContext:
    """The open unit of work of one task: its ids, the batch's header defaults and the clock reading."""

    session: UnitOfWork
    task_id: int
    user_id: int
    batch_id: int
    header: BillHeader
    now: datetime
    start_date_for_bill: date | None = None
    end_date_for_bill: date | None = None
    writer: BillWriter | None = None
    progress: Callable[[str], None] | None = None

    def announce(self, label: str) -> None:
        """Tell whoever follows the task's progress what it is doing now ("splitting the bills of 9 versions")."""
        if self.progress is not None:
            self.progress(label)

    def bill_dates(self, period: int) -> tuple[date, date]:
        """Dates of a calculated bill: the request's, else the period's first day to the next period's.

        domain.md §4.4 "Bill dates": startDateForBill/endDateForBill when given; otherwise the billing
        period, ending on the following period's first day because the end date is not counted (§1.9).
        """
        begin = self.start_date_for_bill or periods.first_day(period)
        end = self.end_date_for_bill or periods.end_date(period)
        return begin, end

    def write(self, drafts: Sequence[BillDraft]) -> list[int]:
        """Write bills into the task's batch in one bulk insert; returns their ids in draft order."""
        if self.writer is None:
            self.writer = BillWriter(self.session)
        return self.writer.write(drafts, self.batch_id, self.user_id, self.now)


@dataclass
class VersionOutcome:
    """One version's result in a task: the source bill it split (splits), bills created, or its error."""

    version_id: int
    source_bill_id: int | None = None
    bill_ids: list[int] = field(default_factory=list)
    error_message: str | None = None
    billing_period: int | None = None  # the period the version ran for, when not the task's (aggregations)


def chunks(ids: Sequence[int], size: int = 5000) -> list[Sequence[int]]:
    """`ids` cut into slices small enough for one IN list on every backend."""
    return [ids[start : start + size] for start in range(0, len(ids), size)]


delete_bills_in = bill_writer.delete_bills
"""Delete bills (their lines and meter totals cascade); bills split from them forget their source."""
