"""What a chargeback task charged each account, by commodity: the live bills it made, summed exactly per account
and per commodity of the bills' meters."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from apportion.store.models.bills import Bill, BillMeter
from apportion.store.models.organisation import Account, Meter
from apportion.store.models.reference import Commodity
from apportion.store.sums import COST_SCALE, exact_sum


@dataclass(frozen=True)
class AccountCommodityCost:
    """One account's live bills of the task on meters of one commodity: how many and their cost."""

    account_id: int
    account_code: str
    account_info: str
    commodity_code: str
    cost: Decimal


def task_account_costs(session: Session, task_id: int) -> list[AccountCommodityCost]:
    """The task's live bills summed per account and commodity (per-meter costs, so a bill over two commodities
    counts in each for its own meters), by account code then commodity code."""
    rows = session.execute(
        select(
            Account.account_id,
            Account.account_code,
            Account.account_info,
            Commodity.commodity_code,
            exact_sum(BillMeter.cost, COST_SCALE),
        )
        .select_from(Bill)
        .join(BillMeter, BillMeter.bill_id == Bill.bill_id)
        .join(Meter, Meter.meter_id == BillMeter.meter_id)
        .join(Commodity, Commodity.commodity_id == Meter.commodity_id)
        .join(Account, Account.account_id == Bill.account_id)
        .where(Bill.chargeback_task_id == task_id, Bill.void.is_(False))
        .group_by(Account.account_id, Account.account_code, Account.account_info, Commodity.commodity_code)
        .order_by(Account.account_code, Account.account_id, Commodity.commodity_code)
    ).all()
    return [
        AccountCommodityCost(account_id, code, info, commodity, cost or Decimal(0))
        for account_id, code, info, commodity, cost in rows
    ]


@dataclass(frozen=True)
class AccountBills:
    """One account's live bills of the task: how many and their total cost (account charges included)."""

    account_id: int
    bills: int
    total: Decimal


def task_account_bills(session: Session, task_id: int) -> list[AccountBills]:
    """The task's live bills counted and totalled per account."""
    rows = session.execute(
        select(Bill.account_id, func.count(Bill.bill_id), exact_sum(Bill.total_cost, COST_SCALE))
        .where(Bill.chargeback_task_id == task_id, Bill.void.is_(False))
        .group_by(Bill.account_id)
    ).all()
    return [AccountBills(account_id, int(count), total or Decimal(0)) for account_id, count, total in rows]
