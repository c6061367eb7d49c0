"""Batches: open (with header defaults), list, edit, close, change status, delete (domain.md §4.9)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from apportion.domain import filters
from apportion.domain.batch_modes import BatchStatus
from apportion.domain.bills import BillHeader, invoice_number_for_bills
from apportion.domain.errors import NotFound, PermissionDenied, RuleViolation, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.domain.ids import in_range, parse_filter, require
from apportion.domain.scoping import Scope
from apportion.services.access.auth import Principal
from apportion.services.accounting import exports
from apportion.services.chargebacks import corrections
from apportion.services.chargebacks.corrections import Cause, Change
from apportion.store import locks
from apportion.store.database import Database, UnitOfWork
from apportion.store.queries import batches as stored
from apportion.store.queries.batches import BatchListing as BatchListing
from apportion.store.queries.batches import BatchPage as BatchPage
from apportion.store.queries.batches import BatchRecord, NewBatch

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
    FieldSpec("accountPeriod", FieldType.DATE_PERIOD, filters.NUMBER_OPS),
    FieldSpec("billCount", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("runningTotal", FieldType.DECIMAL, filters.NUMBER_OPS),
    FieldSpec("dueDate", FieldType.DATE_TIME, filters.NUMBER_OPS),
    FieldSpec("nextReading", FieldType.DATE_TIME, filters.NUMBER_OPS),
    FieldSpec("statementDate", FieldType.DATE_TIME, filters.NUMBER_OPS),
    FieldSpec("beginDate", FieldType.DATE_TIME, filters.NUMBER_OPS),
    FieldSpec("endDate", FieldType.DATE_TIME, filters.NUMBER_OPS),
    FieldSpec("fullName", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("HasImportsWithKickout", FieldType.BOOLEAN, frozenset({"equals"})),
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


def header_defaults(batch: BatchRecord) -> BillHeader:
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


def new_batch(
    session: UnitOfWork, settings: BatchSettings, user_id: int, now: datetime, prefix: str = ""
) -> BatchRecord:
    """Open a new batch inside the caller's transaction; closes the user's open batches when asked."""
    _check_settings(settings, prefix)
    if stored.code_in_use(session, settings.batch_code):
        raise RuleViolation(f"Batch code '{settings.batch_code}' is already in use.", field=f"{prefix}batchCode")
    if settings.close_existing_batch:
        stored.close_open_batches(session, user_id, now)
    new = NewBatch(
        batch_code=settings.batch_code,
        note=settings.note,
        statement_date=settings.statement_date,
        due_date=settings.due_date,
        next_reading=settings.next_reading,
        control_code=settings.control_code,
        invoice_number=settings.invoice_number,
        account_period_number=settings.account_period_number,
        account_period_year=settings.account_period_year,
    )
    return stored.insert_batch(session, new, user_id, now)


def batch_for_new_bill(session: UnitOfWork, batch_id: int | None, principal: Principal, now: datetime) -> BatchRecord:
    """The batch a bill created without a task goes into (domain.md §4.9 CreateBill, §7 Q17).

    An explicit batch must be open, and another user's needs BillsAndBatches Manage. Without one, the user's
    single open batch is used; several open batches is an error; none opens a new batch with an automatic code.
    """
    if batch_id is not None:
        batch = stored.batch(session, batch_id) if in_range(batch_id) else None
        if batch is None:
            # An id in a request body: a 400 naming the field, not a 404 (that is for path ids).
            raise ValidationFailed.single("batchId", f"Batch {batch_id} does not exist.")
        if batch.status != OPEN:
            raise RuleViolation(f"Batch {batch_id} is {batch.status.lower()}; bills go into open batches.", "batchId")
        if batch.created_by != principal.user_id and not principal.grants.allows("BillsAndBatches", "Manage"):
            raise PermissionDenied("Adding bills to another user's batch requires BillsAndBatches (Manage).")
        return batch
    locks.lock_batches_of(session, principal.user_id)
    batches = stored.open_batches_of(session, principal.user_id)
    if len(batches) > 1:
        raise RuleViolation("You have several open batches; pass batchId to choose one.", "batchId")
    if batches:
        return batches[0]
    return new_batch(session, BatchSettings(automatic_code(session, principal.user_code, now)), principal.user_id, now)


def automatic_code(session: UnitOfWork, user_code: str, now: datetime) -> str:
    """`<userCode>-<yyyyMMddHHmmss>`, with `-n` appended until unique (§7 Q13)."""
    base = f"{user_code}-{now:%Y%m%d%H%M%S}"
    code, n = base, 1
    while stored.code_taken_exactly(session, code):
        n += 1
        code = f"{base}-{n}"
    return code


def list_batches(
    db: Database, filter_text: str | None, page_number: int, page_size: int, today: date, scope: Scope = Scope.WHOLE
) -> BatchPage:
    """One page of batches, newest first; a scoped user's counters count only the bills in its scope."""
    conditions = parse_filter(filter_text, FILTERS)
    with db.reading() as session:
        return stored.list_batches(session, conditions, page_number, page_size, today, scope)


