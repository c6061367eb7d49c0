"""Chargeback tasks through the HTTP API: list, read, comment, void, delete, error log, history, step reversal."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from apportion.domain import calculations as calc
from apportion.store.models.bills import Bill
from apportion.store.models.chargebacks import DistributionVersion
from tests.conftest import Api
from tests.support import chargeback_builders as builders
from tests.support import chargebacks as cb

D = Decimal
PERIOD = 202403


def _split_run(api: Api, step_id: int | None = None, period: int = PERIOD) -> tuple[dict[str, tuple[int, int]], int]:
    """A split version 70/30 with one source bill in `period`, run once; (ids, task id)."""
    ids = cb.accounts_and_meters(api.db, [f"SRC{period}", f"A{period}", f"B{period}"])
    source, a, b = ids[f"SRC{period}"], ids[f"A{period}"], ids[f"B{period}"]
    cb.split_version(api.db, *source, [(*a, D("70")), (*b, D("30"))], step_id=step_id)
    cb.bill(api.db, *source, period, [(D("33.333333"), D("99.99"))])
    if step_id is None:
        task = api.post("/api/v3/billSplit/exec", json={"billingPeriod": period}).json()
    else:
        task = api.post(f"/api/v3/chargebackWorkflowStep/{step_id}/exec", json={"billingPeriod": period}).json()
    return ids, int(task["taskId"])


def _source_of(api: Api, task_id: int) -> int:
    bills = cb.bills_of_task(api.db, task_id)
    assert bills
    source = bills[0][2]
    assert source is not None
    return source


def test_list_get_and_comment(api: Api) -> None:
    _split_run(api)
    calc_task = api.post("/api/v3/calculatedBill/exec", json={"billingPeriod": 202404}).json()
    listed = api.get("/api/v3/chargebackTask?pageSize=1")
    assert listed.status_code == 200
    assert [t["taskId"] for t in listed.json()] == [calc_task["taskId"]]
    assert listed.headers["TotalNumberOfRecords"] == "2"
    assert listed.headers["TotalPages"] == "2"
    splits = api.get("/api/v3/chargebackTask", params={"filter": "calculateBillTypeID equals '2'"}).json()
    assert [t["chargebackType"] for t in splits] == ["Split"]
    by_period = api.get("/api/v3/chargebackTask", params={"filter": "billingPeriod equals '202404'"}).json()
    assert [t["taskId"] for t in by_period] == [calc_task["taskId"]]
    by_status = api.get("/api/v3/chargebackTask", params={"filter": "status like 'complet'"}).json()
    assert len(by_status) == 2
    assert api.get("/api/v3/chargebackTask", params={"filter": "billingPeriod equals '202413'"}).status_code == 400
    bad_op = api.get("/api/v3/chargebackTask", params={"filter": "calculateBillWorkflowStepID less than '3'"})
    assert bad_op.status_code == 400
    one = api.get(f"/api/v3/chargebackTask/{calc_task['taskId']}")
    assert one.json()["taskEnd"] == "2024-06-15T09:30:00"
    assert one.json()["numberOfAnalyzingBills"] == 0
    edited = api.put(f"/api/v3/chargebackTask/{calc_task['taskId']}", json={"comment": "checked"})
    assert edited.status_code == 200
    assert edited.json()["comment"] == "checked"
    assert api.put(f"/api/v3/chargebackTask/{calc_task['taskId']}", json={}).status_code == 400
    assert api.get("/api/v3/chargebackTask/999").status_code == 404
    assert api.put("/api/v3/chargebackTask/999", json={"comment": "x"}).status_code == 404


def test_void_resets_sources_and_a_rerun_reproduces_the_bills(api: Api) -> None:
    _ids, task_id = _split_run(api)
    before = cb.bills_of_task(api.db, task_id)
    source = _source_of(api, task_id)
    response = api.post(f"/api/v3/chargebackTask/{task_id}/void")  # no body, no Content-Type
    assert response.status_code == 204
    assert response.content == b""
    assert all(b[3] for b in cb.bills_of_task(api.db, task_id))
    assert not cb.is_split(api.db, source)
    task = api.get(f"/api/v3/chargebackTask/{task_id}").json()
    assert task["reversedBy"]["userCode"] == "admin"
    assert task["reversedDate"] == "2024-06-15T09:30:00"
    again = api.post(f"/api/v3/chargebackTask/{task_id}/void")
    assert again.status_code == 400
    assert "already reversed" in again.json()["message"]
    rerun = api.post("/api/v3/billSplit/exec", json={"billingPeriod": PERIOD}).json()
    after = cb.bills_of_task(api.db, rerun["taskId"])
    assert [(b[1], b[2], b[4]) for b in after] == [(b[1], b[2], b[4]) for b in before]
    assert cb.is_split(api.db, source)


def test_delete_removes_bills_and_resets_sources(api: Api) -> None:
    _ids, task_id = _split_run(api)
    source = _source_of(api, task_id)
    assert api.post(f"/api/v3/chargebackTask/{task_id}/delete").status_code == 204
    assert cb.bills_of_task(api.db, task_id) == []
    assert not cb.is_split(api.db, source)
    assert api.post("/api/v3/chargebackTask/999/delete").status_code == 404
    assert api.post("/api/v3/chargebackTask/999/void").status_code == 404


def test_reversal_needs_chargeback_reversals_manage(api: Api) -> None:
    _ids, task_id = _split_run(api)
    runner = api.key_with("Chargebacks:Run", "ChargebacksModule:View")
    denied = api.post(f"/api/v3/chargebackTask/{task_id}/void", key=runner)
    assert denied.status_code == 403
    assert "ChargebackReversals (Manage)" in denied.json()["message"]
    assert api.post(f"/api/v3/chargebackTask/{task_id}/delete", key=runner).status_code == 403
    assert not any(b[3] for b in cb.bills_of_task(api.db, task_id))
    reverser = api.key_with("ChargebackReversals:Manage", user_code="reverser")
    assert api.post(f"/api/v3/chargebackTask/{task_id}/void", key=reverser).status_code == 204
    assert api.get(f"/api/v3/chargebackTask/{task_id}").json()["reversedBy"]["userCode"] == "reverser"
    assert api.get("/api/v3/chargebackTask", key=None).status_code == 401


def test_version_history_lists_each_run(api: Api) -> None:
    ids, task_id = _split_run(api)
    source_account, source_meter = ids[f"SRC{PERIOD}"]
    with api.db.reading() as session:
        version_id = session.execute(
            select(DistributionVersion.version_id).where(DistributionVersion.meter_id == source_meter)
        ).scalar_one()
    url = f"/api/v3/account/{source_account}/meter/{source_meter}/billSplit/{version_id}/chargebackTask"
    api.post("/api/v3/billSplit/exec", json={"billingPeriod": PERIOD})  # nothing left to split: an error row
    history = api.get(url).json()
    assert [h["taskId"] for h in history] == [task_id, task_id + 1]
    assert history[0]["sourceBillId"] == _source_of(api, task_id)
    assert history[0]["destinationBillIds"] == [b[0] for b in cb.bills_of_task(api.db, task_id)]
    assert history[0]["numberOfBillsCreated"] == 2
    assert history[0]["errorMessage"] is None
    assert history[1]["destinationBillIds"] == []
    assert history[1]["errorMessage"].startswith("No unsplit bill")
    assert api.get(url.replace(f"/account/{source_account}/", "/account/999/")).status_code == 404
    assert api.get(url.replace("billSplit", "calculatedBill")).status_code == 404
    calc_ids = cb.accounts_and_meters(api.db, ["CALC"])
    fixed = calc.CalculatedBillInstructions(0, use=calc.FixedUse(D("1"), cb.KWH), cost=calc.FixedCost(D("2.00")))
    calc_version = cb.calculated_version(api.db, *calc_ids["CALC"], fixed)
    calc_task = api.post("/api/v3/calculatedBill/exec", json={"billingPeriod": PERIOD}).json()
    calc_url = f"/api/v3/account/{calc_ids['CALC'][0]}/meter/{calc_ids['CALC'][1]}/calculatedBill/{calc_version}"
    calc_history = api.get(f"{calc_url}/chargebackTask").json()
    assert [(h["taskId"], h["numberOfBillsCreated"]) for h in calc_history] == [(calc_task["taskId"], 1)]
    assert calc_history[0]["destinationBillIds"] == [b[0] for b in cb.bills_of_task(api.db, calc_task["taskId"])]


def test_step_void_and_delete_cover_every_run_of_the_period(api: Api) -> None:
    step_id = builders.workflow_step(api.db, "Split", "Split step")
    _ids, first = _split_run(api, step_id, PERIOD)
    _ids2, other_period = _split_run(api, step_id, 202404)
    void = api.post(f"/api/v3/chargebackWorkflowStep/{step_id}/void", params={"billingPeriod": PERIOD})
    assert void.status_code == 204
    assert all(b[3] for b in cb.bills_of_task(api.db, first))
    assert not any(b[3] for b in cb.bills_of_task(api.db, other_period))
    rerun = api.post(f"/api/v3/chargebackWorkflowStep/{step_id}/exec", json={"billingPeriod": PERIOD}).json()
    assert rerun["numberOfBillsCreated"] == 2
    # Without billingPeriod the latest period with tasks of the step (202404) is deleted (domain.md §7 Q10).
    assert api.post(f"/api/v3/chargebackWorkflowStep/{step_id}/delete").status_code == 204
    assert cb.bills_of_task(api.db, other_period) == []
    assert (
        api.post(f"/api/v3/chargebackWorkflowStep/{step_id}/delete", params={"billingPeriod": PERIOD}).status_code
        == 204
    )
    with api.db.reading() as session:
        left = session.execute(
            select(func.count()).select_from(Bill).where(Bill.chargeback_task_id.is_not(None))
        ).scalar_one()
    assert left == 0
    assert api.post("/api/v3/chargebackWorkflowStep/999/void").status_code == 404
    bad = api.post(f"/api/v3/chargebackWorkflowStep/{step_id}/void", params={"billingPeriod": 202413})
    assert bad.status_code == 400


def test_error_output_is_a_csv_of_failed_versions(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["X"])
    version_id = cb.split_version(api.db, *ids["X"], [])
    task = api.post("/api/v3/billSplit/exec", json={"billingPeriod": PERIOD}).json()
    response = api.get(f"/api/v3/chargebackTask/{task['taskId']}/errorOutput")
    assert response.status_code == 200
    lines = response.text.splitlines()
    assert lines[0] == "versionId,errorMessage"
    assert lines[1] == f"{version_id},No unsplit bill on account A-X and meter M-X for billing period {PERIOD}."
    assert api.get("/api/v3/chargebackTask/999/errorOutput").status_code == 404
