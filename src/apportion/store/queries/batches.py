"""Batches as typed values: read one or a user's open ones, list them with their bill counters, open, rename,
change status and delete them (domain.md §4.9), and the batch-wide bill writes a status change makes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple, TypeAlias

from sqlalchemy import RowMapping, ScalarSelect, Select, and_, case, delete, exists, func, insert, select, update
from sqlalchemy.orm import Session

from apportion.domain.batch_modes import BatchStatus
from apportion.domain.filters import Condition, FieldType
from apportion.domain.flags import FlagStatus
from apportion.domain.scoping import Scope
from apportion.domain.task_status import TaskStatus
from apportion.store import scoping
from apportion.store.filtering import Clause, compile_condition, compile_filter
from apportion.store.models.accounting import BillFlag
from apportion.store.models.bills import Batch, Bill
from apportion.store.models.imports import Task
from apportion.store.models.users import User
from apportion.store.paging import TypedPage, paginate
from apportion.store.queries.children import UserChild, join_user
from apportion.store.queries.shaped import Shaped
from apportion.store.sums import COST_SCALE, exact_sum, minor_units_sum

_BATCH_COLUMNS = (
    Batch.batch_id,
    Batch.batch_code,
    Batch.status,
    Batch.created_by,
    Batch.start_date,
    Batch.end_date,
    Batch.note,
    Batch.statement_date,
    Batch.due_date,
    Batch.next_reading,
    Batch.control_code,
    Batch.invoice_number,
    Batch.account_period_number,
    Batch.account_period_year,
)


@dataclass(frozen=True)
class BatchRecord:
    """A batch: its code, status (Open, Pending or Closed), owner, dates and the bill header defaults it keeps.
    The fields are in `_BATCH_COLUMNS`' order."""

    batch_id: int
    batch_code: str
    status: str
    created_by: int
    start_date: datetime
    end_date: datetime | None
    note: str | None
    statement_date: date | None
    due_date: date | None
    next_reading: date | None
    control_code: str | None
    invoice_number: str | None
    account_period_number: int | None
    account_period_year: int | None


@dataclass(frozen=True)
class NewBatch:
    """What opening a batch writes besides its id, status and dates."""

    batch_code: str
    note: str | None = None
    statement_date: date | None = None
    due_date: date | None = None
    next_reading: date | None = None
    control_code: str | None = None
    invoice_number: str | None = None
    account_period_number: int | None = None
    account_period_year: int | None = None


@dataclass(frozen=True)
class BatchListing:
    """A batch as GET /api/v3/batch answers it: with its creator and its bills' counters."""

    batch: BatchRecord
    created_by: UserChild | None
    bill_count: int
    running_total: Decimal
    has_imported_bills: bool
    flag_count: int = 0  # unresolved flags on the batch's live bills


BatchPage: TypeAlias = TypedPage[BatchListing]
"""One page of batches and the number of batches the filter matches."""


def _record(row: Sequence[Any]) -> BatchRecord:
    return BatchRecord(*row[: len(_BATCH_COLUMNS)])


# Reads -------------------------------------------------------------------------------------------------------------


def batch(session: Session, batch_id: int) -> BatchRecord | None:
    """One batch, or None."""
    row = session.execute(select(*_BATCH_COLUMNS).where(Batch.batch_id == batch_id)).first()
    return None if row is None else _record(row)


def batches(session: Session, batch_ids: Sequence[int]) -> list[BatchRecord]:
    """The batches among `batch_ids` that exist, in the order of `batch_ids`."""
    if not batch_ids:
        return []
    found = {
        record.batch_id: record
        for record in map(_record, session.execute(select(*_BATCH_COLUMNS).where(Batch.batch_id.in_(batch_ids))))
    }
    return [found[i] for i in batch_ids if i in found]


