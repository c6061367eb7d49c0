"""What depends on an account, a meter or an account-meter link: bills and chargeback versions.

Deletes of master data consult these inside their own transaction: bills block a delete unless the caller
passes deleteBills=true (operations.md §3), chargeback versions always block it (domain.md §2.6 item 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from apportion.domain.errors import RuleViolation
from apportion.services.chargebacks import corrections
from apportion.services.chargebacks.corrections import Cause, Change
from apportion.store.models.bills import Bill, BillMeter
from apportion.store.models.chargebacks import DistributionVersion, SplitDestination


def account_bill_ids(session: Session, account_id: int) -> list[int]:
    """Every bill on the account."""
    return list(session.execute(select(Bill.bill_id).where(Bill.account_id == account_id)).scalars())


def meter_bill_ids(session: Session, meter_id: int) -> list[int]:
    """Every bill with a line on the meter."""
    return list(session.execute(select(BillMeter.bill_id).where(BillMeter.meter_id == meter_id)).scalars())


def link_bill_ids(
    session: Session, account_id: int, meter_id: int, begin: date, end: date, outside: bool = False
) -> list[int]:
    """Bills of the account on the meter that the link covers some day of (or, with `outside`, none).

    A link covers [begin, end) and a bill [begin_date, end_date) (a one-day bill its begin day): a read date ends
    one span and starts the next (domain.md §1.9), so a link ending the day a bill begins does not cover it.
    """
    one_day = (Bill.end_date == Bill.begin_date) & (Bill.begin_date >= begin)
    covered = (Bill.begin_date < end) & ((Bill.end_date > begin) | one_day)
    statement = (
        select(Bill.bill_id)
        .join(BillMeter, BillMeter.bill_id == Bill.bill_id)
        .where(Bill.account_id == account_id, BillMeter.meter_id == meter_id, ~covered if outside else covered)
    )
    return list(session.execute(statement).scalars())


def refuse_or_delete_bills(
    session: Session, bill_ids: Sequence[int], delete_bills: bool, what: str, user_id: int, now: datetime
) -> None:
    """Refuse (400) when bills exist and deleteBills is not true; otherwise delete them, after voiding the
    chargeback bills made from them (services/chargebacks/corrections.py)."""
    if not bill_ids:
        return
    if not delete_bills:
        raise RuleViolation(
            f"{what} has {len(set(bill_ids))} bill(s); pass deleteBills=true to delete them too.", field="deleteBills"
        )
    ids = sorted(set(bill_ids))
    corrections.undo_dependents(session, ids, Change(Cause.DELETED, user_id, now, deleting=True))
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        # A split source bill's children keep their amounts (as POST /bill/delete does).
        session.execute(update(Bill).where(Bill.source_bill_id.in_(chunk)).values(source_bill_id=None))
        session.execute(delete(Bill).where(Bill.bill_id.in_(chunk)))


def refuse_if_in_versions(
    session: Session, what: str, account_id: int | None = None, meter_id: int | None = None
) -> None:
    """Refuse (400) when a bill split or calculated bill version uses the account, the meter or the pair."""
    version_terms = []
    destination_terms = []
    if account_id is not None:
        version_terms.append(DistributionVersion.account_id == account_id)
        destination_terms.append(SplitDestination.account_id == account_id)
    if meter_id is not None:
        version_terms.append(DistributionVersion.meter_id == meter_id)
        destination_terms.append(SplitDestination.meter_id == meter_id)
    versions = session.execute(select(func.count()).select_from(DistributionVersion).where(*version_terms)).scalar_one()
    destinations = session.execute(
        select(func.count(func.distinct(SplitDestination.version_id))).where(*destination_terms)
    ).scalar_one()
    if versions or destinations:
        raise RuleViolation(
            f"{what} is used by {versions + destinations} bill split or calculated bill version(s); "
            "remove it from them first."
        )
