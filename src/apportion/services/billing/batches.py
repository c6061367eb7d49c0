"""Batches: open (with header defaults), list, edit, close, change status, delete (domain.md §4.9)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import RowMapping, delete, func, select, update
from sqlalchemy.orm import Session, aliased

from apportion.domain import filters
from apportion.domain.batch_modes import BatchStatus
from apportion.domain.bills import BillHeader, invoice_number_for_bills
from apportion.domain.errors import NotFound, PermissionDenied, RuleViolation, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.services.access.auth import Principal
from apportion.services.chargebacks import corrections
from apportion.services.chargebacks.corrections import Cause, Change
from apportion.services.ids import fetch, parse_filter, require
from apportion.store import locks
from apportion.store.database import Database
from apportion.store.filtering import compile_filter
from apportion.store.models.bills import Batch, Bill
from apportion.store.models.users import User
from apportion.store.paging import AnySelect, Page, paginate
from apportion.store.sums import COST_SCALE, exact_sum

OPEN, PENDING, CLOSED = BatchStatus.OPEN, BatchStatus.PENDING, BatchStatus.CLOSED  # as this family names them
MAX_BATCH_INVOICE_NUMBER = 255

FILTERS = filters.specs(
    FieldSpec("batchId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("batchCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("batchStatus", FieldType.STRING, frozenset({"equals", "not equals", "one of", "not one of"})),
    FieldSpec("isOpen", FieldType.BOOLEAN, filters.BOOLEAN_OPS),
    FieldSpec("controlCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("invoiceNumber", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("note", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("userId", FieldType.INTEGER, filters.NUMBER_OPS),
)


@dataclass(frozen=True)
class BatchSettings:
    """BatchCreate: the code, whether to close the user's other open batches, and bill header defaults."""

    batch_code: str
    close_existing_batch: bool = False
    note: str | None = None
    statement_date: date | None = None
    due_date: date | None = None
    next_reading: date | None = None
    control_code: str | None = None
    invoice_number: str | None = None
    account_period_number: int | None = None
    account_period_year: int | None = None


def header_defaults(batch: Batch) -> BillHeader:
    """The defaults a batch applies to each bill added to it (accountPeriod = year x 100 + number); its invoice
    number only when it fits a bill's (domain.bills.invoice_number_for_bills)."""
    account_period = None
    if batch.account_period_year and batch.account_period_number:
        account_period = batch.account_period_year * 100 + batch.account_period_number
    return BillHeader(
        statement_date=batch.statement_date,
        due_date=batch.due_date,
        next_reading=batch.next_reading,
        control_code=batch.control_code,
        invoice_number=invoice_number_for_bills(batch.invoice_number),
        account_period=account_period,
    )


def _check_settings(settings: BatchSettings, prefix: str) -> None:
    errors: dict[str, list[str]] = {}
    if not settings.batch_code or not settings.batch_code.strip():
        errors[f"{prefix}batchCode"] = ["The batchCode field is required."]
    if settings.invoice_number is not None and len(settings.invoice_number) > MAX_BATCH_INVOICE_NUMBER:
        # models.md BatchCreate: 255; bills take it only when it fits their 32 (header_defaults).
        errors[f"{prefix}invoiceNumber"] = [f"invoiceNumber must be at most {MAX_BATCH_INVOICE_NUMBER} characters."]
    number = settings.account_period_number
    if number is not None and not 1 <= number <= 13:
        errors[f"{prefix}accountPeriodNumber"] = ["accountPeriodNumber must be between 1 and 13."]
    if errors:
        raise ValidationFailed(errors)


def open_batch_in(session: Session, settings: BatchSettings, user_id: int, now: datetime, prefix: str = "") -> Batch:
    """Open a new batch inside the caller's transaction; closes the user's open batches when asked."""
    _check_settings(settings, prefix)
    clash = session.execute(
        select(Batch.batch_id).where(func.lower(Batch.batch_code) == settings.batch_code.lower())
    ).first()
    if clash:
        raise RuleViolation(f"Batch code '{settings.batch_code}' is already in use.", field=f"{prefix}batchCode")
    if settings.close_existing_batch:
        close_open_batches(session, user_id, now)
    batch = Batch(
        batch_code=settings.batch_code,
        status=OPEN,
        created_by=user_id,
        start_date=now,
        note=settings.note,
        statement_date=settings.statement_date,
        due_date=settings.due_date,
        next_reading=settings.next_reading,
        control_code=settings.control_code,
        invoice_number=settings.invoice_number,
        account_period_number=settings.account_period_number,
        account_period_year=settings.account_period_year,
    )
    session.add(batch)
    session.flush()
    return batch


def close_open_batches(session: Session, user_id: int, now: datetime, except_ids: tuple[int, ...] = ()) -> None:
    """Close every open batch of a user."""
    session.execute(
        update(Batch)
        .where(Batch.created_by == user_id, Batch.status == OPEN, Batch.batch_id.not_in(except_ids or (0,)))
        .values(status=CLOSED, end_date=now)
    )


