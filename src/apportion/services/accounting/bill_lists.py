"""Saved bill lists and what EnergyCAP does to one: approve, hold, export, unexport, flag and split every bill of the
list (PUT /api/v3/list/{listId}/approve|exporthold|export|unexport|flagAction, POST /api/v3/list/{listId}/split,
operations.md §8), and the explicit split of named bills (POST /api/v3/bill/split, accounting.md §3.7).

EnergyCAP's listId names a saved bill list; operations.md has no operation that makes one, so Apportion makes,
reads and deletes them under /apportion/v1/billList. A list names its bills one by one, or keeps a filter of
GET /api/v3/bill that picks its bills each time the list is used. Each action runs the same service as its
id-based or account-based twin, inside one transaction with the reading of the list, so its rules (D5: void,
unknown and not permitted bills are counted but not changed) are theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from apportion.domain import flags as flag_rules
from apportion.domain.errors import NotFound, ValidationFailed
from apportion.domain.filters import Condition
from apportion.domain.ids import known, parse_filter, require
from apportion.domain.workflow import parse_export_mode
from apportion.services.access.auth import Principal
from apportion.services.accounting import approval, audits, exports, flags
from apportion.services.accounting.exports import ExportOutcome
from apportion.services.billing.bills import FILTERS
from apportion.services.runs import processing
from apportion.services.runs.processing import RunSettings
from apportion.services.runs.queue_interface import TaskQueue
from apportion.store.database import Database, UnitOfWork
from apportion.store.queries import bill_lists as stored
from apportion.store.queries.bill_lists import BillListRecord as BillListRecord
from apportion.store.queries.bills import BillPage

MAX_NAME = 64
MAX_NAMED_BILLS = 10_000  # bills a list may name one by one (a filter list has no limit)
MAX_FILTER = 4000

Clock = Callable[[], datetime]


def _checked_name(name: str | None) -> str:
    text = (name or "").strip()
    if not text:
        raise ValidationFailed.single("name", "name is required.")
    if len(text) > MAX_NAME:
        raise ValidationFailed.single("name", f"name must be at most {MAX_NAME} characters.")
    return text


def create_list(
    db: Database,
    name: str | None,
    bill_ids: Sequence[int] | None,
    filter_text: str | None,
    principal: Principal,
    now: datetime,
) -> BillListRecord:
    """A new list of the named bills, or of the bills a filter picks; exactly one of the two (400 otherwise).

    Every named id must be a bill (400 naming those that are not); the filter is checked as GET /api/v3/bill
    checks it.
    """
    text = _checked_name(name)
    if (bill_ids is None) == (filter_text is None):
        raise ValidationFailed.single("billIds", "Give either billIds or filter (exactly one of them).")
    ids: list[int] = []
    if filter_text is not None:
        if len(filter_text) > MAX_FILTER:
            raise ValidationFailed.single("filter", f"filter must be at most {MAX_FILTER} characters.")
        if not parse_filter(filter_text, FILTERS):
            raise ValidationFailed.single("filter", "filter must have at least one condition.")
    else:
        assert bill_ids is not None
        if not bill_ids:
            raise ValidationFailed.single("billIds", "billIds cannot be empty.")
        if len(set(bill_ids)) > MAX_NAMED_BILLS:
            raise ValidationFailed.single("billIds", f"A list may name at most {MAX_NAMED_BILLS:,} bills.")
        ids = sorted(set(bill_ids))
    with db.transaction() as session:
        if ids:
            missing = sorted(set(ids) - stored.existing(session, known(ids)))
            if missing:
                shown = ", ".join(map(str, missing[:20])) + (" ..." if len(missing) > 20 else "")
                raise ValidationFailed.single("billIds", f"These ids are not bills: {shown}.")
        list_id = stored.create(session, text, filter_text, ids, principal.user_id, now)
        record = stored.get(session, list_id)
    assert record is not None
    return record


def _record(session: UnitOfWork, list_id: int) -> BillListRecord:
    require(list_id, "Bill list")
    record = stored.get(session, list_id)
    if record is None:
        raise NotFound("Bill list", list_id)
    return record


def _conditions(record: BillListRecord) -> list[Condition] | None:
    return None if record.filter_text is None else parse_filter(record.filter_text, FILTERS)


def get_list(db: Database, list_id: int) -> BillListRecord:
    """One list (404 when there is none)."""
    with db.reading() as session:
        return _record(session, list_id)


def all_lists(db: Database) -> list[BillListRecord]:
    """Every saved list, by id."""
    with db.reading() as session:
        return stored.all_lists(session)


def delete_list(db: Database, list_id: int) -> None:
    """Delete a list (its bills stay as they are); 404 when there is none."""
    with db.transaction() as session:
        _record(session, list_id)
        stored.remove(session, list_id)


def bill_ids_in(session: UnitOfWork, list_id: int, today: date) -> list[int]:
    """The ids of the list's bills, in order, in the caller's unit of work: its members, or the bills its filter
    picks on `today`. NotFound (404) for an unknown list. Every list action reads its bills through this."""
    return stored.bill_ids(session, list_id, _conditions(_record(session, list_id)), today)


def list_bill_ids(db: Database, list_id: int, today: date) -> list[int]:
    """`bill_ids_in` in a unit of work of its own (for an operation that takes a listId and reads its bills)."""
    with db.reading() as session:
        return bill_ids_in(session, list_id, today)


def list_bills(db: Database, list_id: int, page_number: int, page_size: int, today: date) -> BillPage:
    """One page of the list's bills, as GET /api/v3/bill lists them."""
    with db.reading() as session:
        record = _record(session, list_id)
        return stored.bills_page(session, list_id, _conditions(record), today, page_number, page_size)


