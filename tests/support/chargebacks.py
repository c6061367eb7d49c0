"""A chargeback campus written straight into the store: accounts, meters, links, source bills with line items,
split versions with their destinations and calculated versions with instructions.

Processor and task tests build their inputs here so they depend on no configuration endpoint's rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from apportion.domain import calculations, periods, splits
from apportion.domain.bills import BillDraft, LineDraft
from apportion.domain.calculations import CalculatedBillInstructions
from apportion.store import instructions
from apportion.store.bill_writer import BillWriter
from apportion.store.database import Database
from apportion.store.models.bills import Batch, Bill, BillLine
from apportion.store.models.chargebacks import (
    ChargebackWorkflow,
    ChargebackWorkflowStep,
    DistributionVersion,
    SplitDestination,
)
from apportion.store.models.organisation import Account, AccountMeter, Meter, Vendor
from apportion.store.models.users import User

NOW = datetime(2024, 6, 15, 9, 30)
USE, COST = 1, 3  # seeded observation types
KWH = 1  # seeded unit, the electric commodity's common unit


def _user_id(session: object) -> int:
    return int(session.execute(select(User.user_id).order_by(User.user_id).limit(1)).scalar_one())  # type: ignore[attr-defined]


def accounts_and_meters(db: Database, codes: Sequence[str], commodity_id: int = 1) -> dict[str, tuple[int, int]]:
    """For each code an account and a meter linked 2000-01-01..2100-01-01: code -> (account id, meter id)."""
    with db.transaction() as session:
        vendor = session.execute(select(Vendor).where(Vendor.vendor_code == "CBV")).scalar_one_or_none()
        if vendor is None:
            vendor = Vendor(vendor_code="CBV", vendor_info="Chargeback vendor", vendor_type_id=1)
            session.add(vendor)
            session.flush()
        accounts = [
            Account(
                account_code=f"A-{code}",
                account_info=f"Account {code}",
                account_type_id=1,
                cost_center_id=1,
                vendor_id=vendor.vendor_id,
            )
            for code in codes
        ]
        meters = [
            Meter(
                meter_code=f"M-{code}",
                meter_info=f"Meter {code}",
                commodity_id=commodity_id,
                place_id=1,
                meter_type_id=1,
            )
            for code in codes
        ]
        session.add_all(accounts + meters)
        session.flush()
        session.add_all(
            AccountMeter(
                account_id=a.account_id, meter_id=m.meter_id, begin_date=date(2000, 1, 1), end_date=date(2100, 1, 1)
            )
            for a, m in zip(accounts, meters, strict=True)
        )
        return {code: (a.account_id, m.meter_id) for code, a, m in zip(codes, accounts, meters, strict=True)}


def bill(
    db: Database,
    account_id: int,
    meter_id: int,
    period: int,
    lines: Sequence[tuple[Decimal | None, Decimal | None]],
    *,
    account_cost: Decimal | None = None,
) -> int:
    """A vendor bill for the period with one meter line per (use kWh, cost) and an optional account charge."""
    drafts = [
        LineDraft(
            USE if use is not None else COST,
            "use" if use is not None else "cost",
            meter_id,
            f"L{i}",
            use,
            KWH if use is not None else None,
            cost,
        )
        for i, (use, cost) in enumerate(lines)
    ]
    if account_cost is not None:
        drafts.append(LineDraft(COST, "cost", None, "Account charge", None, None, account_cost))
    with db.transaction() as session:
        user_id = _user_id(session)
        batch = session.execute(select(Batch).where(Batch.batch_code == "SOURCES")).scalar_one_or_none()
        if batch is None:
            batch = Batch(batch_code="SOURCES", status="Closed", created_by=user_id, start_date=NOW)
            session.add(batch)
            session.flush()
        draft = BillDraft(
            account_id=account_id,
            billing_period=period,
            begin_date=periods.first_day(period),
            end_date=periods.end_date(period),
            lines=tuple(drafts),
        )
        return BillWriter(session).write([draft], batch.batch_id, user_id, NOW)[0]


def split_version(
    db: Database,
    account_id: int,
    meter_id: int,
    destinations: Sequence[tuple[int, int, Decimal]],
    *,
    method: str = splits.SplitMethod.FIXED_PERCENTAGE,
    begin: int = 202401,
    end: int | None = None,
    step_id: int | None = None,
    group_id: int | None = None,
    source_value: str = "useAndCost",
    share_value: str = "use",
) -> int:
    """A split version with destinations (account, meter, percentage or weighting factor); its id."""
    with db.transaction() as session:
        row = DistributionVersion(
            chargeback_type="Split",
            account_id=account_id,
            meter_id=meter_id,
            name=f"Split {account_id}/{meter_id} {begin}",
            begin_period=begin,
            end_period=end,
            workflow_step_id=step_id,
            split_method=method,
            dynamic_meter_group_id=group_id,
            dynamic_source_value=source_value if group_id else None,
            dynamic_share_value=share_value if group_id else None,
        )
        session.add(row)
        session.flush()
        session.add_all(
            SplitDestination(
                version_id=row.version_id,
                position=i,
                account_id=a,
                meter_id=m,
                split_percentage=share if method == splits.SplitMethod.FIXED_PERCENTAGE else None,
                weighting_factor=share if method == splits.SplitMethod.FLOOR_AREA else None,
            )
            for i, (a, m, share) in enumerate(destinations)
        )
        return row.version_id


def calculated_version(
    db: Database,
    account_id: int,
    meter_id: int,
    calculation: CalculatedBillInstructions,
    *,
    begin: int = 202401,
    end: int | None = None,
    step_id: int | None = None,
    is_aggregation: bool = False,
) -> int:
    """A calculated bill version with the instructions (their version id is ignored); its id."""
    with db.transaction() as session:
        row = DistributionVersion(
            chargeback_type="Calculation",
            account_id=account_id,
            meter_id=meter_id,
            name=f"Calc {account_id}/{meter_id} {begin}",
            begin_period=begin,
            end_period=end,
            workflow_step_id=step_id,
            is_aggregation=is_aggregation,
            instructions=instructions.to_document(calculation),
        )
        session.add(row)
        session.flush()
        return row.version_id


def bills_of_task(db: Database, task_id: int) -> list[tuple[int, int, int | None, bool, Decimal]]:
    """(bill id, account id, source bill id, void, total cost) of a task's bills, by id."""
    with db.reading() as session:
        rows = session.execute(
            select(Bill.bill_id, Bill.account_id, Bill.source_bill_id, Bill.void, Bill.total_cost)
            .where(Bill.chargeback_task_id == task_id)
            .order_by(Bill.bill_id)
        )
        return list(rows)


