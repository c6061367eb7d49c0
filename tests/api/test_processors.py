"""Chargeback processors through the HTTP API: split, calculated bills, steps, workflows, aggregations, errors."""

from __future__ import annotations

import contextlib
import threading
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from apportion.domain import calculations as calc
from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.services.billing.batches import BatchSettings
from apportion.services.runs import processing
from apportion.store import split_inputs
from apportion.store.database import Database
from apportion.store.models.bills import Bill, BillLine
from apportion.store.models.chargebacks import ChargebackTask
from apportion.store.models.organisation import Meter
from apportion.store.models.reference import ObservationType
from tests.conftest import NOW, Api
from tests.support import chargebacks as cb

D = Decimal
PERIOD = 202403


def _split_campus(api: Api) -> tuple[dict[str, tuple[int, int]], int, int]:
    ids = cb.accounts_and_meters(api.db, ["SRC", "D1", "D2"])
    (sa, sm), (a1, m1), (a2, m2) = ids["SRC"], ids["D1"], ids["D2"]
    version_id = cb.split_version(api.db, sa, sm, [(a1, m1, D("60")), (a2, m2, D("40"))])
    source = cb.bill(api.db, sa, sm, PERIOD, [(D("1000.000001"), D("100.01")), (None, D("0.03"))], account_cost=D("7"))
    return ids, version_id, source


def test_bill_split_exec_splits_each_source_once_with_exact_sums(api: Api) -> None:
    ids, version_id, source = _split_campus(api)
    body = {"billingPeriod": PERIOD, "batchSettings": {"batchCode": "SPLIT-1", "invoiceNumber": "INV-9"}, "note": "n"}
    response = api.post("/api/v3/billSplit/exec", json=body)
    assert response.status_code == 200, response.text
    task = response.json()
    assert task["chargebackType"] == "Split"
    assert task["status"] == "Completed"
    assert task["billingPeriod"] == PERIOD
    assert task["numberOfBillsCreated"] == 2
    assert task["numberOfFailedVersions"] == 0
    assert task["batch"]["batchCode"] == "SPLIT-1"
    assert task["user"]["userCode"] == "admin"
    assert task["comment"] == "n"
    assert task["settings"]["batchSettings"]["batchCode"] == "SPLIT-1"
    assert task["taskBegin"] == "2024-06-15T09:30:00"
    bills = cb.bills_of_task(api.db, task["taskId"])
    assert [(b[1], b[2]) for b in bills] == [(ids["D1"][0], source), (ids["D2"][0], source)]
    # The whole bill is split, so the account charge follows the meter's split (domain.md §4.3); every line is
    # split to the cent and 6 places, and the destinations sum to the source exactly.
    assert cb.line_sums(api.db, [b[0] for b in bills]) == (D("1000.000001"), D("107.04"))
    assert [b[4] for b in bills] == [D("64.23"), D("42.81")]  # line by line: 60.01+0.02+4.20, 40.00+0.01+2.80
    assert cb.is_split(api.db, source)
    detail = api.get(f"/api/v3/bill/{bills[0][0]}")
    if detail.status_code == 200:  # the bill routes are another module's; check the header when present
        assert detail.json()["invoiceNumber"] == "INV-9"
    again = api.post("/api/v3/billSplit/exec", json={"billingPeriod": PERIOD}).json()
    assert again["numberOfBillsCreated"] == 0
    assert again["status"] == "Failed"
    assert again["numberOfFailedVersions"] == 1
    assert again["batch"]["batchCode"] == "SPLIT-1"  # the caller's one open batch
    errors = api.get(f"/api/v3/chargebackTask/{again['taskId']}/errorOutput").text
    assert f"{version_id},No unsplit bill on account" in errors


def test_quick_filters_narrow_the_split_versions(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["S1", "S2", "D"])
    dest = (*ids["D"], D("100"))
    cb.split_version(api.db, *ids["S1"], [dest])
    cb.split_version(api.db, *ids["S2"], [dest])
    cb.bill(api.db, *ids["S1"], PERIOD, [(D("1"), D("1.00"))])
    cb.bill(api.db, *ids["S2"], PERIOD, [(D("2"), D("2.00"))])
    filters = [{"caption": "meterCode", "operator": "one of", "value": "M-S2|M-X"}]
    task = api.post("/api/v3/billSplit/exec", json={"billingPeriod": PERIOD, "filters": filters}).json()
    assert task["numberOfBillsCreated"] == 1
    assert [b[4] for b in cb.bills_of_task(api.db, task["taskId"])] == [D("2.00")]
    bad = api.post(
        "/api/v3/billSplit/exec", json={"billingPeriod": PERIOD, "filters": [{**filters[0], "caption": "x"}]}
    )
    assert bad.status_code == 400
    assert "filters[0]" in bad.json()["modelState"]