def _required(value: bool | None, field: str) -> bool:
    if value is None:
        raise ValidationFailed.single(field, f"The {field} field is required.")
    return value


def approve_list(
    db: Database, list_id: int, approve: bool | None, principal: Principal, now: datetime
) -> tuple[int, int]:
    """PUT /api/v3/list/{listId}/approve: (selected, updated), as PUT /api/v3/bill/approve on the list's bills."""
    wanted = _required(approve, "approve")
    with db.transaction() as session:
        return approval.approve_in(session, bill_ids_in(session, list_id, now.date()), wanted, principal, now)


def hold_list(db: Database, list_id: int, hold: bool | None, principal: Principal, today: date) -> tuple[int, int]:
    """PUT /api/v3/list/{listId}/exporthold: (selected, updated), as PUT /api/v3/bill/exporthold."""
    wanted = _required(hold, "exportHold")
    with db.transaction() as session:
        return approval.hold_in(session, bill_ids_in(session, list_id, today), wanted, principal)


def export_list(
    db: Database,
    list_id: int,
    mode_text: str | None,
    mark: bool,
    note: str | None,
    principal: Principal,
    now: datetime,
    guid: str,
) -> ExportOutcome:
    """PUT /api/v3/list/{listId}/export: every eligible bill of the list (at most 10,000 bills), as
    PUT /api/v3/bill/export."""
    mode = parse_export_mode(mode_text)
    exports.check_note(note)
    with db.transaction() as session:
        ids = bill_ids_in(session, list_id, now.date())
        return exports.export_in(session, ids, mode, mark, note, principal, now, guid)


def unexport_list(db: Database, list_id: int, mode_text: str | None, today: date) -> tuple[int, int]:
    """PUT /api/v3/list/{listId}/unexport: (selected, updated) on one stream, as PUT /api/v3/bill/unexport."""
    mode = parse_export_mode(mode_text)
    with db.transaction() as session:
        return exports.unexport_in(session, bill_ids_in(session, list_id, today), mode)


def flag_list(
    db: Database, list_id: int, edit: flag_rules.FlagEdit, principal: Principal, now: datetime
) -> tuple[int, int]:
    """PUT /api/v3/list/{listId}/flagAction: (selected, updated), as PUT /api/v3/flag/Bill/flagAction."""
    with db.transaction() as session:
        return flags.flag_in(session, bill_ids_in(session, list_id, now.date()), edit, principal, now)


def split_named(
    db: Database,
    bill_ids: Sequence[int] | None,
    settings: RunSettings,
    principal: Principal,
    clock: Clock,
    queue: TaskQueue | None = None,
) -> int:
    """POST /api/v3/bill/split: the task that split the named bills (processing.split_bills); 400 without ids."""
    if not bill_ids:
        raise ValidationFailed.single("ids", "ids cannot be empty.")
    return processing.split_bills(db, bill_ids, settings, principal, clock, queue=queue)


def split_list(
    db: Database,
    list_id: int,
    settings: RunSettings,
    principal: Principal,
    clock: Clock,
    queue: TaskQueue | None = None,
) -> int:
    """POST /api/v3/list/{listId}/split: the task that split the list's bills that can be split (404 for an
    unknown list; a list with none makes a task that split nothing)."""
    ids = list_bill_ids(db, list_id, clock().date())
    return processing.split_bills(db, ids, settings, principal, clock, queue=queue)


def audit_list(db: Database, list_id: int | None, user_id: int, now: datetime) -> audits.AuditReport:
    """Audit the bills of a saved list (`POST /api/v3/audit/exec?listId=`), read and audited in one transaction; an
    unknown list is a 404."""
    if list_id is None:
        raise ValidationFailed.single("listId", "The listId query parameter is required.")
    require(list_id, "Bill list")
    with db.transaction() as session:
        return audits.audit_bills(session, bill_ids_in(session, list_id, now.date()), user_id, now)
