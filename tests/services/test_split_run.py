"""The split run as a service (processing.run_bill_split -> runs/split_run.py) on an in-memory unit of work: what it
charges, to whom, for which days, and what it leaves on the source. The wire answer of billSplit/exec is in
tests/api/test_processors.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from apportion.domain import periods
from apportion.domain.bills import BillDraft, LineDraft
from apportion.domain.source_split import Left
from apportion.services.chargebacks import chargeback_tasks, lineage_reports
from apportion.store.bill_writer import BillWriter
from apportion.store.database import Database
from apportion.store.models.bills import Batch, Bill
from apportion.store.models.organisation import AccountMeter, MeterGroup, MeterGroupMember, PlaceSize
from tests.services.runs import NOW, admin, live_totals, split
from tests.support import chargebacks as cb

D = Decimal
PERIOD = 202403
USE, TAX = 1, 8  # seeded observation types


def test_each_source_is_split_once_line_by_line_to_the_cent(db: Database) -> None:
    who = admin(db)
    ids = cb.accounts_and_meters(db, ["SRC", "D1", "D2"])
    version = cb.split_version(db, *ids["SRC"], [(*ids["D1"], D("60")), (*ids["D2"], D("40"))])
    source = cb.bill(db, *ids["SRC"], PERIOD, [(D("1000.000001"), D("100.01")), (None, D("0.03"))], account_cost=D("7"))
    task = split(db, who, PERIOD)
    assert (task.status, task.number_of_bills_created, task.number_of_failed_versions) == ("Completed", 2, 0)
    bills = cb.bills_of_task(db, task.task_id)
    assert [(b[1], b[2]) for b in bills] == [(ids["D1"][0], source), (ids["D2"][0], source)]
    # The account charge follows the meter's split (domain.md §4.3); the destinations sum to the source exactly.
    assert cb.line_sums(db, [b[0] for b in bills]) == (D("1000.000001"), D("107.04"))
    assert [b[4] for b in bills] == [D("64.23"), D("42.81")]  # 60.01+0.02+4.20, 40.00+0.01+2.80
    assert cb.is_split(db, source)
    again = split(db, who, PERIOD)
    assert (again.status, again.number_of_bills_created, again.number_of_failed_versions) == ("Failed", 0, 1)
    ((failed, message),) = chargeback_tasks.error_rows(db, again.task_id)
    assert failed == version
    assert message.startswith(
        f"No unsplit bill on account A-SRC and meter M-SRC for billing period {PERIOD}: bill {source} was split by "
        f"chargeback task {task.task_id}."
    )


def test_each_version_with_nothing_to_split_says_why_in_one_run(db: Database) -> None:
    who = admin(db)
    ids = cb.accounts_and_meters(db, ["S1", "S2", "S3", "D1"])
    to = [(*ids["D1"], D("100"))]
    v1, v2, v3 = (cb.split_version(db, *ids[code], to) for code in ("S1", "S2", "S3"))
    b1 = cb.bill(db, *ids["S1"], PERIOD, [(D("10"), D("10.00"))])
    b3 = cb.bill(db, *ids["S3"], PERIOD, [(D("30"), D("30.00"))])
    first = split(db, who, PERIOD)
    assert first.number_of_bills_created == 2
    again = split(db, who, PERIOD)
    reasons = dict(chargeback_tasks.error_rows(db, again.task_id))
    assert set(reasons) == {v1, v2, v3}
    assert reasons[v1].startswith(
        f"No unsplit bill on account A-S1 and meter M-S1 for billing period {PERIOD}: bill {b1}"
    )
    assert reasons[v2] == f"No unsplit bill on account A-S2 and meter M-S2 for billing period {PERIOD}."
    assert reasons[v3].startswith(
        f"No unsplit bill on account A-S3 and meter M-S3 for billing period {PERIOD}: bill {b3}"
    )
    assert f"chargeback task {first.task_id}" in reasons[v3]


def test_floor_area_weights_and_dynamic_shares(db: Database) -> None:
    who = admin(db)
    ids = cb.accounts_and_meters(db, ["SRC", "D1", "D2", "G1", "G2"])
    (sa, sm) = ids["SRC"]
    # Both destinations sit on the root place, so equal weights split evenly; weights 1 and 3 give 25/75.
    cb.split_version(db, sa, sm, [(*ids["D1"], D("1")), (*ids["D2"], D("3"))], method="floorArea", end=202401)
    with db.transaction() as session:
        session.add(PlaceSize(place_id=1, value=1000, unit_code="SQFEET", begin_date=date(2000, 6, 15)))
    cb.bill(db, sa, sm, 202401, [(D("100"), D("10.00"))])
    task = split(db, who, 202401)
    assert task.status == "Completed"
    assert [b[4] for b in cb.bills_of_task(db, task.task_id)] == [D("2.50"), D("7.50")]
    # Dynamic: shares are the group meters' own use in the period (1 and 2 kWh) -> 1/3, 2/3 of cost only.
    with db.transaction() as session:
        group = MeterGroup(meter_group_code="G", meter_group_info="Group")
        session.add(group)
        session.flush()
        group_id = group.meter_group_id
        session.add_all(MeterGroupMember(meter_group_id=group_id, meter_id=ids[c][1]) for c in ("G1", "G2"))
    cb.split_version(db, sa, sm, [], method="dynamicPercentage", begin=202402, group_id=group_id, source_value="cost")
    cb.bill(db, *ids["G1"], 202402, [(D("1"), D("0.00"))])
    cb.bill(db, *ids["G2"], 202402, [(D("2"), D("0.00"))])
    cb.bill(db, sa, sm, 202402, [(D("90"), D("10.00"))])
    task = split(db, who, 202402)
    assert task.status == "Completed"
    bills = cb.bills_of_task(db, task.task_id)
    assert [(b[1], b[4]) for b in bills] == [(ids["G1"][0], D("3.33")), (ids["G2"][0], D("6.67"))]
    assert cb.line_sums(db, [b[0] for b in bills]) == (D(0), D("10.00"))


def test_account_charges_follow_the_split_of_their_meter_and_the_record_balances(db: Database) -> None:
    who = admin(db)
    ids = cb.accounts_and_meters(db, ["SRC", "T1", "T2"])
    cb.split_version(db, *ids["SRC"], [(*ids["T1"], D("50")), (*ids["T2"], D("50"))])
    source = cb.bill(db, *ids["SRC"], PERIOD, [(D("100"), D("100.00"))], account_cost=D("20.00"))
    task = split(db, who, PERIOD)
    assert live_totals(db, source) == [D("60.00"), D("60.00")]
    total = lineage_reports.task_conservation(db, task.task_id).total
    assert (total.source_amount, total.allocated, sum(total.left.values(), D(0))) == (D(120), D(120), D(0))


def _two_meter_bill(db: Database, account_id: int, meter_a: int, meter_b: int, account_cost: Decimal) -> int:
    with db.transaction() as session:
        batch = Batch(batch_code="TWO", status="Closed", created_by=1, start_date=NOW)
        session.add(batch)
        session.flush()
        lines = (
            LineDraft(USE, "use", meter_a, "A", D("500"), cb.KWH, D("50.00")),
            LineDraft(USE, "use", meter_b, "B", D("2000"), cb.KWH, D("200.00")),
            LineDraft(TAX, "cost", None, "Tax", None, None, account_cost),
        )
        draft = BillDraft(account_id, PERIOD, periods.first_day(PERIOD), periods.end_date(PERIOD), lines)
        return BillWriter(session).write([draft], batch.batch_id, 1, NOW)[0]


def test_a_bill_with_two_split_meters_is_split_by_both_in_one_run(db: Database) -> None:
    who = admin(db)
    ids = cb.accounts_and_meters(db, ["SRC", "T1", "T2", "T3"])
    src_account, meter_a = ids["SRC"]
    extra = cb.accounts_and_meters(db, ["SRC2"])["SRC2"][1]
    with db.transaction() as session:  # a second meter on the source account
        session.add(
            AccountMeter(account_id=src_account, meter_id=extra, begin_date=date(2000, 1, 1), end_date=date(2100, 1, 1))
        )
    cb.split_version(db, src_account, meter_a, [(*ids["T1"], D("100"))])
    cb.split_version(db, src_account, extra, [(*ids["T2"], D("30")), (*ids["T3"], D("70"))])
    source = _two_meter_bill(db, src_account, meter_a, extra, account_cost=D("10.01"))
    task = split(db, who, PERIOD)
    assert task.number_of_failed_versions == 0, chargeback_tasks.error_rows(db, task.task_id)
    # Meter A: 50.00 + 5.01 of the account charge; meter B: 200.00 + 5.00, split 30/70.
    assert live_totals(db, source) == [D("55.01"), D("61.50"), D("143.50")]


def test_a_tenant_is_charged_only_for_the_days_of_its_link(db: Database) -> None:
    who = admin(db)
    ids = cb.accounts_and_meters(db, ["SRC", "T1", "T2"])
    cb.split_version(db, *ids["SRC"], [(*ids["T1"], D("60")), (*ids["T2"], D("40"))])
    new = cb.accounts_and_meters(db, ["NEW"])["NEW"][0]
    t1_account, t1_meter = ids["T1"]
    with db.transaction() as session:
        link = session.execute(
            select(AccountMeter).where(AccountMeter.account_id == t1_account, AccountMeter.meter_id == t1_meter)
        ).scalar_one()
        link.end_date = date(2024, 3, 11)  # T1 moves out after 10 of March's 31 days
        session.add(
            AccountMeter(account_id=new, meter_id=t1_meter, begin_date=date(2024, 3, 21), end_date=date(2100, 1, 1))
        )
    source = cb.bill(db, *ids["SRC"], PERIOD, [(D("3100"), D("310.00"))])
    task = split(db, who, PERIOD)
    with db.reading() as session:
        rows = session.execute(
            select(Bill.account_id, Bill.begin_date, Bill.end_date, Bill.total_cost)
            .where(Bill.source_bill_id == source)
            .order_by(Bill.bill_id)
        ).all()
    # T1's 60 % (186.00) over 31 days: 10 days to T1, 10 vacant, 11 to the new tenant; T2 all month.
    assert [tuple(r) for r in rows] == [
        (t1_account, date(2024, 3, 1), date(2024, 3, 11), D("60.00")),
        (new, date(2024, 3, 21), date(2024, 4, 1), D("66.00")),
        (ids["T2"][0], date(2024, 3, 1), date(2024, 4, 1), D("124.00")),
    ]
    (record,) = lineage_reports.task_conservation(db, task.task_id).sources
    assert record.record.left[Left.VACANCY] == D(60)
    assert record.record.source_amount == record.record.allocated + sum(record.record.left.values(), D(0))
    # The next month the former tenant gets nothing.
    april = cb.bill(db, *ids["SRC"], 202404, [(D("3000"), D("300.00"))])
    split(db, who, 202404)
    with db.reading() as session:
        charged = set(session.execute(select(Bill.account_id).where(Bill.source_bill_id == april)).scalars())
    assert charged == {new, ids["T2"][0]}


def test_a_destination_that_is_not_linked_fails_its_version_alone(db: Database) -> None:
    who = admin(db)
    ids = cb.accounts_and_meters(db, ["S1", "S2", "D1", "D2"])
    bad = cb.split_version(db, *ids["S1"], [(ids["D1"][0], ids["D2"][1], D("100"))])
    cb.split_version(db, *ids["S2"], [(*ids["D1"], D("100"))])
    bad_source = cb.bill(db, *ids["S1"], PERIOD, [(D("1"), D("1.00"))])
    cb.bill(db, *ids["S2"], PERIOD, [(D("2"), D("2.00"))])
    task = split(db, who, PERIOD)
    assert (task.status, task.number_of_bills_created, task.number_of_failed_versions) == (
        "Completed with errors",
        1,
        1,
    )
    assert not cb.is_split(db, bad_source)
    ((version, message),) = chargeback_tasks.error_rows(db, task.task_id)
    assert version == bad
    assert message.startswith(f"Split version {bad}: destination account {ids['D1'][0]} is not linked to meter")
    # Its source keeps the whole amount, and the record says why.
    records = {s.record.source_bill_id: s.record for s in lineage_reports.task_conservation(db, task.task_id).sources}
    assert records[bad_source].allocated == 0
    assert records[bad_source].left[Left.FAILED_VERSIONS] == D("1.00")
