"""What a month-end reader needs beside a step's digest: the task the digest reads, what it charged each account
across commodities, and the reconciliation of its source bills (source = destinations + what stayed)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from apportion.domain.errors import NotFound
from apportion.domain.scoping import Scope
from apportion.services.access.auth import Principal
from apportion.services.chargebacks import chargeback_tasks, lineage_reports
from apportion.store import scoping
from apportion.store.database import Database
from apportion.store.queries import task_accounts

ZERO = Decimal(0)


@dataclass(frozen=True)
class AccountTotal:
    """One account's bills from the task: the cost on each commodity's meters, account charges, total."""

    account_id: int
    account_code: str
    account_info: str
    bills: int
    by_commodity: Mapping[str, Decimal]
    account_charges: Decimal  # the part of the bills' totals on no meter
    total: Decimal


@dataclass(frozen=True)
class AccountTotals:
    """Every account's total, the commodities that appear, and the sum of all."""

    commodities: tuple[str, ...]
    accounts: tuple[AccountTotal, ...]
    total: Decimal


def account_totals(db: Database, task_id: int, scope: Scope = Scope.WHOLE) -> AccountTotals:
    """Per account (tenant) totals of the task's live bills across commodities, by account code; only the
    accounts in the caller's `scope`."""
    with db.reading() as session:
        costs = task_accounts.task_account_costs(session, task_id)
        bills = {row.account_id: row for row in task_accounts.task_account_bills(session, task_id)}
        if not scope.whole:
            seen = scoping.accounts_among(session, scope, [cost.account_id for cost in costs])
            costs = [cost for cost in costs if cost.account_id in seen]
    by_account: dict[int, dict[str, Decimal]] = {}
    names: dict[int, tuple[str, str]] = {}
    for cost in costs:
        by_account.setdefault(cost.account_id, {})[cost.commodity_code] = cost.cost
        names[cost.account_id] = (cost.account_code, cost.account_info)
    accounts = []
    for account_id, commodities in by_account.items():
        found = bills.get(account_id)
        total = found.total if found else ZERO
        on_meters = sum(commodities.values(), ZERO)
        code, info = names[account_id]
        accounts.append(
            AccountTotal(account_id, code, info, found.bills if found else 0, commodities, total - on_meters, total)
        )
    commodities_seen = tuple(sorted({c.commodity_code for c in costs}))
    return AccountTotals(commodities_seen, tuple(accounts), sum((a.total for a in accounts), ZERO))


@dataclass(frozen=True)
class Reconciliation:
    """A split task's source bills against where their amount went, to the cent."""

    source: Decimal
    destinations: Decimal
    stayed: Decimal
    rounding: Decimal

    @property
    def balanced(self) -> bool:
        """Whether source = destinations + what stayed, exactly."""
        return self.source == self.destinations + self.stayed


def reconciliation(db: Database, task_id: int, viewer: Principal | None = None) -> Reconciliation | None:
    """The task's conservation records summed (None for a task without them: calculations, or none recorded); for a
    scoped viewer, those of the source bills in its scope (None for a task it does not see)."""
    try:
        report = lineage_reports.task_conservation(db, task_id, viewer)
    except NotFound:
        return None
    if not report.sources:
        return None
    total = report.total
    return Reconciliation(total.source_amount, total.allocated, sum(total.left.values(), ZERO), total.rounding)


TASKS_LOOKED_AT = 100


def digest_task(
    db: Database, step_id: int, billing_period: int, today: date, viewer: Principal | None = None
) -> chargeback_tasks.ChargebackTaskListing | None:
    """The task a step's digest reads for a period: its latest run that was not voided or deleted, as the viewer
    sees it; None when there is none, or when a scoped viewer does not see that task (docs/scoping.md)."""
    text = f"calculateBillWorkflowStepID equals '{step_id}' and billingPeriod equals '{billing_period}'"
    for row in chargeback_tasks.list_tasks(db, text, 1, TASKS_LOOKED_AT, today).rows:
        if row.reversed_date is None:
            if viewer is None or viewer.scope.whole:
                return row
            seen = chargeback_tasks.get_tasks(db, [row.task_id], viewer)
            return seen[0] if seen else None
    return None