def open_batches_of(session: Session, user_id: int) -> list[BatchRecord]:
    """The user's open batches, oldest first."""
    statement = select(*_BATCH_COLUMNS).where(Batch.created_by == user_id, Batch.status == BatchStatus.OPEN)
    return [_record(row) for row in session.execute(statement.order_by(Batch.batch_id))]


def batches_with_code(session: Session, code: str) -> list[BatchRecord]:
    """The batches whose code is `code` without regard to case, by id."""
    statement = select(*_BATCH_COLUMNS).where(func.lower(Batch.batch_code) == code.lower())
    return [_record(row) for row in session.execute(statement.order_by(Batch.batch_id))]


def code_in_use(session: Session, code: str, except_batch_id: int | None = None) -> bool:
    """Whether another batch has this code, without regard to case."""
    statement = select(Batch.batch_id).where(func.lower(Batch.batch_code) == code.lower())
    if except_batch_id is not None:
        statement = statement.where(Batch.batch_id != except_batch_id)
    return session.execute(statement).first() is not None


def code_taken_exactly(session: Session, code: str) -> bool:
    """Whether a batch has exactly this code (automatic codes are compared as written)."""
    return session.execute(select(Batch.batch_id).where(Batch.batch_code == code)).first() is not None


class BatchOwner(NamedTuple):
    """The user a batch is opened for: their code (automatic batch codes start with it) and permissions document."""

    user_code: str
    permissions: dict[str, Any]


def owner(session: Session, user_id: int) -> BatchOwner | None:
    """The user's code and permissions, or None."""
    row = session.execute(select(User.user_code, User.permissions).where(User.user_id == user_id)).first()
    return None if row is None else BatchOwner(row.user_code, row.permissions or {})


def bill_ids_in(session: Session, batch_id: int, void: bool | None = None) -> list[int]:
    """The batch's bills (only the void or only the live ones when `void` is given), by id."""
    statement = select(Bill.bill_id).where(Bill.batch_id == batch_id)
    if void is not None:
        statement = statement.where(Bill.void.is_(void))
    return list(session.execute(statement.order_by(Bill.bill_id)).scalars())


def _listings(scope: Scope = Scope.WHOLE) -> Shaped[BatchListing]:
    """Batches with their creator and bill counters (count, running total, any imported bill, flags), counting the
    bills in `scope` (docs/scoping.md); built once for the whole tree."""
    bills = scoping.bill_ids(scope)
    return _whole_listings() if bills is None else _counted(bills)


@cache
def _whole_listings() -> Shaped[BatchListing]:
    return _counted(None)


def _counted(bills: Select[Any] | None) -> Shaped[BatchListing]:
    """Batches with counters of their bills (of those among `bills` when given)."""
    counts = (
        select(
            Bill.batch_id,
            func.count().label("bill_count"),
            exact_sum(Bill.total_cost, COST_SCALE).label("running_total"),
            func.max(Bill.import_task_id).label("any_import"),
            func.sum(case((and_(BillFlag.status_id == FlagStatus.UNRESOLVED, Bill.void.is_(False)), 1), else_=0)).label(
                "flag_count"
            ),
        )
        .outerjoin(BillFlag, BillFlag.bill_id == Bill.bill_id)
        .where(scoping.within(Bill.bill_id, bills))
        .group_by(Bill.batch_id)
        .subquery()
    )
    statement, read_creator = join_user(select(*_BATCH_COLUMNS), Batch.created_by)
    statement = statement.add_columns(
        func.coalesce(counts.c.bill_count, 0).label("bill_count"),
        func.coalesce(counts.c.running_total, 0).label("running_total"),
        counts.c.any_import.label("any_import"),
        func.coalesce(counts.c.flag_count, 0).label("flag_count"),
    ).outerjoin(counts, counts.c.batch_id == Batch.batch_id)

    def read(row: RowMapping) -> BatchListing:
        return BatchListing(
            batch=BatchRecord(*(row[column.key] for column in _BATCH_COLUMNS)),
            created_by=read_creator(row),
            bill_count=row["bill_count"],
            running_total=row["running_total"],
            has_imported_bills=row["any_import"] is not None,
            flag_count=int(row["flag_count"]),
        )

    return Shaped(statement, read)


