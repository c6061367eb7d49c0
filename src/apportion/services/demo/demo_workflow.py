"""The demo campus's chargeback workflow: one Split step sharing each master meter's bill among its building's tenants.

For every master meter of the campus (services/demo/campus.py) a fixed-percentage split version, effective from the
campus's first billing period, sends its vendor bill to the tenant submeters of the same building: 60 % to T1 and
40 % to T2 (equal shares, to the cent by largest remainder, when a building has another number of tenants).
Written in one transaction; a database that already holds the workflow keeps it as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from apportion.domain import money, periods, splits
from apportion.domain.errors import RuleViolation
from apportion.domain.versions import SPLIT
from apportion.services.demo.campus import CHARGEBACK_METER, STANDARD_METER
from apportion.store.database import Database
from apportion.store.models.bills import BillMeter
from apportion.store.models.chargebacks import (
    ChargebackWorkflow,
    ChargebackWorkflowStep,
    DistributionVersion,
    SplitDestination,
)
from apportion.store.models.organisation import AccountMeter, Meter

WORKFLOW_INFO = "Campus chargebacks"
STEP_INFO = "Split master meters to tenants"
STEP_DESCRIPTION = "Each building's vendor bills shared among its tenants: T1 60 %, T2 40 %."
TENANT_SHARES = (Decimal(60), Decimal(40))
_TENANT_CODE = re.compile(r"^(?P<master>.+)-T(?P<number>\d+)$")


@dataclass(frozen=True)
class DemoWorkflow:
    """The demo workflow and its split step, how many split versions the step holds, and whether they were new."""

    workflow_id: int
    step_id: int
    versions: int
    created: bool


def shares(tenants: int) -> list[Decimal]:
    """The percentages of a building's tenants, in tenant order: 60/40 for two, else equal parts of 100."""
    if tenants == len(TENANT_SHARES):
        return list(TENANT_SHARES)
    return money.allocate(Decimal(100), [Decimal(1)] * tenants, Decimal("0.01"))


def ensure_workflow(db: Database) -> DemoWorkflow:
    """The demo workflow, created with its split versions when the database has none of that name.

    Refuses (RuleViolation) a database without a demo campus: no master meter with tenant submeters.
    """
    with db.transaction() as session:
        return _found(session) or _create(session)


def find_workflow(db: Database) -> DemoWorkflow | None:
    """The demo workflow if the database holds it (nothing is created)."""
    with db.reading() as session:
        return _found(session)


def _found(session: Session) -> DemoWorkflow | None:
    found = session.execute(
        select(ChargebackWorkflowStep.workflow_id, ChargebackWorkflowStep.step_id)
        .join(ChargebackWorkflow, ChargebackWorkflow.workflow_id == ChargebackWorkflowStep.workflow_id)
        .where(ChargebackWorkflow.workflow_info == WORKFLOW_INFO, ChargebackWorkflowStep.step_type == SPLIT)
        .order_by(ChargebackWorkflowStep.step_order, ChargebackWorkflowStep.step_id)
        .limit(1)
    ).first()
    if found is None:
        return None
    count = session.execute(
        select(func.count()).where(DistributionVersion.workflow_step_id == found.step_id)
    ).scalar_one()
    return DemoWorkflow(found.workflow_id, found.step_id, count, created=False)


def _create(session: Session) -> DemoWorkflow:
    plan = _plan(session)
    if not plan:
        raise RuleViolation(
            "The database holds no demo campus (master meters with tenant submeters); "
            "run this on an empty database to load one."
        )
    first = session.execute(
        select(func.min(BillMeter.billing_period)).where(BillMeter.meter_id.in_([m for m, _a, _c, _t in plan]))
    ).scalar()
    workflow_id = session.execute(
        insert(ChargebackWorkflow).values(workflow_info=WORKFLOW_INFO).returning(ChargebackWorkflow.workflow_id)
    ).scalar_one()
    step_id = session.execute(
        insert(ChargebackWorkflowStep)
        .values(
            workflow_id=workflow_id,
            step_info=STEP_INFO,
            step_description=STEP_DESCRIPTION,
            step_type=SPLIT,
            step_order=1,
        )
        .returning(ChargebackWorkflowStep.step_id)
    ).scalar_one()
    begin = first if first is not None else periods.MIN_PERIOD
    version_ids = list(
        session.execute(
            insert(DistributionVersion).returning(DistributionVersion.version_id, sort_by_parameter_order=True),
            [
                {
                    "chargeback_type": SPLIT,
                    "account_id": account_id,
                    "meter_id": meter_id,
                    "name": f"Split {code}"[:64],
                    "begin_period": begin,
                    "workflow_step_id": step_id,
                    "split_method": splits.SplitMethod.FIXED_PERCENTAGE,
                }
                for meter_id, account_id, code, _tenants in plan
            ],
        ).scalars()
    )
    destinations = [
        {
            "version_id": version_id,
            "position": position,
            "account_id": account_id,
            "meter_id": meter_id,
            "split_percentage": share,
        }
        for version_id, (_m, _a, _c, tenants) in zip(version_ids, plan, strict=True)
        for position, ((meter_id, account_id), share) in enumerate(zip(tenants, shares(len(tenants)), strict=True))
    ]
    session.execute(insert(SplitDestination), destinations)
    return DemoWorkflow(workflow_id, step_id, len(version_ids), created=True)


def _plan(session: Session) -> list[tuple[int, int, str, list[tuple[int, int]]]]:
    """(master meter, its account, its code, [(tenant submeter, its account)] in tenant order), by meter code."""
    rows = session.execute(
        select(Meter.meter_id, Meter.meter_code, Meter.meter_type_id, AccountMeter.account_id)
        .join(AccountMeter, AccountMeter.meter_id == Meter.meter_id)
        .where(Meter.meter_type_id.in_([STANDARD_METER, CHARGEBACK_METER]))
        .order_by(Meter.meter_code, AccountMeter.begin_date)
    ).all()
    masters: dict[str, tuple[int, int]] = {}
    tenants: dict[str, dict[int, tuple[int, int]]] = {}
    for row in rows:
        if row.meter_type_id == STANDARD_METER:
            masters.setdefault(row.meter_code, (row.meter_id, row.account_id))
        elif (match := _TENANT_CODE.match(row.meter_code)) is not None:
            tenants.setdefault(match["master"], {}).setdefault(int(match["number"]), (row.meter_id, row.account_id))
    return [
        (meter_id, account_id, code, [tenants[code][n] for n in sorted(tenants[code])])
        for code, (meter_id, account_id) in sorted(masters.items())
        if tenants.get(code)
    ]
