"""The calculation run as a service (processing.run_calculated_bills -> runs/calculation_run.py) on an in-memory unit
of work: figures, the order calculated meters read each other in, failures kept to their version, and re-runs that
replace. The wire answer of calculatedBill/exec is in tests/api/test_processors.py."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from apportion.domain import calculations as calc
from apportion.services.chargebacks import chargeback_tasks, lineage_reports
from apportion.store.database import Database
from apportion.store.models.bills import Bill
from tests.services.runs import admin, calculate
from tests.support import chargebacks as cb

D = Decimal
PERIOD = 202403


def test_calculated_bills_fail_alone_and_follow_dependencies(db: Database) -> None:
    who = admin(db)
    ids = cb.accounts_and_meters(db, ["SUB1", "SUB2", "FIX", "SUM", "TOP", "MISS", "C1", "C2"])
    cb.bill(db, *ids["SUB1"], PERIOD, [(D("10"), D("1.00"))])
    cb.bill(db, *ids["SUB2"], PERIOD, [(D("5"), D("0.50"))])
    fixed = calc.CalculatedBillInstructions(
        0,
        use=calc.FixedUse(D("12.5"), cb.KWH),
        cost=calc.FixedCost(D("20.00")),
        meter_line_items=(calc.LineItem("Percentage", "Tax", D("10"), cb.COST),),
        account_line_items=(calc.LineItem("Fixed", "Fee", D("1.50"), cb.COST),),
    )
    cb.calculated_version(db, *ids["FIX"], fixed)
    summed = calc.MeterCalculation(sum_meter_ids=(ids["SUB1"][1], ids["SUB2"][1]))
    cb.calculated_version(db, *ids["SUM"], calc.CalculatedBillInstructions(0, use=summed, cost=summed))
    top = calc.CopyFromMeter(ids["SUM"][1], D("50"))  # reads SUM's bill computed in the same run
    cb.calculated_version(db, *ids["TOP"], calc.CalculatedBillInstructions(0, use=top, cost=top))
    missing = calc.CopyFromMeter(ids["SUB1"][1] + 1000, D("100"))
    miss_id = cb.calculated_version(db, *ids["MISS"], calc.CalculatedBillInstructions(0, use=missing, cost=missing))
    c1, c2 = calc.CopyFromMeter(ids["C2"][1], D("1")), calc.CopyFromMeter(ids["C1"][1], D("1"))
    cb.calculated_version(db, *ids["C1"], calc.CalculatedBillInstructions(0, use=c1, cost=c1))
    cb.calculated_version(db, *ids["C2"], calc.CalculatedBillInstructions(0, use=c2, cost=c2))
    task = calculate(db, who, PERIOD)
    assert (task.chargeback_type, task.status) == ("Calculation", "Completed with errors")
    assert (task.number_of_bills_created, task.number_of_failed_versions) == (3, 3)
    totals = {b[1]: b[4] for b in cb.bills_of_task(db, task.task_id)}
    assert totals == {ids["FIX"][0]: D("23.50"), ids["SUM"][0]: D("1.50"), ids["TOP"][0]: D("0.75")}
    errors = dict(chargeback_tasks.error_rows(db, task.task_id))
    assert errors[miss_id].startswith(f"Meter {ids['MISS'][1]}: meter")
    assert sum("cycle" in message for message in errors.values()) == 2
    # Ordinary calculated bills are not idempotent: a second run adds bills (domain.md §4.4).
    assert calculate(db, who, PERIOD).number_of_bills_created == 3


def test_a_second_calculation_run_replaces_its_earlier_bill(db: Database) -> None:
    who = admin(db)
    ids = cb.accounts_and_meters(db, ["MAIN", "SUB", "RES"])
    main, sub = ids["MAIN"][1], ids["SUB"][1]
    fixed = calc.CalculatedBillInstructions(0, use=calc.FixedUse(D("100"), cb.KWH), cost=calc.FixedCost(D("25.00")))
    cb.calculated_version(db, *ids["SUB"], fixed)
    residual = calc.MeterCalculation(sum_meter_ids=(main,), subtract_meter_ids=(sub,))
    cb.calculated_version(db, *ids["RES"], calc.CalculatedBillInstructions(0, use=residual, cost=residual))
    cb.bill(db, *ids["MAIN"], PERIOD, [(D("1000"), D("100.00"))])
    first = calculate(db, who, PERIOD)
    second = calculate(db, who, PERIOD)
    with db.reading() as session:
        live = session.execute(
            select(Bill.account_id, Bill.total_cost).where(Bill.void.is_(False), Bill.chargeback_task_id.is_not(None))
        ).all()
    # One live bill per version: the residual is 75.00, not 50.00 from a duplicated submeter bill.
    assert sorted((a, D(c)) for a, c in live) == sorted([(ids["SUB"][0], D("25.00")), (ids["RES"][0], D("75.00"))])
    replaced = lineage_reports.task_history(db, second.task_id).replaced
    assert len(replaced) == 2
    assert {c.chargeback_task_id for c in replaced} == {first.task_id}
    assert {c.reason for c in replaced} == {
        f"replaced by chargeback task {second.task_id}, which ran the version for {PERIOD} again"
    }
