"""Bills' accounting state as typed values, and its writes: approve, hold, mark and clear exports (accounting.md).

Every write takes the ids a domain rule chose and changes them in one statement (ids travel as one bound list,
store.id_lists), inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from apportion.domain.approval import BillAccountingState
from apportion.domain.workflow import ExportMode
from apportion.store.id_lists import among
from apportion.store.models.bills import Bill, BillMeter
from apportion.store.models.organisation import Account, Meter

_STATE = (
    Bill.bill_id,
    Bill.void,
    Bill.approved,
    Bill.exported,
    Bill.gl_exported,
    Bill.export_hold,
    Bill.total_cost,
)


def states(session: Session, bill_ids: Sequence[int]) -> list[BillAccountingState]:
    """The accounting state of those of the ids that are bills, by id."""
    rows = session.execute(select(*_STATE).where(among(Bill.bill_id, bill_ids)).order_by(Bill.bill_id))
    return [BillAccountingState(*row) for row in rows]


def state(session: Session, bill_id: int) -> BillAccountingState | None:
    """One bill's accounting state, or None."""
    found = states(session, [bill_id])
    return found[0] if found else None


def account_exists(session: Session, account_id: int) -> bool:
    """Whether the account exists."""
    return session.get(Account, account_id) is not None


def meter_exists(session: Session, meter_id: int) -> bool:
    """Whether the meter exists."""
    return session.get(Meter, meter_id) is not None


def account_bill_ids(session: Session, account_id: int) -> list[int]:
    """Every bill of the account, by id."""
    statement = select(Bill.bill_id).where(Bill.account_id == account_id).order_by(Bill.bill_id)
    return list(session.execute(statement).scalars())


def meter_bill_ids(session: Session, meter_id: int) -> list[int]:
    """Every bill with a line on the meter, by id."""
    statement = select(BillMeter.bill_id).where(BillMeter.meter_id == meter_id).order_by(BillMeter.bill_id)
    return list(session.execute(statement).scalars())


def set_approved(session: Session, bill_ids: Sequence[int], approve: bool, user_id: int, now: datetime) -> None:
    """Approve the bills (by the user, now), or unapprove them (clearing who and when)."""
    if not bill_ids:
        return
    values = (
        {"approved": True, "approve_date": now, "approved_by": user_id}
        if approve
        else {"approved": False, "approve_date": None, "approved_by": None}
    )
    session.execute(update(Bill).where(among(Bill.bill_id, bill_ids)).values(**values))


def set_export_hold(session: Session, bill_ids: Sequence[int], hold: bool) -> None:
    """Place or release the export hold of the bills."""
    if bill_ids:
        session.execute(update(Bill).where(among(Bill.bill_id, bill_ids)).values(export_hold=hold))


def set_exported(
    session: Session,
    bill_ids: Sequence[int],
    mode: ExportMode,
    exported: bool,
    user_id: int | None,
    now: datetime | None,
) -> None:
    """Mark the bills exported on one stream (by the user, now), or clear that stream's flag, date and user."""
    if not bill_ids:
        return
    when, who = (now, user_id) if exported else (None, None)
    values = (
        {"exported": exported, "export_date": when, "exported_by": who}
        if mode is ExportMode.AP
        else {"gl_exported": exported, "gl_export_date": when, "gl_exported_by": who}
    )
    session.execute(update(Bill).where(among(Bill.bill_id, bill_ids)).values(**values))
