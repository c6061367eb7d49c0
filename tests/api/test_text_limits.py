"""Required codes hold more than spaces, and notes, comments and names have limits on both databases: each is a
400 naming the field, with nothing written."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from apportion.domain.texts import MAX_FILE_NAME, MAX_NOTE
from tests.api.master_builders import account, meter, vendor
from tests.api.test_readings import _channel
from tests.conftest import Api

LONG_NOTE = "n" * (MAX_NOTE + 1)
CSV = base64.b64encode(b"AccountCode,StartDate,EndDate\r\nA,2024-01-01,2024-02-01\r\n").decode()


def refused(response: Any, field: str) -> str:
    assert response.status_code == 400, response.text
    reasons = response.json()["modelState"][field]
    return " ".join(reasons)


@pytest.mark.parametrize("code", ["", "   "])
def test_required_codes_must_hold_more_than_spaces(api: Api, code: str) -> None:
    assert "vendorCode must not be empty" in refused(
        api.post("/api/v3/vendor", json={"vendorCode": code, "vendorInfo": "Power"}), "vendorCode"
    )
    assert "vendorInfo must not be empty" in refused(
        api.post("/api/v3/vendor", json={"vendorCode": "PPL", "vendorInfo": code}), "vendorInfo"
    )
    vendor_id = vendor(api, "PPL")
    assert "vendorCode must not be empty" in refused(
        api.put(f"/api/v3/vendor/{vendor_id}", json={"vendorCode": code, "vendorInfo": "Power"}), "vendorCode"
    )
    assert api.get(f"/api/v3/vendor/{vendor_id}").json()["vendorCode"] == "PPL"
    account_body = {"accountInfo": "A", "accountTypeId": 1, "costCenterId": 1, "vendorId": vendor_id, "country": "US"}
    assert "must not be empty" in refused(
        api.post("/api/v3/account", json={**account_body, "accountCode": code}), "accountCode"
    )
    meter_body = {"meterInfo": "M", "commodityId": 1, "placeId": 1, "meterTypeId": 1, "address": {"country": "US"}}
    assert "must not be empty" in refused(
        api.post("/api/v3/meter", json={**meter_body, "meterCode": code}), "meterCode"
    )
    place_body = {"placeInfo": "P", "parentPlaceId": 1, "placeTypeId": 3}
    assert refused(api.post("/api/v3/place", json={**place_body, "placeCode": code}), "placeCode")
    assert "required" in refused(api.post("/api/v3/batch", json={"batchCode": code}), "batchCode")
    assert "required" in refused(api.post("/api/v3/import/bill/profile", json={"profileCode": code}), "profileCode")
    assert [v["vendorCode"] for v in api.get("/api/v3/vendor").json()] == ["PPL"]
    assert api.get("/api/v3/account").json() == []
    assert api.get("/api/v3/batch").json() == []


def test_processor_notes_and_task_comments_have_a_limit(api: Api) -> None:
    for path in (
        "/api/v3/billSplit/exec",
        "/api/v3/calculatedBill/exec",
        "/api/v202203/utilityPlatform/aggregations/exec",
    ):
        reason = refused(api.post(path, json={"billingPeriod": 202401, "note": LONG_NOTE}), "note")
        assert reason == f"note must be at most {MAX_NOTE} characters."
    assert api.get("/api/v3/chargebackTask").json() == []
    done = api.post("/api/v3/billSplit/exec", json={"billingPeriod": 202401, "note": "n" * MAX_NOTE})
    assert done.status_code == 200, done.text
    task_id = done.json()["taskId"]
    reason = refused(api.put(f"/api/v3/chargebackTask/{task_id}", json={"comment": LONG_NOTE}), "comment")
    assert reason == f"comment must be at most {MAX_NOTE} characters."
    assert api.get(f"/api/v3/chargebackTask/{task_id}").json()["comment"] == "n" * MAX_NOTE
    assert api.put(f"/api/v3/chargebackTask/{task_id}", json={"comment": "c" * MAX_NOTE}).status_code == 200


@pytest.mark.parametrize(
    ("fields", "field", "limit"),
    [
        ({"importNote": LONG_NOTE}, "importNote", MAX_NOTE),
        ({"comment": LONG_NOTE}, "comment", MAX_NOTE),
        ({"fileName": "f" * MAX_FILE_NAME + ".csv"}, "fileName", MAX_FILE_NAME),
    ],
)
def test_import_notes_comments_and_file_names_have_a_limit(
    api: Api, fields: dict[str, str], field: str, limit: int
) -> None:
    body = {"fileName": "bills.csv", "data": CSV, **fields}
    assert refused(api.post("/api/v3/import/bill", json=body), field) == f"{field} must be at most {limit} characters."
    assert api.get("/api/v3/task").json() == []


def test_a_kickout_reimport_note_has_a_limit(api: Api) -> None:
    guid = api.post("/api/v3/import/bill", json={"fileName": "bills.csv", "data": CSV}).json()["taskGUId"]
    assert api.get(f"/api/v3/task/{guid}").json()["status"] == "Completed with kickouts"
    for field in ("importNote", "comment"):
        response = api.post(f"/api/v202401/import/bill/task/{guid}/kickout", json={field: LONG_NOTE})
        assert refused(response, field) == f"{field} must be at most {MAX_NOTE} characters."
    assert len(api.get("/api/v3/task").json()) == 1


def test_account_memo_and_deposit_note_have_a_limit(api: Api) -> None:
    vendor_id = vendor(api)
    for field in ("memo", "depositNote"):
        body = {"accountCode": "A", "accountInfo": "A", "accountTypeId": 1, "costCenterId": 1, "vendorId": vendor_id}
        response = api.post("/api/v3/account", json={**body, "country": "US", field: LONG_NOTE})
        assert refused(response, field) == f"{field} must be at most {MAX_NOTE} characters."
    assert api.get("/api/v3/account").json() == []
    account(api, "A", vendor_id, memo="m" * MAX_NOTE)


def test_a_reading_with_a_note_over_the_limit_fails_alone(api: Api) -> None:
    channel = _channel(api, meter(api, "M1")["meterId"])
    readings = [
        {"time": "2024-01-01T00:00:00", "value": 1, "note": LONG_NOTE},
        {"time": "2024-02-01T00:00:00", "value": 2, "note": "n" * MAX_NOTE},
    ]
    response = api.post("/api/v3/reading", json=[{"channelId": channel["channelId"], "readings": readings}])
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["importedReadingsCount"], result["failedReadingsCount"]) == (1, 1)
    [failed] = result["failedReadings"][0]["readings"]
    assert failed["error"] == f"note must be at most {MAX_NOTE} characters."


def test_bill_and_batch_notes_keep_their_limits(api: Api) -> None:
    assert refused(api.post("/api/v3/batch", json={"batchCode": "B", "note": "n" * 256}), "note")
    assert api.get("/api/v3/batch").json() == []