@pytest.mark.parametrize(
    ("use", "cost"),
    [
        (calc.FixedUse(Decimal("-1e20"), cb.KWH), calc.FixedCost(Decimal("20.00"))),  # a use NUMERIC(24, 6) cannot hold
        (calc.FixedUse(Decimal("1"), cb.KWH), calc.FixedCost(Decimal("1e16"))),  # a cost NUMERIC(18, 2) cannot hold
    ],
)
def test_a_calculated_figure_beyond_its_column_fails_that_version_alone(
    api: Api, use: calc.UseInstruction, cost: calc.CostInstruction
) -> None:
    # Stored before versions were checked against the columns (the API refuses such amounts now).
    ids = cb.accounts_and_meters(api.db, ["HUGE", "FIX"])
    huge = cb.calculated_version(api.db, *ids["HUGE"], calc.CalculatedBillInstructions(0, use=use, cost=cost))
    fixed = calc.CalculatedBillInstructions(0, use=calc.FixedUse(D("12.5"), cb.KWH), cost=calc.FixedCost(D("20.00")))
    cb.calculated_version(api.db, *ids["FIX"], fixed)
    for _ in range(2):  # the first run must not break the next
        response = api.post("/api/v3/calculatedBill/exec", json={"billingPeriod": PERIOD})
        assert response.status_code == 200, response.text
        task = response.json()
        assert (task["status"], task["numberOfBillsCreated"], task["numberOfFailedVersions"]) == (
            "Completed with errors",
            1,
            1,
        )
        errors = api.get(f"/api/v3/chargebackTask/{task['taskId']}/errorOutput").text
        assert f"{huge},Calculated bill version {huge}:" in errors
        assert "is beyond what a bill holds" in errors
        assert {b[1] for b in cb.bills_of_task(api.db, task["taskId"])} == {ids["FIX"][0]}


def test_workflow_runs_steps_in_order_into_one_batch(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["SRC", "D1", "TOT"])
    workflow_id, split_step, calc_step_id = cb.split_then_calculation(api.db, ids, "SRC", "D1", "TOT")
    cb.bill(api.db, *ids["SRC"], PERIOD, [(D("7"), D("70.00"))])
    body = {"billingPeriod": PERIOD, "batchSettings": {"batchCode": "WF"}}
    response = api.post(f"/api/v202304/chargebackWorkflow/{workflow_id}/exec", json=body)
    assert response.status_code == 200, response.text
    tasks = response.json()
    assert [t["chargebackType"] for t in tasks] == ["Split", "Calculation"]
    assert [t["workflow"]["chargebackWorkflowStepId"] for t in tasks] == [split_step, calc_step_id]
    assert {t["batch"]["batchCode"] for t in tasks} == {"WF"}
    assert [b[4] for b in cb.bills_of_task(api.db, tasks[1]["taskId"])] == [D("70.00")]
    # Without a body the last month (2024-05, the clock is 2024-06-15) is processed.
    default = api.post(f"/api/v202304/chargebackWorkflow/{workflow_id}/exec")
    assert [t["billingPeriod"] for t in default.json()] == [202405, 202405]
    step = api.post(f"/api/v3/chargebackWorkflowStep/{calc_step_id}/exec", json={"billingPeriod": PERIOD}).json()
    assert step["workflow"]["chargebackWorkflowStepInfo"] == "Calc it"
    assert step["numberOfBillsCreated"] == 1


