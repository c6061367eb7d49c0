"""Bill import end to end through energycapsdk against the real server: import, poll, download kickouts, fix the
master data, re-import the kickouts (SEED-004, over plain HTTP: the endpoint is newer than the SDK), check bills."""

from __future__ import annotations

import base64
import csv
import io
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from energycap.sdk import models
from msrest.exceptions import HttpOperationError

from tests.e2e.conftest import Server

pytestmark = pytest.mark.e2e
DONE = ("Completed", "Completed with kickouts", "Failed")


def _site(sdk: Any, account_code: str, meter_code: str, vendor_id: int) -> None:
    account = sdk.create_account(
        models.AccountCreate(
            account_code=account_code, account_info=account_code, account_type_id=1, cost_center_id=1,
            vendor_id=vendor_id, country="US",
        )
    )  # fmt: skip
    sdk.create_account_meter(
        [models.AccountMeterRequest(account_id=account.account_id, meter_id=_meter(sdk, meter_code), rate_id=1)]
    )


def _meter(sdk: Any, meter_code: str) -> int:
    found = sdk.get_meters(filter=f"meterCode equals '{meter_code}'")
    if found:
        return int(found[0].meter_id)
    meter = sdk.create_meter(
        models.MeterCreate(
            meter_code=meter_code, meter_info=meter_code, commodity_id=1, place_id=1, meter_type_id=1,
            address=models.AddressChild(country="US"),
        )
    )  # fmt: skip
    return int(meter.meter_id)


def _finished(sdk: Any, guid: str) -> Any:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        task = sdk.get_task(guid)
        if task.status in DONE:
            return task
        time.sleep(0.2)
    raise AssertionError(f"task {guid} did not finish: {task.status}")


def _http(server: Server, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"ECI-ApiKey": server.api_key, **({"Content-Type": "application/json"} if data else {})}
    request = urllib.request.Request(f"{server.base_url}{path}", data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_import_poll_download_fix_reimport(server: Server, sdk: Any, unique: Callable[[str], str]) -> None:
    vendor = sdk.create_vendor(models.VendorRequest(vendor_code=unique("V")[:16], vendor_info="Power"))
    good, missing = unique("ACCT"), unique("LATE")
    good_meter, missing_meter = unique("M"), unique("M")
    _site(sdk, good, good_meter, vendor.vendor_id)
    _meter(sdk, missing_meter)
    content = (
        "AccountCode,MeterCode,StartDate,EndDate,USE:kWh:Energy,USE::Energy\r\n"
        f"{good},{good_meter},2024-01-01,2024-02-01,1200,144.00\r\n"
        f"{missing},{missing_meter},2024-01-01,2024-02-01,300,36.10\r\n"
    ).encode()
    batch_code = unique("IMPORT")
    started = sdk.bill_import(
        models.BillImportRequest(
            file_name="january.csv",
            data=base64.b64encode(content).decode(),
            batch_settings=models.BatchSettings(batch_mode="new self-contained batch", new_batch_code=batch_code),
            import_note="January from the utility portal",
        )
    )
    first = _finished(sdk, started.task_gu_id)
    assert first.status == "Completed with kickouts"
    assert first.task_type.task_type_code == "BillImport"
    assert first.batch.batch_code == batch_code
    assert first.task_note == "January from the utility portal"
    assert first.current_success_count == 1
    assert first.end_date is not None

    status, kickouts = _http(server, "GET", f"/api/v3/task/{started.task_gu_id}/errorOutput")
    assert status == 200
    header, kicked = list(csv.reader(io.StringIO(kickouts.decode("utf-8-sig"))))
    assert header[0] == "*Kickout Message"
    assert kicked[0] == f"Row 3: Account '{missing}' does not exist"
    assert kicked[1:3] == [missing, missing_meter]
    assert sdk.get_task_output_file(started.task_gu_id) is None  # the SDK accepts the 200 (it returns no body)

    _site(sdk, missing, missing_meter, vendor.vendor_id)
    smart_code = unique("SMART")
    status, body = _http(
        server,
        "POST",
        f"/api/v202401/import/bill/task/{started.task_gu_id}/kickout",
        {"batchSettings": {"batchMode": "smart batch", "newBatchCode": smart_code}, "importNote": "fixed"},
    )
    assert status == 200, body
    second = _finished(sdk, json.loads(body)["taskGUId"])
    assert second.status == "Completed"
    assert second.batch.batch_code == smart_code
    assert second.output["batchMode"] == "new batch"

    [bill] = sdk.get_bills(filter=f"accountCode equals '{missing}'")
    assert Decimal(str(bill.total_cost)) == Decimal("36.10")
    assert bill.batch.batch_code == smart_code
    assert bill.billing_period == 202401
    listed = sdk.get_tasks(task_type_code="BillImport", filter=f"batchCode equals '{smart_code}'")
    assert [t.task_gu_id for t in listed] == [second.task_gu_id]


def test_bad_requests_through_the_sdk(server: Server, sdk: Any) -> None:
    with pytest.raises(HttpOperationError) as bad:
        sdk.bill_import(models.BillImportRequest(file_name="bills.csv", data="%%% not base64"))
    assert bad.value.response.status_code == 400
    assert "data" in bad.value.response.json()["modelState"]
    with pytest.raises(HttpOperationError) as missing:
        sdk.get_task("0b3c8d1e-5a7f-4e2b-9c6d-1f2e3a4b5c6d")
    assert missing.value.response.status_code == 404
    status, _ = _http(server, "POST", "/api/v202401/import/bill/task/0b3c8d1e-5a7f-4e2b-9c6d-1f2e3a4b5c6d/kickout", {})
    assert status == 404


def test_profiles_through_the_sdk(sdk: Any, unique: Callable[[str], str]) -> None:
    code = unique("PROFILE")
    created = sdk.write_bill_import_profile(
        models.BillImportProfileRequest(
            profile_code=code,
            column_mapping=models.BillImportProfileColumnMapping(
                date_format="mm/dd/yyyy", account_code_column_index=1, start_date_column_index=2,
                end_date_column_index=3,
            ),
        )
    )  # fmt: skip
    assert created.profile_code == code
    assert code in [p.profile_code for p in sdk.get_bill_import_profiles()]
    assert sdk.get_bill_import_profile(created.profile_id).column_mapping.date_format == "mm/dd/yyyy"
    sdk.delete_bill_import_profile(created.profile_id)  # 204, which the SDK requires
    with pytest.raises(HttpOperationError):
        sdk.get_bill_import_profile(created.profile_id)
