"""The review of a batch's bills before they go to the ledger (the /ui/batches/{id}/review page): each bill with its
flag, approval, export hold and AP/GL export state. The page's actions go through the same services as the API's
(approval.approve_bills, approval.hold_bills, exports.export_bills), with the same permissions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from apportion.domain import flags as flag_rules
from apportion.domain.errors import NotFound
from apportion.domain.flags import Flag
from apportion.domain.ids import parse_filter, require
from apportion.domain.scoping import Scope
from apportion.services.billing import batches
from apportion.services.billing.bills import FILTERS
from apportion.store.database import Database
from apportion.store.queries import bill_exports, workflow_settings
from apportion.store.queries import bills as stored_bills
from apportion.store.queries import flags as stored_flags
from apportion.store.queries.batches import BatchListing
from apportion.store.queries.bills import BillListing


@dataclass(frozen=True)
class ReviewRow:
    """A bill of the batch with its flag (None when unflagged) and the flag type's name."""

    bill: BillListing
    flag: Flag | None
    flag_type: str | None


@dataclass(frozen=True)
class BatchReview:
    """A page of the batch's bills to review, how many there are, and whether approval mode is on."""

    batch: BatchListing
    rows: tuple[ReviewRow, ...]
    total: int
    approval_on: bool


def batch_review(
    db: Database, batch_id: int, page_number: int, page_size: int, today: date, scope: Scope = Scope.WHOLE
) -> BatchReview:
    """One page of the batch's bills (those in `scope`) with their flags (NotFound for an unknown batch)."""
    listing = batches.get_batch(db, batch_id, scope)
    conditions = parse_filter(f"batchId equals '{listing.batch.batch_id}'", FILTERS)
    with db.reading() as session:
        page = stored_bills.list_bills(session, conditions, page_number, page_size, today, scope)
        flags = stored_flags.flags_of(session, [bill.bill_id for bill in page.rows])
        names = dict([*flag_rules.SYSTEM_TYPES.items(), *stored_flags.user_types(session)])
        approval_on = workflow_settings.load(session).approval_mode_enabled
    rows = []
    for bill in page.rows:
        flag = flags.get(bill.bill_id, (None, None))[1]
        rows.append(ReviewRow(bill, flag, names.get(flag.type_id) if flag is not None else None))
    return BatchReview(listing, tuple(rows), page.total, approval_on)


def batch_bill_ids(db: Database, batch_id: int) -> list[int]:
    """Every bill of the batch, by id (NotFound for an unknown batch)."""
    require(batch_id, "Batch")
    with db.reading() as session:
        found = bill_exports.bill_ids_in_batch(session, batch_id)
    if found is None:
        raise NotFound("Batch", batch_id)
    return sorted(found)