def test_aggregations_cover_the_configured_range_and_rerun_idempotently(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["H1", "H2", "AGG"])
    with api.db.transaction() as session:
        meter = session.get(Meter, ids["AGG"][1])
        assert meter is not None
        meter.meter_type_id = 5  # AGGREGATE
    summed = calc.MeterCalculation(sum_meter_ids=(ids["H1"][1], ids["H2"][1]))
    version_id = cb.calculated_version(
        api.db, *ids["AGG"], calc.CalculatedBillInstructions(0, use=summed, cost=summed), begin=202301
    )
    for period, cost in ((202405, "1.00"), (202406, "2.00")):
        cb.bill(api.db, *ids["H1"], period, [(D("1"), D(cost))])
        cb.bill(api.db, *ids["H2"], period, [(D("2"), D(cost))])
    # No body, no Content-Type: the current period (202406) and the 11 before it.
    first = api.post("/api/v202203/utilityPlatform/aggregations/exec")
    assert first.status_code == 200, first.text
    assert first.json()["billingPeriod"] == 202406
    assert first.json()["numberOfBillsCreated"] == 2
    empty = api.post(
        "/api/v202203/utilityPlatform/aggregations/exec", content=b"", headers={"Content-Type": "application/json"}
    )
    assert empty.status_code == 200, empty.text
    cb.bill(api.db, *ids["H1"], 202405, [(D("1"), D("10.00"))])  # a late source bill
    third = api.post("/api/v202203/utilityPlatform/aggregations/exec", json={"billingPeriod": 202406}).json()
    assert third["numberOfBillsCreated"] == 2
    with api.db.reading() as session:
        totals = session.execute(
            select(Bill.billing_period, func.count(), func.sum(Bill.total_cost))
            .where(Bill.chargeback_version_id == version_id, Bill.void.is_(False))
            .group_by(Bill.billing_period)
            .order_by(Bill.billing_period)
        ).all()
    assert [tuple(t) for t in totals] == [(202405, 1, D("12.00")), (202406, 1, D("4.00"))]
    outside = api.post("/api/v202203/utilityPlatform/aggregations/exec", json={"billingPeriod": 202404}).json()
    assert outside["numberOfBillsCreated"] == 0


def test_bad_input_is_a_clear_4xx(api: Api) -> None:
    assert api.post("/api/v3/chargebackWorkflowStep/999/exec", json={"billingPeriod": PERIOD}).status_code == 404
    assert api.post("/api/v202304/chargebackWorkflow/999/exec").status_code == 404
    for period in (202413, 190000, 300002, 202400):
        response = api.post("/api/v3/billSplit/exec", json={"billingPeriod": period})
        assert response.status_code == 400, period
        assert "billingPeriod" in response.json()["modelState"]
    bad_aggregation = api.post("/api/v202203/utilityPlatform/aggregations/exec", json={"billingPeriod": 202413})
    assert bad_aggregation.status_code == 400
    assert api.post("/api/v3/calculatedBill/exec", json={}).json()["modelState"] == {
        "billingPeriod": ["The billingPeriod field is required."]
    }
    no_code = api.post("/api/v3/billSplit/exec", json={"billingPeriod": PERIOD, "batchSettings": {"note": "x"}})
    assert no_code.status_code == 400
    assert "batchSettings.batchCode" in no_code.json()["modelState"]
    dates = {"billingPeriod": PERIOD, "startDateForBill": "2024-03-02", "endDateForBill": "2024-03-01"}
    assert "endDateForBill" in api.post("/api/v3/calculatedBill/exec", json=dates).json()["modelState"]
    api.post("/api/v3/billSplit/exec", json={"billingPeriod": PERIOD, "batchSettings": {"batchCode": "DUP"}})
    dup = api.post("/api/v3/billSplit/exec", json={"billingPeriod": PERIOD, "batchSettings": {"batchCode": "dup"}})
    assert dup.status_code == 400
    with api.db.reading() as session:  # nothing of the refused run was written
        assert session.execute(select(func.count()).select_from(ChargebackTask)).scalar_one() == 1


def test_running_needs_chargebacks_run(api: Api) -> None:
    assert api.post("/api/v3/billSplit/exec", key=None, json={"billingPeriod": PERIOD}).status_code == 401
    viewer = api.key_with("ChargebacksModule:View")
    denied = api.post("/api/v202203/utilityPlatform/aggregations/exec", key=viewer)
    assert denied.status_code == 403
    assert "Chargebacks (Run)" in denied.json()["message"]
    runner = api.key_with("Chargebacks:Run", user_code="runner")
    allowed = api.post("/api/v3/calculatedBill/exec", key=runner, json={"billingPeriod": PERIOD})
    assert allowed.status_code == 200
    assert allowed.json()["user"]["userCode"] == "runner"