def batch_listing(session: Session, batch_id: int, scope: Scope = Scope.WHOLE) -> BatchListing | None:
    """One batch with its creator and counters (of the bills in `scope`), or None."""
    return _listings(scope).one(session, Batch.batch_id == batch_id)


def _running_total(bills: Select[Any] | None) -> Callable[[Condition], Clause]:
    """runningTotal: the batch's bills' (those among `bills` when given) total cost, compared exactly in cents (an
    integer sum on both databases)."""

    def compiled(condition: Condition) -> Clause:
        cents = (
            select(func.coalesce(minor_units_sum(Bill.total_cost, COST_SCALE), 0))
            .where(Bill.batch_id == Batch.batch_id, scoping.within(Bill.bill_id, bills))
            .scalar_subquery()
        )
        scale = Decimal(10) ** COST_SCALE
        in_cents = replace(
            condition, type=FieldType.INTEGER, values=tuple(Decimal(str(v)) * scale for v in condition.values)
        )
        return compile_condition(in_cents, cents, date.min)

    return compiled


def _bill_count(bills: Select[Any] | None) -> ScalarSelect[int]:
    """billCount: how many of the batch's bills (those among `bills` when given) there are."""
    return (
        select(func.count())
        .where(Bill.batch_id == Batch.batch_id, scoping.within(Bill.bill_id, bills))
        .scalar_subquery()
    )


FILTER_TARGETS: dict[str, Any] = {
    "batchId": Batch.batch_id,
    "batchCode": Batch.batch_code,
    "batchStatus": Batch.status,
    "isOpen": Batch.status == BatchStatus.OPEN,
    "controlCode": Batch.control_code,
    "invoiceNumber": Batch.invoice_number,
    "note": Batch.note,
    "userId": Batch.created_by,
    "accountPeriod": Batch.account_period_year * 100 + Batch.account_period_number,
    "billCount": _bill_count(None),
    "runningTotal": _running_total(None),
    "dueDate": Batch.due_date,
    "nextReading": Batch.next_reading,
    "statementDate": Batch.statement_date,
    "beginDate": Batch.start_date,
    "endDate": Batch.end_date,
    "fullName": select(User.full_name).where(User.user_id == Batch.created_by).scalar_subquery(),
    "HasImportsWithKickout": exists().where(
        Task.batch_id == Batch.batch_id, Task.status == TaskStatus.COMPLETED_WITH_KICKOUTS
    ),
}
"""The column each filter field of GET /api/v3/batch compares (services.billing.batches.FILTERS)."""


def _targets(scope: Scope) -> dict[str, Any]:
    """FILTER_TARGETS with billCount and runningTotal of the bills in `scope`."""
    bills = scoping.bill_ids(scope)
    if bills is None:
        return FILTER_TARGETS
    return {**FILTER_TARGETS, "billCount": _bill_count(bills), "runningTotal": _running_total(bills)}


def list_batches(
    session: Session,
    conditions: Sequence[Condition],
    page_number: int,
    page_size: int,
    today: date,
    scope: Scope = Scope.WHOLE,
) -> BatchPage:
    """One page of the batches meeting every condition, newest first; a scoped user's counters (and filters on
    them) count only the bills in its scope."""
    where = compile_filter(conditions, _targets(scope), today)
    listings = _listings(scope)
    statement = listings.statement.where(where).order_by(Batch.batch_id.desc())
    # The creator join is on a required key and the counters are an outer join: the batches alone count the same.
    keys = select(Batch.batch_id).where(where)
    page = paginate(session, statement, page_number, page_size, keys, keys.order_by(Batch.batch_id.desc()))
    return TypedPage([listings.read(row) for row in page.rows], page.total)


