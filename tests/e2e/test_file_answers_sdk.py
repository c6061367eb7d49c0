"""File answers through energycapsdk against the real server: a chargeback task's error log and an import's kickout
file follow the request's Accept (a JSON string for application/json, as the SDK asks; the file otherwise), and a
batch's 255-character invoiceNumber goes through the SDK's models."""

from __future__ import annotations

import base64
import csv
import io
import json
import time
import urllib.request
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from energycap.sdk import models

from apportion.store.database import Database
from tests.e2e.conftest import Server
from tests.support import chargeback_builders as builders
from tests.support import chargebacks as cb

pytestmark = pytest.mark.e2e
PERIOD = 202403


def _get(server: Server, path: str, accept: str | None = None) -> tuple[str, bytes]:
    headers = {"ECI-ApiKey": server.api_key, **({"Accept": accept} if accept else {})}
    request = urllib.request.Request(f"{server.base_url}{path}", headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(response.headers["Content-Type"]), response.read()


def test_a_chargeback_task_error_log_is_a_string_for_the_sdk_and_a_file_otherwise(
    server: Server, sdk: Any, unique: Callable[[str], str]
) -> None:
    db = Database(server.database_url)
    try:
        tag = unique("F")
        ids = cb.accounts_and_meters(db, [f"{tag}S", f"{tag}1"])
        step_id = builders.workflow_step(db, "Split", f"Split {tag}")
        version_id = cb.split_version(db, *ids[f"{tag}S"], [(*ids[f"{tag}1"], Decimal("100"))], step_id=step_id)
    finally:
        db.dispose()
    long_invoice = "I" * 255
    settings = models.ChargebackProcessorSettingsWithoutFilters(
        billing_period=PERIOD, batch_settings=models.BatchCreate(batch_code=unique("B"), invoice_number=long_invoice)
    )
    task = sdk.execute_processor_by_workflow_step(step_id, body=settings)  # no source bill: the version fails
    assert (task.status, task.number_of_failed_versions) == ("Failed", 1)
    assert sdk.get_batch(task.batch.batch_id).invoice_number == long_invoice

    log = sdk.get_chargeback_task_error_file(task.task_id)
    assert isinstance(log, str)
    header, failed = list(csv.reader(io.StringIO(log)))
    assert header == ["versionId", "errorMessage"]
    assert failed[0] == str(version_id)
    assert failed[1].startswith("No unsplit bill on account")

    content_type, body = _get(server, f"/api/v3/chargebackTask/{task.task_id}/errorOutput")
    assert content_type.startswith("text/csv")
    assert body.decode() == log
    json_type, as_json = _get(server, f"/api/v3/chargebackTask/{task.task_id}/errorOutput", "application/json")
    assert json_type == "application/json"
    assert json.loads(as_json) == log


def test_an_import_kickout_file_follows_accept(server: Server, sdk: Any, unique: Callable[[str], str]) -> None:
    content = (
        f"AccountCode,StartDate,EndDate,USE::Energy\r\n{unique('NOPE')},2024-01-01,2024-02-01,-12.50\r\n"
    ).encode()
    started = sdk.bill_import(models.BillImportRequest(file_name="bills.csv", data=base64.b64encode(content).decode()))
    deadline = time.monotonic() + 60
    while sdk.get_task(started.task_gu_id).status not in ("Completed", "Completed with kickouts", "Failed"):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    path = f"/api/v3/task/{started.task_gu_id}/errorOutput"
    content_type, file_bytes = _get(server, path)
    assert content_type.startswith("text/csv")
    assert ",'-12.50\r\n" in file_bytes.decode("utf-8-sig")  # a kickout CSV quotes what a spreadsheet would run

    assert sdk.get_task_output_file(started.task_gu_id) is None  # the SDK asks for anything and reads no body
    raw = sdk.get_task_output_file(started.task_gu_id, custom_headers={"Accept": "application/json"}, raw=True)
    assert raw.response.headers["Content-Type"] == "application/json"
    assert json.loads(raw.response.text) == file_bytes.decode("utf-8-sig")


def test_a_long_batch_invoice_number_through_the_sdk(sdk: Any, unique: Callable[[str], str]) -> None:
    batch = sdk.open_batch(body=models.BatchCreate(batch_code=unique("LONG"), invoice_number="N" * 255))
    assert batch.invoice_number == "N" * 255
    sdk.close_batch(batch.batch_id)