def test_two_concurrent_runs_never_split_a_source_twice(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    user_id, _ = auth.create_user_with_key(db, "racer", "Racer", Grants.everything(), NOW)
    principal = auth.Principal(user_id, "racer", "Racer", Grants.everything())
    codes = [f"S{i}" for i in range(30)] + ["D1", "D2"]
    ids = cb.accounts_and_meters(db, codes)
    sources = []
    for i in range(30):
        cb.split_version(db, *ids[f"S{i}"], [(*ids["D1"], D("50")), (*ids["D2"], D("50"))])
        sources.append(cb.bill(db, *ids[f"S{i}"], PERIOD, [(D(i + 1), D("10.01"))]))
    # Both runs find every source unsplit before either claims one (on PostgreSQL; SQLite's database lock
    # holds the second run back at its first write, so its wait times out and it finds nothing left).
    found_all = threading.Barrier(2)
    load_sources = split_inputs.source_bills

    def in_step(*args: Any) -> Any:
        found = load_sources(*args)
        with contextlib.suppress(threading.BrokenBarrierError):
            found_all.wait(timeout=3)
        return found

    monkeypatch.setattr(split_inputs, "source_bills", in_step)
    task_ids: list[int] = []
    failures: list[BaseException] = []

    def run(code: str) -> None:
        try:
            settings = processing.RunSettings(PERIOD, batch=BatchSettings(code))
            task_ids.append(processing.run_bill_split(db, settings, principal, lambda: NOW))
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    threads = [threading.Thread(target=run, args=(code,)) for code in ("RACE-A", "RACE-B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with db.reading() as session:
        per_source = dict(
            session.execute(
                select(Bill.source_bill_id, func.count())
                .where(Bill.source_bill_id.is_not(None))
                .group_by(Bill.source_bill_id)
            ).all()
        )
    assert per_source == dict.fromkeys(sources, 2)
    created = sorted(len(cb.bills_of_task(db, task_id)) for task_id in task_ids)
    assert created == [0, 60]


def test_channel_readings_make_use_and_demand_exactly(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["CHAN"])
    account_id, meter_id = ids["CHAN"]
    created = api.post(
        f"/api/v202101/meter/{meter_id}/channel",
        json={
            # Sub-monthly: its readings roll up into one bill per month (a monthly channel bills reading windows).
            "intervalMinutes": 15,
            "observationTypeCode": "use",
            "channelDescription": "Interval kWh",
            "channelImportId": "CHAN-1",
            "channelVersion": {"multiplier": 2, "unitCode": "kWh", "observationRule": "Trip", "maximumReading": 0},
        },
    )
    assert created.status_code == 200, created.text
    channel_id = created.json()["channelId"]
    # 0.1 + 0.2 + 0.3 has no exact binary form; times the multiplier 2 it must be exactly 1.2, the largest 0.6.
    readings = [("2024-03-01T00:00:00", 0.1), ("2024-03-15T12:00:00", 0.2), ("2024-03-31T23:00:00", 0.3)]
    readings += [("2024-04-01T00:00:00", 1000)]  # the next period's first instant is not in March
    saved = api.post(
        "/api/v3/reading",
        json=[{"channelId": channel_id, "readings": [{"time": t, "value": v} for t, v in readings]}],
    )
    assert saved.json()["importedReadingsCount"] == 4
    channel = calc.ReadingsChannel(channel_id)
    instructions = calc.CalculatedBillInstructions(0, use=channel, cost=calc.FixedCost(D("5.00")), demand=channel)
    cb.calculated_version(api.db, account_id, meter_id, instructions)
    task = api.post("/api/v3/calculatedBill/exec", json={"billingPeriod": PERIOD}).json()
    assert task["status"] == "Completed", task
    ((bill_id, *_),) = cb.bills_of_task(api.db, task["taskId"])
    with api.db.reading() as session:
        values = dict(
            session.execute(
                select(ObservationType.kind, BillLine.value)
                .join(ObservationType, ObservationType.observation_type_id == BillLine.observation_type_id)
                .where(BillLine.bill_id == bill_id, BillLine.value.is_not(None))
            ).all()
        )
    assert values == {"use": D("1.2"), "demand": D("0.6")}
