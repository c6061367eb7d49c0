"""The chargeback workflow digest through HTTP (api-reference/001, domain.md §4.8), with hand-checked numbers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from apportion.api.schemas.base import dump
from apportion.api.schemas.contract import ChargebackWorkflowDigestResponse
from tests.api import master_builders as mb
from tests.conftest import Api
from tests.support import chargeback_builders as cb
from tests.support import digest_builders as dg

URL = "/api/v3/chargebackWorkflow/{}/digest"
KWH = {"unitId": 1, "unitCode": "kWh", "unitInfo": "Kilowatt-hours"}
USD = {"unitId": 30, "unitCode": "USD", "unitInfo": "US dollars"}
MWH = 2


def _split_campus(api: Api) -> dict[str, Any]:
    """A master meter split 60/40 to two destinations, run for 202403 twice (the first run voided) and 202402.

    Bills (use kWh / cost): MASTER 202403 1000/150.00, 202402 800/120.00, 202303 900/126.00;
    DEST-A 202403 600/90.00 from the step plus a vendor bill 50/10.00, 202402 480/72.00 from the step;
    DEST-B 202403 400/60.00 from the step, 202402 320/48.00 from the step, 202303 0.3 MWh (= 300 kWh)/45.00.
    The voided first run's bills (void) must not count.
    """
    m = mb.linked_meters(api, "MASTER", "DEST-A", "DEST-B")
    (acc_m, master), (acc_a, dest_a), (acc_b, dest_b) = m["MASTER"], m["DEST-A"], m["DEST-B"]
    step_id = cb.workflow_step(api.db, "Split", info="Campus split")
    version_id = cb.version(api.db, "Split", acc_m, master, step_id=step_id)
    dg.destinations(api.db, version_id, [(acc_a, dest_a, "60"), (acc_b, dest_b, "40")])

    source = dg.bill(api.db, acc_m, master, 202403, "1000", "150.00")
    prior_source = dg.bill(api.db, acc_m, master, 202402, "800", "120.00")
    dg.bill(api.db, acc_m, master, 202303, "900", "126.00")

    february = dg.task(api.db, step_id, 202402, version_ids=[version_id], started=datetime(2024, 3, 2))
    for acc, meter, use, cost in ((acc_a, dest_a, "480", "72.00"), (acc_b, dest_b, "320", "48.00")):
        dg.bill(
            api.db, acc, meter, 202402, use, cost, task_id=february, version_id=version_id, source_bill_id=prior_source
        )

    voided = dg.task(
        api.db,
        step_id,
        202403,
        version_ids=[version_id],
        started=datetime(2024, 4, 2),
        reversed_on=datetime(2024, 4, 3),
    )
    latest = dg.task(api.db, step_id, 202403, version_ids=[version_id], started=datetime(2024, 4, 5))
    for task_id, void in ((voided, True), (latest, False)):
        for acc, meter, use, cost in ((acc_a, dest_a, "600", "90.00"), (acc_b, dest_b, "400", "60.00")):
            dg.bill(
                api.db,
                acc,
                meter,
                202403,
                use,
                cost,
                task_id=task_id,
                version_id=version_id,
                source_bill_id=source,
                void=void,
            )
    dg.bill(api.db, acc_a, dest_a, 202403, "50", "10.00")
    dg.bill(api.db, acc_b, dest_b, 202303, "0.3", "45.00", unit_id=MWH)
    return {"step_id": step_id, "meters": m}


def _contract_form(body: dict[str, Any]) -> dict[str, Any]:
    """The body as the contract models read and write it: equal to the body only when every field is a
    ChargebackWorkflowDigestResponse field, none is missing and every value has the wire type."""
    return dump(ChargebackWorkflowDigestResponse.model_validate(body))


def _period(period: int, use: Any, cost: Any, unit_cost: Any, bills: int, from_step: int) -> dict[str, Any]:
    return {
        "billingPeriod": period,
        "numberOfBillsInPeriod": bills,
        "numberOfBillsInPeriodFromWorkflowStep": from_step,
        "use": {"use": use, "unit": KWH},
        "cost": {"cost": cost, "unit": USD},
        "unitCost": unit_cost,
    }


def _compare(period: int, use: Any, use_delta: Any, cost: Any, cost_delta: Any) -> dict[str, Any]:
    return {
        "billingPeriod": period,
        "use": {"delta": use_delta, "use": use, "unit": KWH},
        "cost": {"delta": cost_delta, "cost": cost, "unit": USD},
    }


def test_split_step_digest_with_hand_checked_figures(api: Api) -> None:
    built = _split_campus(api)
    response = api.get(URL.format(built["step_id"]), params={"billingPeriod": 202403})
    assert response.status_code == 200, response.text
    body = response.json()
    assert _contract_form(body) == body
    step = body["chargebackWorkflowStep"]
    assert step["chargebackWorkflowStepId"] == built["step_id"]
    assert step["chargebackWorkflowStepInfo"] == "Campus split"
    assert step["chargebackWorkflowStepDescription"] == "Split step description"
    assert step["chargebackWorkflowStepType"] == "Split"
    assert step["chargebackWorkflowStepOrder"] == 1
    assert step["chargebackWorkflow"]["chargebackWorkflowInfo"] == "Workflow Campus split"

    (master,) = body["results"]
    assert master["meter"]["meterCode"] == "MASTER"
    assert master["meter"]["meterId"] == built["meters"]["MASTER"][1]
    assert master["meter"]["isSplitParentMeter"] is True
    assert master["meter"]["isEsaCalculatedMeter"] is False
    assert master["meter"]["commodity"]["commodityCode"] == "ELECTRIC"
    # Source: its vendor bill only; unit cost 150.00 / 1000 = 0.15; deltas are current - comparison.
    assert master["currentPeriod"] == _period(202403, 1000, 150, 0.15, 1, 0)
    assert master["priorPeriod"] == _compare(202402, 800, 200, 120, 30)
    assert master["priorYear"] == _compare(202303, 900, 100, 126, 24)

    dest_a, dest_b = master["splits"]
    assert [dest_a["meter"]["meterCode"], dest_b["meter"]["meterCode"]] == ["DEST-A", "DEST-B"]
    assert dest_a["meter"]["isSplitChildMeter"] is True
    # DEST-A: 600 (step) + 50 (vendor) = 650 kWh, 90.00 + 10.00 = 100.00; 100 / 650 = 0.153846153... -> 0.15384615.
    assert dest_a["currentPeriod"] == _period(202403, 650, 100, 0.15384615, 2, 1)
    assert dest_a["priorPeriod"] == _compare(202402, 480, 170, 72, 28)
    assert dest_a["priorYear"] == _compare(202303, 0, 650, 0, 100)
    # DEST-B: the prior year's 0.3 MWh is 300 kWh in the commodity's common unit.
    assert dest_b["currentPeriod"] == _period(202403, 400, 60, 0.15, 1, 1)
    assert dest_b["priorPeriod"] == _compare(202402, 320, 80, 48, 12)
    assert dest_b["priorYear"] == _compare(202303, 300, 100, 45, 15)


def test_period_defaults_to_the_latest_task_period_then_the_current_one(api: Api) -> None:
    built = _split_campus(api)
    by_default = api.get(URL.format(built["step_id"]))
    assert by_default.status_code == 200
    assert by_default.json()["results"][0]["currentPeriod"]["billingPeriod"] == 202403
    february = api.get(URL.format(built["step_id"]), params={"billingPeriod": "202402"}).json()
    assert february["results"][0]["splits"][0]["currentPeriod"] == _period(202402, 480, 72, 0.15, 1, 1)
    # No task of the step in the period: nothing was involved (the results are for the latest task, SEED-001).
    assert api.get(URL.format(built["step_id"]), params={"billingPeriod": 202404}).json()["results"] == []

    idle = cb.workflow_step(api.db, "Split", info="Idle")
    body = api.get(URL.format(idle)).json()
    assert body["results"] == []
    assert body["chargebackWorkflowStep"]["chargebackWorkflowStepId"] == idle


def test_calculation_step_counts_repeat_runs_and_lists_failed_versions(api: Api) -> None:
    m = mb.linked_meters(api, "SUB-1", "SUB-2")
    (acc_1, sub_1), (acc_2, sub_2) = m["SUB-1"], m["SUB-2"]
    step_id = cb.workflow_step(api.db, "Calculation", info="Submeters")
    good = cb.version(api.db, "Calculation", acc_1, sub_1, step_id=step_id)
    failing = cb.version(api.db, "Calculation", acc_2, sub_2, step_id=step_id)
    # Two runs for the same period make two bills (domain.md §4.4: the digest exposes the duplicate).
    for started in (datetime(2024, 4, 1), datetime(2024, 4, 2)):
        task_id = dg.task(
            api.db,
            step_id,
            202403,
            kind="Calculation",
            started=started,
            version_ids=[good],
            failed_version_ids=[failing],
        )
        dg.bill(api.db, acc_1, sub_1, 202403, "250", "37.50", task_id=task_id, version_id=good)
    dg.bill(api.db, acc_1, sub_1, 202303, None, "5.00")  # a cost-only bill: no use

    body = api.get(URL.format(step_id), params={"billingPeriod": 202403}).json()
    assert _contract_form(body) == body
    sub1, sub2 = body["results"]
    assert sub1["meter"]["meterCode"] == "SUB-1"
    assert sub1["meter"]["isCalculatedMeter"] is True
    assert sub1["splits"] is None
    assert sub1["currentPeriod"] == _period(202403, 500, 75, 0.15, 2, 2)
    assert sub1["priorYear"] == _compare(202303, 0, 500, 5, 70)
    # The failed version's meter is listed (domain.md §7 Q24) with no bills and no unit cost (§7 Q11).
    assert sub2["meter"]["meterCode"] == "SUB-2"
    assert sub2["currentPeriod"] == _period(202403, 0, 0, None, 0, 0)
    assert sub2["splits"] is None


def test_sums_are_exact_to_the_cent(api: Api) -> None:
    m = mb.linked_meters(api, "CALC")
    acc, meter = m["CALC"]
    step_id = cb.workflow_step(api.db, "Calculation", info="Tenths")
    version_id = cb.version(api.db, "Calculation", acc, meter, step_id=step_id)
    task_id = dg.task(api.db, step_id, 202401, kind="Calculation", version_ids=[version_id])
    # 0.1 has no exact binary form: thirty of them must still sum to 3.00 and 3.000003.
    for _ in range(30):
        dg.bill(api.db, acc, meter, 202401, "0.100000", "0.10", task_id=task_id, version_id=version_id)
    dg.bill(api.db, acc, meter, 202312, "0.000003", "0.01")
    (line,) = api.get(URL.format(step_id)).json()["results"]
    assert line["currentPeriod"]["use"]["use"] == 3
    assert line["currentPeriod"]["cost"]["cost"] == 3
    assert line["currentPeriod"]["unitCost"] == 1
    assert line["priorPeriod"]["use"] == {"use": 0.000003, "delta": 2.999997, "unit": KWH}
    assert line["priorPeriod"]["cost"] == {"cost": 0.01, "delta": 2.99, "unit": USD}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"billingPeriod": 202413}, "billingPeriod"),
        ({"billingPeriod": 189912}, "billingPeriod"),
        ({"billingPeriod": "March"}, "billingPeriod"),
    ],
)
def test_bad_period_is_a_400_naming_it(api: Api, query: dict[str, Any], field: str) -> None:
    step_id = cb.workflow_step(api.db, "Split")
    response = api.get(URL.format(step_id), params=query)
    assert response.status_code == 400
    assert field in response.json()["modelState"]


def test_unknown_step_is_404_and_permissions_are_checked(api: Api) -> None:
    step_id = cb.workflow_step(api.db, "Split")
    assert api.get(URL.format(step_id + 1)).status_code == 404
    assert api.get(URL.format(2**31)).status_code == 404
    assert api.get(URL.format(step_id), key=None).status_code == 401
    assert api.get(URL.format(step_id), key="not-a-key").status_code == 401
    runner = api.key_with("Chargebacks:Run,Manage")
    denied = api.get(URL.format(step_id), key=runner)
    assert denied.status_code == 403
    assert "ChargebacksModule (View)" in denied.json()["message"]
    viewer = api.key_with("ChargebacksModule:View")
    assert api.get(URL.format(step_id), key=viewer).status_code == 200