def open_batches_of(session: Session, user_id: int) -> list[Batch]:
    """The user's open batches, oldest first."""
    return list(
        session.execute(
            select(Batch).where(Batch.created_by == user_id, Batch.status == OPEN).order_by(Batch.batch_id)
        ).scalars()
    )


def batch_for_new_bill(session: Session, batch_id: int | None, principal: Principal, now: datetime) -> Batch:
    """The batch a bill created without a task goes into (domain.md §4.9 CreateBill, §7 Q17).

    An explicit batch must be open, and another user's needs BillsAndBatches Manage. Without one, the user's
    single open batch is used; several open batches is an error; none opens a new batch with an automatic code.
    """
    if batch_id is not None:
        batch = fetch(session, Batch, batch_id)
        if batch is None:
            # An id in a request body: a 400 naming the field, not a 404 (that is for path ids).
            raise ValidationFailed.single("batchId", f"Batch {batch_id} does not exist.")
        if batch.status != OPEN:
            raise RuleViolation(f"Batch {batch_id} is {batch.status.lower()}; bills go into open batches.", "batchId")
        if batch.created_by != principal.user_id and not principal.grants.allows("BillsAndBatches", "Manage"):
            raise PermissionDenied("Adding bills to another user's batch requires BillsAndBatches (Manage).")
        return batch
    locks.lock_batches_of(session, principal.user_id)
    batches = open_batches_of(session, principal.user_id)
    if len(batches) > 1:
        raise RuleViolation("You have several open batches; pass batchId to choose one.", "batchId")
    if batches:
        return batches[0]
    return open_batch_in(
        session, BatchSettings(automatic_code(session, principal.user_code, now)), principal.user_id, now
    )


def automatic_code(session: Session, user_code: str, now: datetime) -> str:
    """`<userCode>-<yyyyMMddHHmmss>`, with `-n` appended until unique (§7 Q13)."""
    base = f"{user_code}-{now:%Y%m%d%H%M%S}"
    code, n = base, 1
    while session.execute(select(Batch.batch_id).where(Batch.batch_code == code)).first():
        n += 1
        code = f"{base}-{n}"
    return code


@cache
def _select() -> AnySelect:
    """Batches with their creator and bill counters (count, running total, any imported bill); built once."""
    creator = aliased(User)
    counts = (
        select(
            Bill.batch_id,
            func.count().label("bill_count"),
            exact_sum(Bill.total_cost, COST_SCALE).label("running_total"),
            func.max(Bill.import_task_id).label("any_import"),
        )
        .group_by(Bill.batch_id)
        .subquery()
    )
    return (
        select(
            Batch,
            creator.user_id.label("created_user_id"),
            creator.user_code.label("created_user_code"),
            creator.full_name.label("created_full_name"),
            func.coalesce(counts.c.bill_count, 0).label("bill_count"),
            func.coalesce(counts.c.running_total, 0).label("running_total"),
            counts.c.any_import.label("any_import"),
        )
        .join(creator, creator.user_id == Batch.created_by)
        .outerjoin(counts, counts.c.batch_id == Batch.batch_id)
    )


def list_batches(db: Database, filter_text: str | None, page_number: int, page_size: int, today: date) -> Page:
    """One page of batches, newest first."""
    conditions = parse_filter(filter_text, FILTERS)
    targets = {
        "batchId": Batch.batch_id,
        "batchCode": Batch.batch_code,
        "batchStatus": Batch.status,
        "isOpen": Batch.status == OPEN,
        "controlCode": Batch.control_code,
        "invoiceNumber": Batch.invoice_number,
        "note": Batch.note,
        "userId": Batch.created_by,
    }
    where = compile_filter(conditions, targets, today)
    statement = _select().where(where).order_by(Batch.batch_id.desc())
    # The creator join is on a required key and the counters are an outer join: the batches alone count the same.
    with db.reading() as session:
        keys = select(Batch.batch_id).where(where)
        return paginate(session, statement, page_number, page_size, keys, keys.order_by(Batch.batch_id.desc()))


def get_batch(db: Database, batch_id: int) -> RowMapping:
    """One batch with its counters, or NotFound."""
    require(batch_id, "Batch")
    with db.reading() as session:
        row = session.execute(_select().where(Batch.batch_id == batch_id)).mappings().one_or_none()
    if row is None:
        raise NotFound("Batch", batch_id)
    return row


def open_batch(db: Database, settings: BatchSettings, principal: Principal, now: datetime) -> int:
    """POST /api/v3/batch: open a batch for the caller."""
    with db.transaction() as session:
        return open_batch_in(session, settings, principal.user_id, now).batch_id


def _owned(session: Session, batch_id: int, principal: Principal) -> Batch:
    batch = fetch(session, Batch, batch_id)
    if batch is None:
        raise NotFound("Batch", batch_id)
    if batch.created_by != principal.user_id and not principal.grants.allows("BillsAndBatches", "Manage"):
        raise PermissionDenied("Changing another user's batch requires BillsAndBatches (Manage).")
    return batch


