"""The correction cascade as a service (services/billing/bills.py -> chargebacks/corrections.py) on an in-memory unit
of work: voiding, deleting or editing a bill undoes the chargeback bills made from it, transitively, logs why, and
records the re-runs that would charge it again. The HTTP answers of bill/void, bill/delete and bill/{id} are in
tests/api (test_bills.py, test_corrections.py)."""

from __future__ import annotations

from decimal import Decimal

from apportion.domain import calculations as calc
from apportion.domain import periods
from apportion.domain.bills import BillHeader
from apportion.services.access.auth import Principal
from apportion.services.billing import bills
from apportion.services.chargebacks import chargeback_tasks, lineage_reports
from apportion.store.database import Database
from tests.services.runs import NOW, admin, calculate, is_void, live_totals, split
from tests.support import chargebacks as cb

D = Decimal
PERIOD = 202403


def _tenants(db: Database) -> tuple[dict[str, tuple[int, int]], int]:
    """A master meter split 60/40 to two tenants; its split version id."""
    ids = cb.accounts_and_meters(db, ["SRC", "T1", "T2"])
    version = cb.split_version(db, *ids["SRC"], [(*ids["T1"], D("60")), (*ids["T2"], D("40"))])
    return ids, version


def _rolled_up(db: Database, ids: dict[str, tuple[int, int]]) -> int:
    """A calculated version on a new account R that sums the tenants' meters; its version id."""
    (account, meter) = cb.accounts_and_meters(db, ["R"])["R"]
    summed = calc.MeterCalculation(sum_meter_ids=(ids["T1"][1], ids["T2"][1]))
    return cb.calculated_version(db, account, meter, calc.CalculatedBillInstructions(0, use=summed, cost=summed))


def _edited(
    db: Database, who: Principal, ids: dict[str, tuple[int, int]], bill_id: int, cost: str, control_code: str = ""
) -> None:
    """BillEdit of the source's one meter line (1,000 kWh) with a new cost and, when given, a control code."""
    account_id, meter_id = ids["SRC"]
    line = bills.LineInput(meter_id, cb.USE, "Use", D("1000"), cb.KWH, D(cost))
    begin, end = periods.first_day(PERIOD), periods.end_date(PERIOD)
    header = BillHeader(control_code=control_code or None)
    bills.edit_bill(db, bill_id, bills.BillInput(account_id, begin, end, PERIOD, [line], header=header), who, NOW)


def test_voiding_a_source_voids_its_split_and_what_was_calculated_from_it(db: Database) -> None:
    who = admin(db)
    ids, _ = _tenants(db)
    rollup_version = _rolled_up(db, ids)
    source = cb.bill(db, *ids["SRC"], PERIOD, [(D("1000"), D("100.00"))])
    tenants = [b[0] for b in cb.bills_of_task(db, split(db, who, PERIOD).task_id)]
    ((rollup, *_),) = cb.bills_of_task(db, calculate(db, who, PERIOD).task_id)
    lineage = lineage_reports.bill_lineage(db, source)
    assert sorted((d.bill.bill_id, d.depth, d.split) for d in lineage.dependents) == sorted(
        [(tenants[0], 1, True), (tenants[1], 1, True), (rollup, 2, False)]
    )
    assert bills.void_bills(db, [source], True, who.user_id, NOW) == (1, 1)
    assert live_totals(db, source) == []
    assert all(is_void(db, b) for b in [*tenants, rollup])
    # The source is void: its split has nothing to charge again, but the calculation reading the tenants does.
    (group,) = lineage_reports.reruns(db, None, None)
    assert [(r.version_id, r.chargeback_type) for r in group.reruns] == [(rollup_version, "Calculation")]
    reasons = {c.bill_id: c.reason for c in lineage_reports.bill_lineage(db, rollup).corrections}
    assert reasons[rollup].startswith(f"source bill {source}, account A-SRC, meter M-SRC, {PERIOD}, was voided")


