"""Chargeback workflows and steps through the HTTP API: CRUD, step rules, deletion rules, assigning versions."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from apportion.store.models.chargebacks import ChargebackTask, DistributionVersion
from apportion.store.models.users import User
from apportion.store.queries import workflows as stored_workflows
from tests.api import master_builders as mb
from tests.conftest import NOW, Api

URL = "/api/v3/chargebackWorkflow"


def _step(info: str, kind: str | None = "Split", description: str = "Runs monthly", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"chargebackWorkflowStepInfo": info, "chargebackWorkflowStepDescription": description}
    if kind is not None:
        body["chargebackWorkflowStepType"] = kind
    return {**body, **extra}


def _create(api: Api, info: str, *steps: dict[str, Any]) -> dict[str, Any]:
    response = api.post(URL, json={"chargebackWorkflowInfo": info, "chargebackWorkflowSteps": list(steps)})
    assert response.status_code == 200, response.text
    return dict(response.json())


def _step_ids(workflow: dict[str, Any]) -> list[int]:
    return [s["chargebackWorkflowStepId"] for s in workflow["chargebackWorkflowSteps"]]


def _version(api: Api, kind: str, begin: int = 202401, end: int | None = None, step_id: int | None = None) -> int:
    vendor_id = mb.vendor(api, f"V{kind[:3]}{begin}")
    account_id = mb.account(api, f"A{kind[:3]}{begin}", vendor_id)["accountId"]
    meter_id = mb.meter(api, f"M{kind[:3]}{begin}")["meterId"]
    version_id = mb.version(api, kind, account_id, meter_id)
    with api.db.transaction() as session:
        row = session.get(DistributionVersion, version_id)
        assert row is not None
        row.begin_period, row.end_period, row.workflow_step_id = begin, end, step_id
    return version_id


def _version_step(api: Api, version_id: int) -> int | None:
    with api.db.reading() as session:
        row = session.get(DistributionVersion, version_id)
        assert row is not None
        return row.workflow_step_id


def test_create_read_list_edit_delete(api: Api) -> None:
    created = _create(api, "Monthly", _step("Split sites"), _step("Calculate tenants", "calculation"))
    assert created["chargebackWorkflowInfo"] == "Monthly"
    steps = created["chargebackWorkflowSteps"]
    assert [(s["chargebackWorkflowStepOrder"], s["chargebackWorkflowStepType"]) for s in steps] == [
        (1, "Split"),
        (2, "Calculation"),
    ]
    assert steps[0]["chargebackWorkflowStepDescription"] == "Runs monthly"
    workflow_id = created["chargebackWorkflowId"]
    assert api.get(f"{URL}/{workflow_id}").json() == created
    other = _create(api, "Quarterly", _step("Quarter split"))
    assert [w["chargebackWorkflowId"] for w in api.get(URL).json()] == [workflow_id, other["chargebackWorkflowId"]]

    split_id, calc_id = _step_ids(created)
    edited = api.put(
        f"{URL}/{workflow_id}",
        json={
            "chargebackWorkflowInfo": "Monthly run",
            "chargebackWorkflowSteps": [
                _step("Calculate tenants 2", None, chargebackWorkflowStepId=calc_id),
                _step("Late split", "Split"),
            ],
        },
    )
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert body["chargebackWorkflowInfo"] == "Monthly run"
    assert [
        (s["chargebackWorkflowStepInfo"], s["chargebackWorkflowStepOrder"]) for s in body["chargebackWorkflowSteps"]
    ] == [
        ("Calculate tenants 2", 1),
        ("Late split", 2),
    ]
    assert body["chargebackWorkflowSteps"][0]["chargebackWorkflowStepId"] == calc_id
    assert api.get(f"/api/v3/chargebackWorkflowStep/{split_id}").status_code == 404

    assert api.delete(f"{URL}/{workflow_id}").status_code == 204
    assert api.get(f"{URL}/{workflow_id}").status_code == 404
    assert api.get(f"/api/v3/chargebackWorkflowStep/{calc_id}").status_code == 404
    assert api.delete(f"{URL}/{workflow_id}").status_code == 404


def test_step_lists_and_single_steps(api: Api) -> None:
    first = _create(api, "First", _step("S1"), _step("C1", "Calculation"))
    second = _create(api, "Second", _step("S2"))
    everything = api.get("/api/v3/chargebackWorkflowStep")
    assert everything.status_code == 200
    assert [s["chargebackWorkflowStepInfo"] for s in everything.json()] == ["S1", "C1", "S2"]
    splits = api.get("/api/v3/chargebackWorkflowStep?chargebackWorkflowType=split").json()
    assert [s["chargebackWorkflowStepInfo"] for s in splits] == ["S1", "S2"]
    assert splits[1]["chargebackWorkflow"] == {
        "chargebackWorkflowId": second["chargebackWorkflowId"],
        "chargebackWorkflowInfo": "Second",
    }
    calcs = api.get("/api/v3/chargebackWorkflowStep?chargebackWorkflowType=Calculation").json()
    assert [s["chargebackWorkflowStepInfo"] for s in calcs] == ["C1"]
    bad = api.get("/api/v3/chargebackWorkflowStep?chargebackWorkflowType=aggregate")
    assert bad.status_code == 400
    assert "chargebackWorkflowType" in bad.json()["modelState"]
    one = api.get(f"/api/v3/chargebackWorkflowStep/{_step_ids(first)[1]}").json()
    assert one["chargebackWorkflowStepType"] == "Calculation"
    assert one["chargebackWorkflowStepOrder"] == 2
    assert one["chargebackWorkflow"]["chargebackWorkflowInfo"] == "First"
    assert api.get("/api/v3/chargebackWorkflowStep/999999").status_code == 404
    assert api.get("/api/v3/chargebackWorkflowStep/99999999999").status_code == 404
    assert api.get(f"{URL}/99999999999").status_code == 404


def test_create_refuses_bad_workflows(api: Api) -> None:
    _create(api, "Existing", _step("Shared name"), _step("Calc name", "Calculation"))

    def refused(body: dict[str, Any]) -> dict[str, list[str]]:
        response = api.post(URL, json=body)
        assert response.status_code == 400, response.text
        return dict(response.json()["modelState"])

    assert "chargebackWorkflowInfo" in refused({"chargebackWorkflowSteps": [_step("X")]})
    assert "chargebackWorkflowInfo" in refused({"chargebackWorkflowInfo": " ", "chargebackWorkflowSteps": [_step("X")]})
    assert "chargebackWorkflowInfo" in refused(
        {"chargebackWorkflowInfo": "N" * 65, "chargebackWorkflowSteps": [_step("X")]}
    )
    assert "chargebackWorkflowSteps" in refused({"chargebackWorkflowInfo": "W", "chargebackWorkflowSteps": []})
    assert "chargebackWorkflowSteps" in refused({"chargebackWorkflowInfo": "W"})
    state = refused(
        {
            "chargebackWorkflowInfo": "W",
            "chargebackWorkflowSteps": [
                _step("No type", None),
                _step("Odd type", "Aggregate"),
                _step("shared NAME"),
                _step("Twice"),
                _step("twice"),
                _step("No description", description=""),
            ],
        }
    )
    assert "chargebackWorkflowSteps[0].chargebackWorkflowStepType" in state
    assert "chargebackWorkflowSteps[1].chargebackWorkflowStepType" in state
    assert "another workflow" in state["chargebackWorkflowSteps[2].chargebackWorkflowStepInfo"][0]
    assert "chargebackWorkflowSteps[3].chargebackWorkflowStepInfo" not in state
    assert "[3]" in state["chargebackWorkflowSteps[4].chargebackWorkflowStepInfo"][0]
    assert "chargebackWorkflowSteps[5].chargebackWorkflowStepDescription" in state
    long_name = refused({"chargebackWorkflowInfo": "W", "chargebackWorkflowSteps": [_step("S"), _step("S" * 65)]})
    assert list(long_name) == ["chargebackWorkflowSteps[1].chargebackWorkflowStepInfo"]
    # The same name is fine for a step of the other type (§7 Q19: unique per type).
    _create(api, "Other type", _step("Shared name", "Calculation"))
    assert [w["chargebackWorkflowInfo"] for w in api.get(URL).json()] == ["Existing", "Other type"]


def test_edit_rules_and_nothing_changes_on_failure(api: Api) -> None:
    workflow = _create(api, "Main", _step("Alpha"), _step("Beta"), _step("Gamma", "Calculation"))
    other = _create(api, "Other", _step("Delta"))
    alpha, beta, gamma = _step_ids(workflow)
    workflow_id = workflow["chargebackWorkflowId"]
    url = f"{URL}/{workflow_id}"

    def refused(steps: list[dict[str, Any]]) -> dict[str, Any]:
        response = api.put(url, json={"chargebackWorkflowInfo": "Changed", "chargebackWorkflowSteps": steps})
        assert response.status_code == 400, response.text
        assert api.get(url).json() == workflow
        return dict(response.json())

    changed_type = refused([_step("Alpha", "Calculation", chargebackWorkflowStepId=alpha)])
    assert "cannot change" in changed_type["modelState"]["chargebackWorkflowSteps[0].chargebackWorkflowStepType"][0]
    foreign = refused([_step("Delta 2", chargebackWorkflowStepId=_step_ids(other)[0])])
    assert "chargebackWorkflowSteps[0].chargebackWorkflowStepId" in foreign["modelState"]
    twice = refused([_step("A", chargebackWorkflowStepId=alpha), _step("B", chargebackWorkflowStepId=alpha)])
    assert "chargebackWorkflowSteps[1].chargebackWorkflowStepId" in twice["modelState"]
    taken = refused([_step("delta", chargebackWorkflowStepId=alpha)])
    assert "chargebackWorkflowSteps[0].chargebackWorkflowStepInfo" in taken["modelState"]
    assert (
        api.put(
            f"{URL}/999999", json={"chargebackWorkflowInfo": "X", "chargebackWorkflowSteps": [_step("Q")]}
        ).status_code
        == 404
    )

    # A step with versions cannot be dropped; swapping names between kept steps is fine.
    version_id = _version(api, "Split", step_id=beta)
    in_use = refused([_step("Alpha", chargebackWorkflowStepId=alpha)])
    assert f"Step {beta}" in in_use["message"]
    swapped = api.put(
        url,
        json={
            "chargebackWorkflowInfo": "Main",
            "chargebackWorkflowSteps": [
                _step("Beta", chargebackWorkflowStepId=alpha),
                _step("Alpha", chargebackWorkflowStepId=beta),
                _step("Gamma", "Calculation", chargebackWorkflowStepId=gamma),
            ],
        },
    )
    assert swapped.status_code == 200, swapped.text
    assert [
        (s["chargebackWorkflowStepId"], s["chargebackWorkflowStepInfo"])
        for s in swapped.json()["chargebackWorkflowSteps"]
    ] == [
        (alpha, "Beta"),
        (beta, "Alpha"),
        (gamma, "Gamma"),
    ]
    assert _version_step(api, version_id) == beta


def test_delete_refused_while_steps_carry_versions_or_tasks(api: Api) -> None:
    with_version = _create(api, "With version", _step("Versioned"))
    version_id = _version(api, "Split", step_id=_step_ids(with_version)[0])
    refused = api.delete(f"{URL}/{with_version['chargebackWorkflowId']}")
    assert refused.status_code == 400
    assert "versions" in refused.json()["message"]
    assert api.get(f"{URL}/{with_version['chargebackWorkflowId']}").json() == with_version

    with_task = _create(api, "With task", _step("Run", "Calculation"))
    with api.db.transaction() as session:
        user_id = session.execute(select(User.user_id).where(User.user_code == "admin")).scalar_one()
        session.add(
            ChargebackTask(
                chargeback_type="Calculation",
                billing_period=202401,
                workflow_step_id=_step_ids(with_task)[0],
                status="Completed",
                task_begin=NOW,
                user_id=user_id,
            )
        )
    refused = api.delete(f"{URL}/{with_task['chargebackWorkflowId']}")
    assert refused.status_code == 400
    assert "tasks" in refused.json()["message"]
    assert api.get(f"{URL}/{with_task['chargebackWorkflowId']}").status_code == 200

    # Once the version leaves the step, the workflow can go.
    with api.db.transaction() as session:
        row = session.get(DistributionVersion, version_id)
        assert row is not None
        row.workflow_step_id = None
    assert api.delete(f"{URL}/{with_version['chargebackWorkflowId']}").status_code == 204


def test_assign_versions_to_a_step(api: Api) -> None:
    workflow = _create(api, "Assign", _step("Splits"), _step("Calcs", "Calculation"))
    split_step, calc_step = _step_ids(workflow)
    split_a = _version(api, "Split", 202401, None)
    split_b = _version(api, "Split", 202301, 202312)
    calc = _version(api, "Calculation", 202401, None)
    url = f"/api/v3/chargebackWorkflowStep/{split_step}/billingPeriod/202402/version"

    def refused(ids: list[int], target: str = url) -> dict[str, list[str]]:
        response = api.put(target, json={"calculateBillVersionIds": ids})
        assert response.status_code == 400, response.text
        assert [_version_step(api, v) for v in (split_a, split_b, calc)] == [None, None, None]
        return dict(response.json()["modelState"])

    assert "not effective" in refused([split_a, split_b])["calculateBillVersionIds[1]"][0]
    assert "Calculation version" in refused([split_a, calc])["calculateBillVersionIds[1]"][0]
    assert "not found" in refused([split_a, 999999])["calculateBillVersionIds[1]"][0]
    assert "not found" in refused([2**40])["calculateBillVersionIds[0]"][0]
    bad_period = f"/api/v3/chargebackWorkflowStep/{split_step}/billingPeriod/202413/version"
    assert "billingPeriod" in refused([split_a], bad_period)
    unknown = api.put(
        "/api/v3/chargebackWorkflowStep/999999/billingPeriod/202402/version", json={"calculateBillVersionIds": []}
    )
    assert unknown.status_code == 404

    done = api.put(url, json={"calculateBillVersionIds": [split_a]})
    assert done.status_code == 200, done.text
    assert done.json()["chargebackWorkflowStepId"] == split_step
    assert done.json()["chargebackWorkflow"]["chargebackWorkflowInfo"] == "Assign"
    assert _version_step(api, split_a) == split_step
    calc_url = f"/api/v3/chargebackWorkflowStep/{calc_step}/billingPeriod/202401/version"
    assert api.put(calc_url, json={"calculateBillVersionIds": [calc, calc]}).status_code == 200
    assert _version_step(api, calc) == calc_step
    # No body (the SDK's body=None) and an empty list change nothing.
    assert api.put(url).status_code == 200
    assert api.put(url, json={"calculateBillVersionIds": []}).status_code == 200
    assert [_version_step(api, v) for v in (split_a, split_b, calc)] == [split_step, None, calc_step]


def test_auth_401_and_403(api: Api) -> None:
    assert api.get(URL, key=None).status_code == 401
    assert api.get("/api/v3/chargebackWorkflowStep", key="nope").status_code == 401
    viewer = api.key_with("ChargebacksModule:View")
    assert api.get(URL, key=viewer).status_code == 200
    assert api.get("/api/v3/chargebackWorkflowStep", key=viewer).status_code == 200
    body = {"chargebackWorkflowInfo": "W", "chargebackWorkflowSteps": [_step("S")]}
    denied = api.post(URL, key=viewer, json=body)
    assert denied.status_code == 403
    assert "Chargebacks (Manage)" in denied.json()["message"]
    manager = api.key_with("Chargebacks:Manage", user_code="manager")
    assert api.get(URL, key=manager).status_code == 403
    created = api.post(URL, key=manager, json=body)
    assert created.status_code == 200
    workflow_id = created.json()["chargebackWorkflowId"]
    assert api.put(f"{URL}/{workflow_id}", key=viewer, json=body).status_code == 403
    assert api.delete(f"{URL}/{workflow_id}", key=viewer).status_code == 403
    assert api.delete(f"{URL}/{workflow_id}", key=manager).status_code == 204


def test_text_the_database_cannot_hold_is_a_400(api: Api) -> None:
    # PostgreSQL text cannot hold NUL; the refusal is the client's problem (400), and nothing is written.
    response = api.post(URL, json={"chargebackWorkflowInfo": "Bad\u0000name", "chargebackWorkflowSteps": [_step("S")]})
    if api.db.is_sqlite:
        assert response.status_code == 200
        return
    assert response.status_code == 400, response.text
    assert "NUL" in response.json()["message"]
    assert api.get(URL).json() == []


def test_a_name_taken_between_check_and_write_is_a_400(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    _create(api, "First", _step("Raced"))
    # Stand in for a concurrent request that took the name after this one checked: skip the check.
    monkeypatch.setattr(stored_workflows, "step_names_outside", lambda _session, _step_ids: set())
    response = api.post(URL, json={"chargebackWorkflowInfo": "Second", "chargebackWorkflowSteps": [_step("Raced")]})
    assert response.status_code == 400, response.text
    assert "chargebackWorkflowSteps" in response.json()["modelState"]
    assert [w["chargebackWorkflowInfo"] for w in api.get(URL).json()] == ["First"]
