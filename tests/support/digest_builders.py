"""Chargeback runs written straight into the store, as a processor would leave them: split destinations, tasks,
the versions each task processed, and bills (through BillWriter) that remember their task, version and source.

The digest reads only these rows, so its tests do not depend on the processors' own rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from apportion.domain import periods
from apportion.domain.bills import BillDraft, BillOrigin, LineDraft
from apportion.store.bill_writer import BillWriter
from apportion.store.database import Database
from apportion.store.models.bills import Batch, Bill
from apportion.store.models.chargebacks import ChargebackTask, ChargebackTaskVersion, SplitDestination
from apportion.store.models.users import User

NOW = datetime(2024, 6, 15, 9, 30)
USE, COST = 1, 3  # reference observation types USE (kind use) and COST (kind cost)
KWH = 1


def _user_id(session: Session) -> int:
    return int(session.execute(select(User.user_id).order_by(User.user_id).limit(1)).scalar_one())


def destinations(db: Database, version_id: int, shares: Sequence[tuple[int, int, str]]) -> None:
    """Fixed-percentage destinations (account, meter, percentage) of a split version, in order."""
    with db.transaction() as session:
        for position, (account_id, meter_id, percentage) in enumerate(shares):
            session.add(
                SplitDestination(
                    version_id=version_id,
                    position=position,
                    account_id=account_id,
                    meter_id=meter_id,
                    split_percentage=Decimal(percentage),
                )
            )


def task(
    db: Database,
    step_id: int | None,
    period: int,
    *,
    kind: str = "Split",
    started: datetime = NOW,
    reversed_on: datetime | None = None,
    version_ids: Sequence[int] = (),
    failed_version_ids: Sequence[int] = (),
) -> int:
    """A finished task of the step for the period with its version records (failed ones carry an error)."""
    with db.transaction() as session:
        row = ChargebackTask(
            chargeback_type=kind,
            billing_period=period,
            workflow_step_id=step_id,
            status="Completed with errors" if failed_version_ids else "Completed",
            task_begin=started,
            task_end=started,
            user_id=_user_id(session),
            number_of_failed_versions=len(failed_version_ids),
            reversed_date=reversed_on,
            reversed_by=_user_id(session) if reversed_on else None,
        )
        session.add(row)
        session.flush()
        for version_id in version_ids:
            session.add(ChargebackTaskVersion(task_id=row.task_id, version_id=version_id))
        for version_id in failed_version_ids:
            session.add(ChargebackTaskVersion(task_id=row.task_id, version_id=version_id, error_message="Failed."))
        return row.task_id


def bill(
    db: Database,
    account_id: int,
    meter_id: int,
    period: int,
    use: str | None,
    cost: str,
    *,
    unit_id: int = KWH,
    task_id: int | None = None,
    version_id: int | None = None,
    source_bill_id: int | None = None,
    void: bool = False,
) -> int:
    """A one-meter bill with a use line (in `unit_id`, none when `use` is None) and a cost line, written by
    BillWriter into a new batch; a chargeback bill names its task, version and source bill."""
    lines = [LineDraft(COST, "cost", meter_id, cost=Decimal(cost))]
    if use is not None:
        lines.insert(0, LineDraft(USE, "use", meter_id, value=Decimal(use), value_unit_id=unit_id))
    draft = BillDraft(
        account_id=account_id,
        billing_period=period,
        begin_date=periods.first_day(period),
        end_date=periods.end_date(period),
        lines=tuple(lines),
        from_vendor=task_id is None,
        origin=BillOrigin(chargeback_task_id=task_id, chargeback_version_id=version_id, source_bill_id=source_bill_id),
    )
    with db.transaction() as session:
        user_id = _user_id(session)
        count = session.execute(select(func.count()).select_from(Batch)).scalar_one()
        batch = Batch(batch_code=f"DIGEST-{count + 1}", status="Open", created_by=user_id, start_date=NOW)
        session.add(batch)
        session.flush()
        (bill_id,) = BillWriter(session).write([draft], batch.batch_id, user_id, NOW, void=void)
        if source_bill_id is not None:
            session.execute(update(Bill).where(Bill.bill_id == source_bill_id).values(has_been_split=True))
        return bill_id