# Writes ------------------------------------------------------------------------------------------------------------


def insert_batch(session: Session, new: NewBatch, user_id: int, now: datetime) -> BatchRecord:
    """Open a batch for the user, started now."""
    values: dict[str, Any] = {
        "batch_code": new.batch_code,
        "status": BatchStatus.OPEN,
        "created_by": user_id,
        "start_date": now,
        "end_date": None,
        "note": new.note,
        "statement_date": new.statement_date,
        "due_date": new.due_date,
        "next_reading": new.next_reading,
        "control_code": new.control_code,
        "invoice_number": new.invoice_number,
        "account_period_number": new.account_period_number,
        "account_period_year": new.account_period_year,
    }
    batch_id = session.execute(insert(Batch).values(values).returning(Batch.batch_id)).scalar_one()
    return BatchRecord(batch_id=batch_id, **values)


def close_open_batches(session: Session, user_id: int, now: datetime) -> None:
    """Close every open batch of a user."""
    session.execute(
        update(Batch)
        .where(Batch.created_by == user_id, Batch.status == BatchStatus.OPEN)
        .values(status=BatchStatus.CLOSED, end_date=now)
    )


def close_batches(session: Session, batch_ids: Sequence[int], now: datetime) -> None:
    """Close those of the batches that are still open."""
    session.execute(
        update(Batch)
        .where(Batch.batch_id.in_(batch_ids), Batch.status == BatchStatus.OPEN)
        .values(status=BatchStatus.CLOSED, end_date=now)
    )


def rename(session: Session, batch_id: int, code: str, note: str | None) -> None:
    """Give a batch a new code and note."""
    session.execute(update(Batch).where(Batch.batch_id == batch_id).values(batch_code=code, note=note))


def set_status(session: Session, batch_id: int, status: str) -> None:
    """Change a batch's status, leaving its dates."""
    session.execute(update(Batch).where(Batch.batch_id == batch_id).values(status=status))


def close(session: Session, batch_id: int, now: datetime) -> None:
    """Close a batch now."""
    session.execute(update(Batch).where(Batch.batch_id == batch_id).values(status=BatchStatus.CLOSED, end_date=now))


def reopen_for(session: Session, batch_id: int, user_id: int) -> None:
    """Open a pending batch again as the user's own (§4.9: opening another user's pending batch takes it over)."""
    session.execute(
        update(Batch)
        .where(Batch.batch_id == batch_id)
        .values(status=BatchStatus.OPEN, created_by=user_id, end_date=None)
    )


def set_note(session: Session, batch_id: int, note: str) -> None:
    """Replace a batch's note."""
    session.execute(update(Batch).where(Batch.batch_id == batch_id).values(note=note))


def void_bills_in(session: Session, batch_id: int) -> None:
    """Void every bill of the batch."""
    session.execute(update(Bill).where(Bill.batch_id == batch_id).values(void=True))


def revive_vendor_bills_in(session: Session, batch_id: int) -> list[int]:
    """Make the batch's void bills live again, except chargeback bills; the ids made live."""
    revived = session.execute(
        update(Bill)
        .where(Bill.batch_id == batch_id, Bill.void.is_(True), Bill.chargeback_task_id.is_(None))
        .values(void=False)
        .returning(Bill.bill_id)
    )
    return list(revived.scalars())


def delete_with_bills(session: Session, batch_id: int) -> None:
    """Delete a batch and its bills; bills elsewhere made from them forget their source (§3.6)."""
    session.execute(
        update(Bill)
        .where(Bill.source_bill_id.in_(select(Bill.bill_id).where(Bill.batch_id == batch_id)))
        .values(source_bill_id=None)
    )
    session.execute(delete(Bill).where(Bill.batch_id == batch_id))
    session.execute(delete(Batch).where(Batch.batch_id == batch_id))
