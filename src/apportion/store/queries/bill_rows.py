"""Bills as flat rows for people: one row per bill with its account, vendor, meters, use, cost, batch and origin.

What the exports write (a task's bills, a batch's bills, any bill list) and what a dry run compares. Large sets are
read in slices of `SLICE` bills by id (keyset paging: `bill_id > last ORDER BY bill_id LIMIT n`), so an export of a
year of bills holds one slice in memory at a time, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Row, select, true
from sqlalchemy.orm import Session, aliased

from apportion.domain.filters import Condition
from apportion.domain.scoping import Scope
from apportion.store import scoping
from apportion.store.filtering import compile_filter
from apportion.store.id_lists import among
from apportion.store.models.bills import Batch, Bill, BillMeter
from apportion.store.models.chargebacks import DistributionVersion
from apportion.store.models.organisation import Account, Meter, Vendor
from apportion.store.models.reference import Commodity, Unit
from apportion.store.paging import AnySelect
from apportion.store.queries.bills import filter_targets

SLICE = 1000


@dataclass(frozen=True)
class BillRow:
    """One bill, flat: use is the sum of its meters' use when they share one unit (else None)."""

    bill_id: int
    billing_period: int
    begin_date: date
    end_date: date
    account_code: str
    account_info: str
    vendor_code: str
    meter_codes: tuple[str, ...]
    use: Decimal | None
    use_unit_code: str | None
    total_cost: Decimal
    batch_id: int
    batch_code: str
    chargeback_task_id: int | None
    version_id: int | None
    workflow_step_id: int | None
    source_bill_id: int | None
    void: bool
    from_vendor: bool
    estimated: bool
    created_date: datetime


def _statement() -> AnySelect:
    version = aliased(DistributionVersion)
    return (
        select(
            Bill.bill_id,
            Bill.billing_period,
            Bill.begin_date,
            Bill.end_date,
            Account.account_code,
            Account.account_info,
            Vendor.vendor_code,
            Bill.total_cost,
            Bill.batch_id,
            Batch.batch_code,
            Bill.chargeback_task_id,
            Bill.chargeback_version_id,
            version.workflow_step_id,
            Bill.source_bill_id,
            Bill.void,
            Bill.from_vendor,
            Bill.estimated,
            Bill.created_date,
        )
        .join(Account, Account.account_id == Bill.account_id)
        .join(Vendor, Vendor.vendor_id == Account.vendor_id)
        .join(Batch, Batch.batch_id == Bill.batch_id)
        .outerjoin(version, version.version_id == Bill.chargeback_version_id)
    )


@dataclass(frozen=True)
class _MeterUse:
    meter_code: str
    use: Decimal | None
    unit_code: str | None


def _meters(session: Session, bill_ids: Sequence[int]) -> dict[int, list[_MeterUse]]:
    """Each bill's meters (by code) with their use in the commodity's common unit."""
    commodity = aliased(Commodity)
    rows = session.execute(
        select(BillMeter.bill_id, Meter.meter_code, BillMeter.use, Unit.unit_code)
        .join(Meter, Meter.meter_id == BillMeter.meter_id)
        .join(commodity, commodity.commodity_id == Meter.commodity_id)
        .outerjoin(Unit, Unit.unit_id == commodity.common_unit_id)
        .where(among(BillMeter.bill_id, bill_ids))
        .order_by(BillMeter.bill_id, Meter.meter_code)
    )
    found: dict[int, list[_MeterUse]] = {}
    for bill_id, code, use, unit in rows:
        found.setdefault(bill_id, []).append(_MeterUse(code, use, unit))
    return found


def _row(row: Row[Any], meters: list[_MeterUse]) -> BillRow:
    units = {m.unit_code for m in meters if m.use is not None}
    use: Decimal | None = None
    if len(units) == 1:
        use = sum((m.use for m in meters if m.use is not None), Decimal(0))
    return BillRow(
        bill_id=row.bill_id,
        billing_period=row.billing_period,
        begin_date=row.begin_date,
        end_date=row.end_date,
        account_code=row.account_code,
        account_info=row.account_info,
        vendor_code=row.vendor_code,
        meter_codes=tuple(m.meter_code for m in meters),
        use=use,
        use_unit_code=units.pop() if use is not None else None,
        total_cost=Decimal(row.total_cost),
        batch_id=row.batch_id,
        batch_code=row.batch_code,
        chargeback_task_id=row.chargeback_task_id,
        version_id=row.chargeback_version_id,
        workflow_step_id=row.workflow_step_id,
        source_bill_id=row.source_bill_id,
        void=bool(row.void),
        from_vendor=bool(row.from_vendor),
        estimated=bool(row.estimated),
        created_date=row.created_date,
    )


def stream(session: Session, where: ColumnElement[bool], scope: Scope = Scope.WHOLE) -> Iterator[BillRow]:
    """The bills matching `where` (and in `scope`), by id, read `SLICE` at a time."""
    in_scope = scoping.within(Bill.account_id, scoping.account_ids(scope))
    statement = _statement().where(where, in_scope).order_by(Bill.bill_id).limit(SLICE)
    last = 0
    while True:
        rows = session.execute(statement.where(Bill.bill_id > last)).all()
        if not rows:
            return
        meters = _meters(session, [r.bill_id for r in rows])
        for row in rows:
            yield _row(row, meters.get(row.bill_id, []))
        last = rows[-1].bill_id
        if len(rows) < SLICE:
            return


def of_task(task_id: int) -> ColumnElement[bool]:
    """The bills a chargeback task wrote (live and void)."""
    return Bill.chargeback_task_id == task_id


def of_tasks(task_ids: Sequence[int]) -> ColumnElement[bool]:
    """The bills any of the chargeback tasks wrote."""
    return among(Bill.chargeback_task_id, task_ids)


def of_batch(batch_id: int) -> ColumnElement[bool]:
    """The bills of a batch."""
    return Bill.batch_id == batch_id


def matching(conditions: Sequence[Condition], today: date) -> ColumnElement[bool]:
    """The bills GET /api/v3/bill would list for the same filter."""
    if not conditions:
        return true()
    return compile_filter(conditions, filter_targets(), today)


def live_of_steps(step_ids: Sequence[int], period: int) -> ColumnElement[bool]:
    """The live chargeback bills the steps' versions made for the period (what a re-run of the steps replaces or
    leaves standing)."""
    versions = select(DistributionVersion.version_id).where(among(DistributionVersion.workflow_step_id, step_ids))
    return Bill.chargeback_version_id.in_(versions) & (Bill.billing_period == period) & Bill.void.is_(False)
