"""The demo campus's chargeback workflow: one Split step sharing each master meter's bill among its building's tenants.

For every master meter of the campus (services/demo/campus.py) a fixed-percentage split version, effective from the
campus's first billing period, sends its vendor bill to the tenant submeters of the same building: 60 % to T1 and
40 % to T2 (equal shares, to the cent by largest remainder, when a building has another number of tenants).
Written in one transaction; a database that already holds the workflow keeps it as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from apportion.domain import money, periods
from apportion.domain.errors import RuleViolation
from apportion.store import demo_campus
from apportion.store.database import Database, UnitOfWork

WORKFLOW_INFO = "Campus chargebacks"
STEP_INFO = "Split master meters to tenants"
STEP_DESCRIPTION = "Each building's vendor bills shared among its tenants: T1 60 %, T2 40 %."
TENANT_SHARES = (Decimal(60), Decimal(40))


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


def _found(session: UnitOfWork) -> DemoWorkflow | None:
    found = demo_campus.find_workflow(session, WORKFLOW_INFO)
    if found is None:
        return None
    return DemoWorkflow(found.workflow_id, found.step_id, found.versions, created=False)


def _create(session: UnitOfWork) -> DemoWorkflow:
    plan = demo_campus.masters_with_tenants(session)
    if not plan:
        raise RuleViolation(
            "The database holds no demo campus (master meters with tenant submeters); "
            "run this on an empty database to load one."
        )
    first = demo_campus.first_period(session, [master.meter_id for master in plan])
    begin = first if first is not None else periods.MIN_PERIOD
    names = (WORKFLOW_INFO, STEP_INFO, STEP_DESCRIPTION)
    versions = [(master, shares(len(master.tenants))) for master in plan]
    workflow_id, step_id, count = demo_campus.create_split_workflow(session, names, begin, versions)
    return DemoWorkflow(workflow_id, step_id, count, created=True)