def edit_batch(db: Database, batch_id: int, code: str, note: str | None, principal: Principal) -> None:
    """PUT /api/v3/batch/{id}: rename a batch and change its note (absent note = null)."""
    if not code or not code.strip():
        raise ValidationFailed.single("batchCode", "The batchCode field is required.")
    with db.transaction() as session:
        batch = _owned(session, batch_id, principal)
        clash = session.execute(
            select(Batch.batch_id).where(func.lower(Batch.batch_code) == code.lower(), Batch.batch_id != batch_id)
        ).first()
        if clash:
            raise RuleViolation(f"Batch code '{code}' is already in use.", field="batchCode")
        batch.batch_code = code
        batch.note = note


def _set_void(session: Session, batch_id: int, void: bool, user_id: int, now: datetime) -> None:
    """Void a batch's bills (undoing the chargeback bills made from them), or make them live again.

    Chargeback bills stay void when their batch comes back from pending: their sources were marked for a re-run
    when they were voided and may have been charged again since (services/chargebacks/corrections.py).
    """
    in_batch = select(Bill.bill_id).where(Bill.batch_id == batch_id, Bill.void.is_(not void))
    if void:
        bill_ids = list(session.execute(in_batch).scalars())
        corrections.undo_dependents(session, bill_ids, Change(Cause.BATCH_PENDING, user_id, now))
        session.execute(update(Bill).where(Bill.batch_id == batch_id).values(void=True))
        return
    revived = session.execute(
        update(Bill)
        .where(Bill.batch_id == batch_id, Bill.void.is_(True), Bill.chargeback_task_id.is_(None))
        .values(void=False)
        .returning(Bill.bill_id)
    )
    corrections.revive(session, list(revived.scalars()), user_id, now)


def close_batch(db: Database, batch_id: int, principal: Principal, now: datetime) -> None:
    """PUT /api/v3/batch/close/{id}: close an open or pending batch (pending bills are un-voided)."""
    update_status(db, batch_id, CLOSED, None, principal, now)


def update_status(
    db: Database,
    batch_id: int,
    status: str,
    note: str | None,
    principal: Principal,
    now: datetime,
    leave_open_batches_as_is: bool = False,
) -> None:
    """Open <- Pending, Pending <- Open, Closed <- Open|Pending, with the voiding rules of §4.9."""
    if status not in (OPEN, PENDING, CLOSED):
        raise ValidationFailed.single("batchStatus", "batchStatus must be one of Open, Pending, Closed.")
    with db.transaction() as session:
        batch = fetch(session, Batch, batch_id)
        if batch is None:
            raise NotFound("Batch", batch_id)
        own = batch.created_by == principal.user_id
        manage = principal.grants.allows("BillsAndBatches", "Manage")
        if status == OPEN:
            if batch.status != PENDING:
                raise RuleViolation(f"Batch {batch_id} must be pending to be opened; it is {batch.status.lower()}.")
            if not own and not leave_open_batches_as_is:
                # Opening another user's pending batch takes it over; the caller's open batches go pending.
                for mine in open_batches_of(session, principal.user_id):
                    mine.status = PENDING
                    _set_void(session, mine.batch_id, True, principal.user_id, now)
            batch.created_by = principal.user_id
            batch.end_date = None
            _set_void(session, batch_id, False, principal.user_id, now)
        else:
            if not own and not manage:
                raise PermissionDenied("Changing another user's batch requires BillsAndBatches (Manage).")
            if status == PENDING:
                if batch.status != OPEN:
                    raise RuleViolation(
                        f"Batch {batch_id} must be open to be made pending; it is {batch.status.lower()}."
                    )
                _set_void(session, batch_id, True, principal.user_id, now)
            else:
                if batch.status not in (OPEN, PENDING):
                    raise RuleViolation(f"Batch {batch_id} is already closed.")
                if batch.status == PENDING:
                    _set_void(session, batch_id, False, principal.user_id, now)
                batch.end_date = now
        batch.status = status
        if note is not None:
            batch.note = note


def delete_batch(db: Database, batch_id: int, principal: Principal, now: datetime) -> None:
    """DELETE /api/v3/batch/{id}: delete the batch and all its bills (§3.6); chargeback bills made from them
    (in other batches) are voided first (services/chargebacks/corrections.py)."""
    with db.transaction() as session:
        _owned(session, batch_id, principal)
        bill_ids = list(session.execute(select(Bill.bill_id).where(Bill.batch_id == batch_id)).scalars())
        change = Change(Cause.DELETED, principal.user_id, now, deleting=True)
        corrections.undo_dependents(session, bill_ids, change)
        session.execute(
            update(Bill)
            .where(Bill.source_bill_id.in_(select(Bill.bill_id).where(Bill.batch_id == batch_id)))
            .values(source_bill_id=None)
        )
        session.execute(delete(Bill).where(Bill.batch_id == batch_id))
        session.execute(delete(Batch).where(Batch.batch_id == batch_id))
