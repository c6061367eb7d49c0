"""Run a processor through its service (processing.*) and read back what it made, without HTTP."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.services.access.auth import Principal
from apportion.services.chargebacks import chargeback_tasks
from apportion.services.runs import processing
from apportion.store.database import Database
from apportion.store.models.bills import Bill
from apportion.store.queries.chargeback_tasks import ChargebackTaskListing

NOW = datetime(2024, 6, 15, 9, 30)


def admin(db: Database) -> Principal:
    """An administrator (the first user, as the builders in tests/support/chargebacks.py expect)."""
    user_id, _key = auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), NOW)
    return Principal(user_id, "admin", "Administrator", Grants.everything())


def split(db: Database, who: Principal, period: int) -> ChargebackTaskListing:
    """POST /api/v3/billSplit/exec's service, run inline; the task it recorded."""
    task_id = processing.run_bill_split(db, processing.RunSettings(billing_period=period), who, lambda: NOW)
    return chargeback_tasks.get_task(db, task_id)


def calculate(db: Database, who: Principal, period: int) -> ChargebackTaskListing:
    """POST /api/v3/calculatedBill/exec's service, run inline; the task it recorded."""
    task_id = processing.run_calculated_bills(db, processing.RunSettings(billing_period=period), who, lambda: NOW)
    return chargeback_tasks.get_task(db, task_id)


def live_totals(db: Database, source_id: int) -> list[Decimal]:
    """Total cost of each live bill split from the source, by bill id."""
    with db.reading() as session:
        rows = session.execute(
            select(Bill.total_cost).where(Bill.source_bill_id == source_id, Bill.void.is_(False)).order_by(Bill.bill_id)
        )
        return [Decimal(v) for v in rows.scalars()]


def is_void(db: Database, bill_id: int) -> bool:
    """The bill's void flag."""
    with db.reading() as session:
        return bool(session.execute(select(Bill.void).where(Bill.bill_id == bill_id)).scalar_one())
