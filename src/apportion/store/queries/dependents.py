"""What depends on an account, a meter or an account-meter link: its bills and the chargeback versions using it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

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


def delete_bills(session: Session, bill_ids: Sequence[int]) -> None:
    """Delete bills; the split bills made from them keep their amounts and lose their source (as POST /bill/delete
    does)."""
    ids = sorted(set(bill_ids))
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        session.execute(update(Bill).where(Bill.source_bill_id.in_(chunk)).values(source_bill_id=None))
        session.execute(delete(Bill).where(Bill.bill_id.in_(chunk)))


def versions_using(session: Session, account_id: int | None = None, meter_id: int | None = None) -> int:
    """How many bill split or calculated bill versions use the account, the meter or the pair (as their own or as
    a split destination)."""
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
    return int(versions) + int(destinations)