def line_sums(db: Database, bill_ids: Sequence[int]) -> tuple[Decimal, Decimal]:
    """Σ value and Σ cost over the bills' line items."""
    with db.reading() as session:
        rows = session.execute(select(BillLine.value, BillLine.cost).where(BillLine.bill_id.in_(bill_ids)))
        values, costs = Decimal(0), Decimal(0)
        for value, cost in rows:
            values += value or 0
            costs += cost or 0
        return values, costs


def is_split(db: Database, bill_id: int) -> bool:
    """The bill's has_been_split flag."""
    with db.reading() as session:
        return bool(session.execute(select(Bill.has_been_split).where(Bill.bill_id == bill_id)).scalar_one())


def split_then_calculation(
    db: Database, ids: dict[str, tuple[int, int]], source: str, destination: str, total: str
) -> tuple[int, int, int]:
    """A workflow whose Split step sends all of `source`'s bills to `destination` and whose Calculation step then
    bills `total` the destination's use and cost (right only when the split ran first); (workflow, split step,
    calculation step)."""
    with db.transaction() as session:
        workflow = ChargebackWorkflow(workflow_info="Split then calculate")
        session.add(workflow)
        session.flush()
        steps = [
            ChargebackWorkflowStep(
                workflow_id=workflow.workflow_id, step_info=info, step_description="d", step_type=kind, step_order=n
            )
            for n, (kind, info) in enumerate((("Split", "Split it"), ("Calculation", "Calc it")), start=1)
        ]
        session.add_all(steps)
        session.flush()
        workflow_id, split_step, calc_step = workflow.workflow_id, steps[0].step_id, steps[1].step_id
    split_version(db, *ids[source], [(*ids[destination], Decimal(100))], step_id=split_step)
    summed = calculations.MeterCalculation(sum_meter_ids=(ids[destination][1],))
    calculated_version(db, *ids[total], CalculatedBillInstructions(0, use=summed, cost=summed), step_id=calc_step)
    return workflow_id, split_step, calc_step