def test_deleting_a_source_voids_its_dependents_and_keeps_their_history(db: Database) -> None:
    who = admin(db)
    ids, _ = _tenants(db)
    _rolled_up(db, ids)
    source = cb.bill(db, *ids["SRC"], PERIOD, [(D("1000"), D("100.00"))])
    split_task = split(db, who, PERIOD)
    calc_task = calculate(db, who, PERIOD)
    assert bills.delete_bills(db, [source], who.user_id, NOW) == (1, 1)
    dependents = [b[0] for b in cb.bills_of_task(db, split_task.task_id) + cb.bills_of_task(db, calc_task.task_id)]
    assert len(dependents) == 3
    assert all(is_void(db, b) for b in dependents)
    undone = lineage_reports.task_history(db, split_task.task_id).undone
    assert len(undone) == 2
    assert {c.cause_bill_id for c in undone} == {source}
    assert all("was deleted" in c.reason for c in undone)


def test_voiding_one_split_bill_undoes_the_whole_split_and_a_rerun_charges_it_again(db: Database) -> None:
    who = admin(db)
    ids, _ = _tenants(db)
    source = cb.bill(db, *ids["SRC"], PERIOD, [(D("1000"), D("1320.00"))])
    first, second = (b[0] for b in cb.bills_of_task(db, split(db, who, PERIOD).task_id))
    assert bills.void_bills(db, [first], True, who.user_id, NOW) == (1, 1)
    assert is_void(db, second)
    assert not cb.is_split(db, source)
    # A chargeback bill once void stays void: un-voiding it is skipped (its source may be charged again).
    assert bills.void_bills(db, [first], False, who.user_id, NOW) == (1, 0)
    split(db, who, PERIOD)
    assert live_totals(db, source) == [D("792.00"), D("528.00")]


def test_an_edited_source_undoes_its_split_and_a_rerun_charges_the_new_figures(db: Database) -> None:
    who = admin(db)
    ids, version = _tenants(db)
    source = cb.bill(db, *ids["SRC"], PERIOD, [(D("1000"), D("1320.00"))])
    first = split(db, who, PERIOD)
    assert live_totals(db, source) == [D("792.00"), D("528.00")]
    _edited(db, who, ids, source, "2000.00")
    assert live_totals(db, source) == []
    assert not cb.is_split(db, source)
    undone = lineage_reports.task_history(db, first.task_id).undone
    assert [c.reason for c in undone] == [f"source bill {source}, account A-SRC, meter M-SRC, {PERIOD}, was edited"] * 2
    (group,) = lineage_reports.reruns(db, None, None)
    assert (group.billing_period, [r.version_id for r in group.reruns]) == (PERIOD, [version])
    second = split(db, who, PERIOD)
    assert live_totals(db, source) == [D("1200.00"), D("800.00")]
    assert lineage_reports.reruns(db, None, None) == []
    (resolved,) = lineage_reports.reruns(db, None, None, include_resolved=True)
    assert resolved.reruns[0].resolved_task_id == second.task_id


def test_a_header_only_edit_leaves_the_split_alone(db: Database) -> None:
    who = admin(db)
    ids, _ = _tenants(db)
    source = cb.bill(db, *ids["SRC"], PERIOD, [(D("1000"), D("1320.00"))])
    split(db, who, PERIOD)
    _edited(db, who, ids, source, "1320.00", control_code="CC-1")
    assert live_totals(db, source) == [D("792.00"), D("528.00")]
    assert cb.is_split(db, source)


def test_reversing_a_split_task_voids_what_was_calculated_from_its_bills(db: Database) -> None:
    who = admin(db)
    ids, _ = _tenants(db)
    _rolled_up(db, ids)
    source = cb.bill(db, *ids["SRC"], PERIOD, [(D("1000"), D("100.00"))])
    split_task = split(db, who, PERIOD)
    ((rollup, *_),) = cb.bills_of_task(db, calculate(db, who, PERIOD).task_id)
    chargeback_tasks.reverse_task(db, split_task.task_id, delete=False, user_id=who.user_id, now=NOW)
    assert all(b[3] for b in cb.bills_of_task(db, split_task.task_id))
    assert is_void(db, rollup)
    assert not cb.is_split(db, source)
    assert split(db, who, PERIOD).number_of_bills_created == 2
