"""Bill workflow settings through the HTTP API (GET/PUT /api/v3/workflow, /workflow/approval, /workflow/export and
the approval extension): defaults, persistence, permissions, bad input naming the field, and MarkBatchPending."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from apportion.api.schemas.contract import ApprovalWorkflowSettings, WorkflowSettingsResponse
from apportion.store.database import Database
from tests.api.import_builders import ImportApi, csv_file, import_api, row, site
from tests.conftest import Api

HEADERS = ("dueDate", "statementDate", "invoiceNumber", "controlCode", "nextReading", "accountPeriodName")


def request_body(**changes: Any) -> dict[str, Any]:
    """A full WorkflowSettingsRequest: every header field offered and optional, then `changes`."""
    batch = {name: {"useField": True, "required": False} for name in (*HEADERS, "accountPeriodYear")}
    body: dict[str, Any] = {
        "batch": batch,
        "approval": {"confirmEditDelete": True},
        "apExport": {"exportModeEnabled": True, "canExport": "after entry", "includeUdfs": False},
        "glExport": {"exportModeEnabled": True, "canExport": "after entry", "includeUdfs": False},
        "chargeback": {"allowAdvancedChargebackSettings": True},
        "billImport": {"errorHandling": "ProcessValidBills"},
    }
    body.update(changes)
    return body


def test_the_defaults_answer_until_a_change_is_saved(api: Api) -> None:
    response = api.get("/api/v3/workflow")
    assert response.status_code == 200, response.text
    settings = response.json()
    WorkflowSettingsResponse.model_validate(settings)
    assert settings["approval"] == {"approvalModeEnabled": False, "confirmEditDelete": True}
    assert settings["apExport"] == {"exportModeEnabled": True, "canExport": "after entry", "includeUdfs": False}
    assert settings["glExport"] == settings["apExport"]
    assert settings["batch"]["batchModeEnabled"] is True
    assert settings["batch"]["dueDate"] == {"useField": True, "required": False}
    assert settings["chargeback"] == {"allowAdvancedChargebackSettings": True}
    assert settings["billImport"] == {"errorHandling": "ProcessValidBills"}
    approval = api.get("/api/v3/workflow/approval").json()
    assert approval == {"approvalModeEnabled": False, "confirmEditDelete": True, "maximumApprovalAmount": None}
    assert api.get("/api/v3/workflow/export", params={"exportMode": "GL"}).json() == {
        "exportModeEnabled": True,
        "canExport": "after entry",
    }


def test_a_put_is_kept_and_read_back_by_every_reader(api: Api) -> None:
    body = request_body(
        approval={"confirmEditDelete": False},
        glExport={"exportModeEnabled": True, "canExport": "after batch approval", "includeUdfs": True},
        apExport={"exportModeEnabled": False, "canExport": "never", "includeUdfs": False},
        chargeback={"allowAdvancedChargebackSettings": False},
        billImport={"errorHandling": "MarkBatchPending"},
    )
    body["batch"]["invoiceNumber"] = {"useField": True, "required": True}
    response = api.put("/api/v3/workflow", json=body)
    assert response.status_code == 200, response.text
    saved = api.get("/api/v3/workflow").json()
    assert saved == response.json()
    assert saved["glExport"] == {"exportModeEnabled": True, "canExport": "after batch approval", "includeUdfs": True}
    assert saved["apExport"]["exportModeEnabled"] is False
    assert saved["batch"]["invoiceNumber"] == {"useField": True, "required": True}
    assert saved["chargeback"]["allowAdvancedChargebackSettings"] is False
    assert saved["billImport"]["errorHandling"] == "MarkBatchPending"
    assert saved["approval"]["confirmEditDelete"] is False
    assert api.get("/api/v3/workflow/export", params={"exportMode": "ap"}).json()["canExport"] == "never"
    # Optional parts left out of a later PUT stay as they were.
    later = request_body(approval={"confirmEditDelete": True})
    for part in ("apExport", "glExport", "chargeback", "billImport"):
        del later[part]
    assert api.put("/api/v3/workflow", json=later).status_code == 200
    again = api.get("/api/v3/workflow").json()
    assert again["glExport"] == saved["glExport"]
    assert again["billImport"] == saved["billImport"]
    assert again["approval"]["confirmEditDelete"] is True


def test_approval_mode_and_its_limit_are_set_through_the_extension(api: Api) -> None:
    response = api.put(
        "/apportion/v1/workflow/approval", json={"approvalModeEnabled": True, "maximumApprovalAmount": 5000}
    )
    assert response.status_code == 200, response.text
    ApprovalWorkflowSettings.model_validate(response.json())
    assert api.get("/api/v3/workflow/approval").json() == {
        "approvalModeEnabled": True,
        "confirmEditDelete": True,
        "maximumApprovalAmount": 5000,
    }
    # EnergyCAP's PUT cannot write them: a full PUT leaves both as they are.
    assert api.put("/api/v3/workflow", json=request_body()).status_code == 200
    assert api.get("/api/v3/workflow").json()["approval"]["approvalModeEnabled"] is True
    assert api.get("/api/v3/workflow/approval").json()["maximumApprovalAmount"] == 5000
    cleared = api.put("/apportion/v1/workflow/approval", json={"maximumApprovalAmount": None}).json()
    assert cleared["maximumApprovalAmount"] is None
    assert cleared["approvalModeEnabled"] is True
    for amount in (-5, 2**31, 2**63):  # below zero, past the int32 the model and the column hold
        refused = api.put("/apportion/v1/workflow/approval", json={"maximumApprovalAmount": amount})
        assert refused.status_code == 400, (amount, refused.text)
        assert "maximumApprovalAmount" in refused.json()["modelState"]
    at_most = api.put("/apportion/v1/workflow/approval", json={"maximumApprovalAmount": 2**31 - 1})
    assert at_most.json()["maximumApprovalAmount"] == 2**31 - 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"glExport": {"exportModeEnabled": True, "canExport": "after lunch", "includeUdfs": False}},
            "glExport.canExport",
        ),
        ({"billImport": {"errorHandling": "Ignore"}}, "billImport.errorHandling"),
        ({"approval": None}, "approval"),
        ({"batch": None}, "batch"),
    ],
)
def test_bad_settings_are_refused_naming_the_field_and_nothing_changes(
    api: Api, change: dict[str, Any], field: str
) -> None:
    before = api.get("/api/v3/workflow").json()
    response = api.put("/api/v3/workflow", json=request_body(**change))
    assert response.status_code == 400, response.text
    assert any(key.endswith(field) or key == field for key in response.json()["modelState"]), response.json()
    assert api.get("/api/v3/workflow").json() == before


def test_bad_export_mode_on_the_export_reader_is_a_400(api: Api) -> None:
    response = api.get("/api/v3/workflow/export", params={"exportMode": "payment"})
    assert response.status_code == 400
    assert "exportMode" in response.json()["modelState"]


def test_permissions_read_with_bills_view_and_change_with_workflow_manage(api: Api) -> None:
    viewer = api.key_with("BillsAndBatches:View")
    assert api.get("/api/v3/workflow", key=viewer).status_code == 200
    assert api.get("/api/v3/workflow/approval", key=viewer).status_code == 200
    assert api.put("/api/v3/workflow", json=request_body(), key=viewer).status_code == 403
    assert api.put("/apportion/v1/workflow/approval", json={"approvalModeEnabled": True}, key=viewer).status_code == 403
    manager = api.key_with("BillWorkflowSettings:Manage", user_code="settings")
    assert api.put("/api/v3/workflow", json=request_body(), key=manager).status_code == 200
    assert api.get("/api/v3/workflow", key=None).status_code == 401
    assert api.get("/api/v3/workflow", key=api.key_with(user_code="nobody")).status_code == 403


@pytest.fixture
def importer(db: Database) -> Iterator[ImportApi]:
    with import_api(db) as client:
        yield client


def test_mark_batch_pending_voids_an_import_with_kickouts_and_process_valid_bills_keeps_it(importer: ImportApi) -> None:
    site(importer, "A1")
    file = csv_file(row("A1"), row("NOPE"))
    kept = importer.run("valid.csv", file, batchSettings={"batchMode": "new self-contained batch"})
    assert kept["output"]["kickoutRowCount"] == 1
    assert importer.batch(kept["batch"]["batchId"])["batchStatus"] == "Closed"
    assert [b["void"] for b in importer.bills(f"batchId equals '{kept['batch']['batchId']}'")] == [False]
    body = request_body(billImport={"errorHandling": "MarkBatchPending"})
    assert importer.put("/api/v3/workflow", json=body).status_code == 200
    pending = importer.run("pending.csv", csv_file(row("A1", "2024-02-01", "2024-03-01"), row("NOPE")))
    batch_id = pending["batch"]["batchId"]
    assert importer.batch(batch_id)["batchStatus"] == "Pending"
    assert [b["void"] for b in importer.bills(f"batchId equals '{batch_id}'")] == [True]
    # A file without errors is not held back.
    clean = importer.run("clean.csv", csv_file(row("A1", "2024-03-01", "2024-04-01")))
    assert importer.batch(clean["batch"]["batchId"])["batchStatus"] != "Pending"
