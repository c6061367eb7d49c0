"""Chargeback rows written straight into the store: workflows with steps, versions, bills made by a version.

Version histories have their own PUT endpoints; tests of the details, lists and runs use these builders so they
do not depend on that endpoint's rules.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from apportion.store.database import Database
from apportion.store.models.bills import Batch, Bill
from apportion.store.models.chargebacks import ChargebackWorkflow, ChargebackWorkflowStep, DistributionVersion
from apportion.store.models.users import User

NOW = datetime(2024, 6, 15, 9, 30)


def workflow_step(db: Database, step_type: str = "Calculation", info: str | None = None, order: int = 1) -> int:
    """A workflow with one step of `step_type`; the step's id."""
    with db.transaction() as session:
        workflow = ChargebackWorkflow(workflow_info=f"Workflow {info or step_type}")
        session.add(workflow)
        session.flush()
        step = ChargebackWorkflowStep(
            workflow_id=workflow.workflow_id,
            step_info=info or f"{step_type} step",
            step_description=f"{step_type} step description",
            step_type=step_type,
            step_order=order,
        )
        session.add(step)
        session.flush()
        return step.step_id


def version(
    db: Database,
    kind: str,
    account_id: int,
    meter_id: int,
    *,
    name: str | None = None,
    begin: int = 202401,
    end: int | None = None,
    step_id: int | None = None,
    is_aggregation: bool = False,
    instructions: dict[str, Any] | None = None,
) -> int:
    """A "Split" or "Calculation" version on the account and meter, without details; its id."""
    with db.transaction() as session:
        row = DistributionVersion(
            chargeback_type=kind,
            account_id=account_id,
            meter_id=meter_id,
            name=name or f"{kind} {account_id}/{meter_id} {begin}",
            begin_period=begin,
            end_period=end,
            workflow_step_id=step_id,
            is_aggregation=is_aggregation,
            instructions=instructions,
        )
        session.add(row)
        session.flush()
        return row.version_id


def bill_from_version(db: Database, version_id: int, account_id: int, period: int = 202401) -> int:
    """A bill the version created (so the version has bills); its id."""
    with db.transaction() as session:
        user_id = session.execute(select(User.user_id).order_by(User.user_id).limit(1)).scalar_one()
        batch = Batch(batch_code=f"CB-{version_id}-{period}", status="Open", created_by=user_id, start_date=NOW)
        session.add(batch)
        session.flush()
        bill = Bill(
            account_id=account_id,
            batch_id=batch.batch_id,
            billing_period=period,
            begin_date=date(period // 100, period % 100, 1),
            end_date=date(period // 100, period % 100, 28),
            total_cost=Decimal("10.00"),
            from_vendor=False,
            created_by=user_id,
            created_date=NOW,
            chargeback_version_id=version_id,
        )
        session.add(bill)
        session.flush()
        return bill.bill_id
