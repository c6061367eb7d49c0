"""Dry runs of a workflow step and a whole workflow: the real engine's answer, and nothing written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import update

from apportion.domain import calculations
from apportion.store import instructions
from apportion.store.models.chargebacks import DistributionVersion
from tests.conftest import Api
from tests.support import chargebacks as cb
from tests.support.fingerprint import fingerprint

D = Decimal
PERIOD = 202403


def _workflow(api: Api) -> tuple[dict[str, tuple[int, int]], int, int, int]:
    ids = cb.accounts_and_meters(api.db, ["SRC", "D1", "TOT"])
    workflow_id, split_step, calc_step = cb.split_then_calculation(api.db, ids, "SRC", "D1", "TOT")
    cb.bill(api.db, *ids["SRC"], PERIOD, [(D("7"), D("70.00"))])
    return ids, workflow_id, split_step, calc_step


def _changes(answer: dict[str, object]) -> list[tuple[str, str, str, str]]:
    return [
        (d["accountCode"], d["change"], d["liveCost"], d["difference"])  # type: ignore[index]
        for d in answer["differences"]  # type: ignore[attr-defined]
    ]


def test_a_workflow_dry_run_answers_what_the_run_posts_and_writes_nothing(api: Api) -> None:
    _ids, workflow_id, split_step, calc_step = _workflow(api)
    before = fingerprint(api.db)
    dry = api.post(f"/apportion/v1/chargebackWorkflow/{workflow_id}/dryRun", json={"billingPeriod": PERIOD})
    assert dry.status_code == 200, dry.text
    answer = dry.json()
    assert fingerprint(api.db) == before
    assert answer["dryRun"] is True
    assert answer["chargebackWorkflowStepIds"] == [split_step, calc_step]
    assert [(t["chargebackType"], t["status"], t["billsCreated"]) for t in answer["tasks"]] == [
        ("Split", "Completed", 1),
        ("Calculation", "Completed", 1),
    ]
    conservation = answer["tasks"][0]["conservation"]
    assert (conservation["sourceAmount"], conservation["allocated"], conservation["left"]["total"]) == (70.0, 70.0, 0)
    assert answer["tasks"][1]["conservation"] is None
    assert sorted((b["accountCode"], b["totalCost"]) for b in answer["bills"]) == [("A-D1", 70.0), ("A-TOT", 70.0)]
    assert _changes(answer) == [("A-D1", "new", 0, 70.0), ("A-TOT", "new", 0, 70.0)]
    assert answer["summary"] == {
        "new": 2,
        "changed": 0,
        "unchanged": 0,
        "voided": 0,
        "liveCost": 0,
        "newCost": 140.0,
        "difference": 140.0,
    }

    # The real run posts what the dry run answered.
    real = api.post(f"/api/v202304/chargebackWorkflow/{workflow_id}/exec", json={"billingPeriod": PERIOD}).json()
    posted = sorted(b[4] for task in real for b in cb.bills_of_task(api.db, task["taskId"]))
    assert posted == sorted(D(str(b["totalCost"])) for b in answer["bills"])

    # Run again unchanged: the split has nothing left to split, the calculation replaces its bill with an equal one.
    before = fingerprint(api.db)
    again = api.post(f"/apportion/v1/chargebackWorkflow/{workflow_id}/dryRun", json={"billingPeriod": PERIOD}).json()
    assert fingerprint(api.db) == before
    assert _changes(again) == [("A-D1", "unchanged", 70.0, 0), ("A-TOT", "unchanged", 70.0, 0)]
    assert again["tasks"][0]["status"] == "Failed"
    assert "Void or delete that task" in again["tasks"][0]["errors"][0]["message"]


def test_a_step_dry_run_shows_what_a_late_bill_changes(api: Api) -> None:
    ids, workflow_id, split_step, calc_step = _workflow(api)
    assert api.post(f"/api/v202304/chargebackWorkflow/{workflow_id}/exec", json={"billingPeriod": PERIOD}).is_success
    cb.bill(api.db, *ids["SRC"], PERIOD, [(D("1"), D("12.34"))])  # a second vendor bill arrives for the period
    before = fingerprint(api.db)
    split = api.post(f"/apportion/v1/chargebackWorkflowStep/{split_step}/dryRun", json={"billingPeriod": PERIOD})
    assert split.status_code == 200, split.text
    # D1 gets a second bill: its live total goes from 70.00 to 82.34.
    assert _changes(split.json()) == [("A-D1", "changed", 70.0, 12.34)]
    whole = api.post(f"/apportion/v1/chargebackWorkflow/{workflow_id}/dryRun", json={"billingPeriod": PERIOD}).json()
    assert _changes(whole) == [("A-D1", "changed", 70.0, 12.34), ("A-TOT", "changed", 70.0, 12.34)]
    assert whole["summary"]["difference"] == 24.68
    calc = api.post(f"/apportion/v1/chargebackWorkflowStep/{calc_step}/dryRun", json={"billingPeriod": PERIOD}).json()
    assert _changes(calc) == [("A-TOT", "unchanged", 70.0, 0)]  # alone, the calculation still sees D1's 70.00
    assert fingerprint(api.db) == before


def test_dry_run_refusals(api: Api) -> None:
    _ids, _workflow_id, split_step, _calc = _workflow(api)
    viewer = api.key_with("ChargebacksModule:View")
    before = fingerprint(api.db)
    url = f"/apportion/v1/chargebackWorkflowStep/{split_step}/dryRun"
    bad = api.post(url, json={"billingPeriod": "2024-03"})
    assert bad.status_code == 400
    assert "use YYYYMM, e.g. 202403" in bad.json()["modelState"]["billingPeriod"][0]
    month = api.post(url, json={"billingPeriod": 202413})
    assert month.status_code == 400
    assert "billingPeriod" in month.json()["modelState"]
    assert (
        api.post("/apportion/v1/chargebackWorkflowStep/99999/dryRun", json={"billingPeriod": PERIOD}).status_code == 404
    )
    assert api.post("/apportion/v1/chargebackWorkflow/99999/dryRun", json={"billingPeriod": PERIOD}).status_code == 404
    assert api.post(url, json={"billingPeriod": PERIOD}, key=viewer).status_code == 403
    assert api.post(url, json={"billingPeriod": PERIOD}, key=None).status_code == 401
    assert fingerprint(api.db) == before


@pytest.mark.one_database
def test_dry_runs_are_in_the_openapi_document(api: Api) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    assert "post" in paths["/apportion/v1/chargebackWorkflowStep/{chargebackWorkflowStepId}/dryRun"]
    assert "post" in paths["/apportion/v1/chargebackWorkflow/{chargebackWorkflowId}/dryRun"]


def test_a_calculation_that_would_fail_shows_its_bill_voided(api: Api) -> None:
    ids, workflow_id, _split_step, calc_step = _workflow(api)
    assert api.post(f"/api/v202304/chargebackWorkflow/{workflow_id}/exec", json={"billingPeriod": PERIOD}).is_success
    # The calculation now reads a meter that does not exist: a re-run replaces its bill with none.
    broken = calculations.CopyFromMeter(ids["TOT"][1] + 1000, D("100"))
    document = instructions.to_document(calculations.CalculatedBillInstructions(0, use=broken, cost=broken))
    with api.db.transaction() as session:
        session.execute(
            update(DistributionVersion)
            .where(DistributionVersion.workflow_step_id == calc_step)
            .values(instructions=document)
        )
    before = fingerprint(api.db)
    answer = api.post(f"/apportion/v1/chargebackWorkflowStep/{calc_step}/dryRun", json={"billingPeriod": PERIOD})
    assert answer.status_code == 200, answer.text
    assert fingerprint(api.db) == before
    body = answer.json()
    assert _changes(body) == [("A-TOT", "voided", 70.0, -70.0)]
    assert (body["summary"]["voided"], body["summary"]["difference"]) == (1, -70.0)
    assert body["tasks"][0]["status"] == "Failed"
    assert body["tasks"][0]["errors"][0]["message"]
    assert body["bills"] == []
