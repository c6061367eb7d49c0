"""Properties of a whole split run on a real (SQLite) database, for random bills and split methods:

* every source line's value and cost reach the destinations exactly (to the 0.000001 and the cent), so
  destination sums equal source sums for fixed percentages totalling 100 %, floor areas and meter groups;
* voiding the task and running again reproduces the same destination bills.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from apportion.domain import splits
from apportion.domain.money import PERCENT_QUANTUM, allocate
from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.services.chargebacks import chargeback_tasks
from apportion.services.runs import processing
from apportion.store.database import Database
from apportion.store.models.bills import Bill, BillLine
from apportion.store.models.organisation import MeterGroup, MeterGroupMember, PlaceSize
from tests.support import chargebacks as cb
from tests.support.databases import clean, fresh_database

NOW = datetime(2024, 6, 15, 9, 30)
PERIOD = 202403

uses = st.decimals(min_value=Decimal("-100000"), max_value=Decimal("1000000"), places=6)
costs = st.decimals(min_value=Decimal("-10000"), max_value=Decimal("100000"), places=2)
lines = st.lists(st.tuples(uses, costs), min_size=1, max_size=4)
weights = st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=5)
methods = st.sampled_from(
    [splits.SplitMethod.FIXED_PERCENTAGE, splits.SplitMethod.FLOOR_AREA, splits.SplitMethod.DYNAMIC_PERCENTAGE]
)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One SQLite database for the module; each example empties it first."""
    with fresh_database("sqlite", str(tmp_path_factory.mktemp("run-properties"))) as db:
        yield db


def _campus(
    db: Database, method: str, bill_lines: list[tuple[Decimal, Decimal]], shares: list[int]
) -> tuple[auth.Principal, int]:
    """A user, a source account+meter with one bill, destinations per share and a split version."""
    clean(db)
    user_id = auth.create_user_with_key(db, "runner", "Runner", Grants.everything(), NOW)[0]
    principal = auth.Principal(user_id, "runner", "Runner", Grants.everything())
    codes = ["SRC"] + [f"D{i}" for i in range(len(shares))]
    ids = cb.accounts_and_meters(db, codes)
    destinations = [ids[f"D{i}"] for i in range(len(shares))]
    group_id = None
    if method == splits.SplitMethod.FIXED_PERCENTAGE:
        parts = allocate(Decimal(100), [Decimal(w) for w in shares], PERCENT_QUANTUM)
    else:
        parts = [Decimal(w) for w in shares]
    if method == splits.SplitMethod.FLOOR_AREA:  # every destination meter is on the root place
        with db.transaction() as session:
            session.add(PlaceSize(place_id=1, value=1000, unit_code="SQFEET", begin_date=date(2000, 1, 1)))
    if method == splits.SplitMethod.DYNAMIC_PERCENTAGE:
        with db.transaction() as session:
            group = MeterGroup(meter_group_code="G", meter_group_info="Group")
            session.add(group)
            session.flush()
            group_id = group.meter_group_id
            session.add_all(MeterGroupMember(meter_group_id=group_id, meter_id=m) for _, m in destinations)
        for (account_id, meter_id), use in zip(destinations, parts, strict=True):
            cb.bill(db, account_id, meter_id, PERIOD, [(use, Decimal("0.00"))])
    cb.split_version(
        db,
        *ids["SRC"],
        [(a, m, share) for (a, m), share in zip(destinations, parts, strict=True)],
        method=method,
        group_id=group_id,
    )
    return principal, cb.bill(db, *ids["SRC"], PERIOD, bill_lines)


def _run(db: Database, principal: auth.Principal) -> int:
    return processing.run_bill_split(db, processing.RunSettings(PERIOD), principal, lambda: NOW)


def _destination_lines(db: Database, task_id: int) -> list[tuple[int, str | None, Decimal | None, Decimal | None]]:
    """(account, caption, value, cost) of every line of the task's bills, in bill and line order."""
    with db.reading() as session:
        rows = session.execute(
            select(Bill.account_id, BillLine.caption, BillLine.value, BillLine.cost)
            .join(BillLine, BillLine.bill_id == Bill.bill_id)
            .where(Bill.chargeback_task_id == task_id)
            .order_by(Bill.bill_id, BillLine.line_order)
        ).all()
    return [(a, c, v, k) for a, c, v, k in rows]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=methods, bill_lines=lines, shares=weights)
def test_destinations_sum_exactly_to_the_source(
    database: Database, method: str, bill_lines: list[tuple[Decimal, Decimal]], shares: list[int]
) -> None:
    principal, _source = _campus(database, method, bill_lines, shares)
    task_id = _run(database, principal)
    found = _destination_lines(database, task_id)
    assert found, "every method here splits the whole source"
    for index, (use, cost) in enumerate(bill_lines):
        parts = [(v, k) for _, caption, v, k in found if caption == f"L{index}"]
        # Dynamic 'useAndCost' and both percentage methods carry value and cost of every line.
        assert sum((v or Decimal(0) for v, _ in parts), Decimal(0)) == use
        assert sum((k or Decimal(0) for _, k in parts), Decimal(0)) == cost


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=methods, bill_lines=lines, shares=weights)
def test_void_then_rerun_reproduces_the_same_bills(
    database: Database, method: str, bill_lines: list[tuple[Decimal, Decimal]], shares: list[int]
) -> None:
    principal, source = _campus(database, method, bill_lines, shares)
    first = _run(database, principal)
    chargeback_tasks.reverse_task(database, first, delete=False, user_id=principal.user_id, now=NOW)
    with database.reading() as session:
        assert session.execute(select(Bill.has_been_split).where(Bill.bill_id == source)).scalar_one() is False
    second = _run(database, principal)
    assert _destination_lines(database, second) == _destination_lines(database, first)