def get_batch(db: Database, batch_id: int, scope: Scope = Scope.WHOLE) -> BatchListing:
    """One batch with its counters (of the bills in `scope`), or NotFound."""
    require(batch_id, "Batch")
    with db.reading() as session:
        listing = stored.batch_listing(session, batch_id, scope)
    if listing is None:
        raise NotFound("Batch", batch_id)
    return listing


def open_batch(db: Database, settings: BatchSettings, principal: Principal, now: datetime) -> int:
    """POST /api/v3/batch: open a batch for the caller."""
    with db.transaction() as session:
        return new_batch(session, settings, principal.user_id, now).batch_id


def _existing(session: UnitOfWork, batch_id: int) -> BatchRecord:
    batch = stored.batch(session, batch_id) if in_range(batch_id) else None
    if batch is None:
        raise NotFound("Batch", batch_id)
    return batch


def _owned(session: UnitOfWork, batch_id: int, principal: Principal) -> BatchRecord:
    batch = _existing(session, batch_id)
    if batch.created_by != principal.user_id and not principal.grants.allows("BillsAndBatches", "Manage"):
        raise PermissionDenied("Changing another user's batch requires BillsAndBatches (Manage).")
    return batch


def edit_batch(db: Database, batch_id: int, code: str, note: str | None, principal: Principal) -> None:
    """PUT /api/v3/batch/{id}: rename a batch and change its note (absent note = null)."""
    if not code or not code.strip():
        raise ValidationFailed.single("batchCode", "The batchCode field is required.")
    with db.transaction() as session:
        _owned(session, batch_id, principal)
        if stored.code_in_use(session, code, except_batch_id=batch_id):
            raise RuleViolation(f"Batch code '{code}' is already in use.", field="batchCode")
        stored.rename(session, batch_id, code, note)


def _set_void(session: UnitOfWork, batch_id: int, void: bool, user_id: int, now: datetime) -> None:
    """Void a batch's bills (undoing the chargeback bills made from them), or make them live again.

    Chargeback bills stay void when their batch comes back from pending: their sources were marked for a re-run
    when they were voided and may have been charged again since (services/chargebacks/corrections.py).
    """
    if void:
        bill_ids = stored.bill_ids_in(session, batch_id, void=False)
        corrections.undo_dependents(session, bill_ids, Change(Cause.BATCH_PENDING, user_id, now))
        stored.void_bills_in(session, batch_id)
        return
    revived = stored.revive_vendor_bills_in(session, batch_id)
    corrections.revive(session, revived, user_id, now)
    exports.repost_revived(session, revived)


def mark_pending(session: UnitOfWork, batch_id: int, user_id: int, now: datetime) -> None:
    """Set a batch Pending and void its bills, inside the caller's transaction (an import with errors under the
    MarkBatchPending workflow setting, domain.md Q27)."""
    _set_void(session, batch_id, True, user_id, now)
    stored.set_status(session, batch_id, PENDING)


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
        batch = _existing(session, batch_id)
        own = batch.created_by == principal.user_id
        manage = principal.grants.allows("BillsAndBatches", "Manage")
        if status == OPEN:
            if batch.status != PENDING:
                raise RuleViolation(f"Batch {batch_id} must be pending to be opened; it is {batch.status.lower()}.")
            if not own and not leave_open_batches_as_is:
                # Opening another user's pending batch takes it over; the caller's open batches go pending.
                for mine in stored.open_batches_of(session, principal.user_id):
                    stored.set_status(session, mine.batch_id, PENDING)
                    _set_void(session, mine.batch_id, True, principal.user_id, now)
            stored.reopen_for(session, batch_id, principal.user_id)
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
                stored.set_status(session, batch_id, PENDING)
            else:
                if batch.status not in (OPEN, PENDING):
                    raise RuleViolation(f"Batch {batch_id} is already closed.")
                if batch.status == PENDING:
                    _set_void(session, batch_id, False, principal.user_id, now)
                stored.close(session, batch_id, now)
        if note is not None:
            stored.set_note(session, batch_id, note)


def delete_batch(db: Database, batch_id: int, principal: Principal, now: datetime) -> None:
    """DELETE /api/v3/batch/{id}: delete the batch and all its bills (§3.6); chargeback bills made from them
    (in other batches) are voided first (services/chargebacks/corrections.py)."""
    with db.transaction() as session:
        _owned(session, batch_id, principal)
        bill_ids = stored.bill_ids_in(session, batch_id)
        change = Change(Cause.DELETED, principal.user_id, now, deleting=True)
        corrections.undo_dependents(session, bill_ids, change)
        stored.delete_with_bills(session, batch_id)
