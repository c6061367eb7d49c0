"""File answers follow Accept: a JSON string (a CSV's text, else base64) for application/json, the file otherwise."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator

import openpyxl
import pytest

from apportion.store.database import Database
from tests.api.import_builders import HEADER, ImportApi, csv_file, import_api, row, zip_of

JSON = {"Accept": "application/json"}


@pytest.fixture
def api(db: Database) -> Iterator[ImportApi]:
    with import_api(db) as client:
        yield client


def xlsx_of(*rows: list[str]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for cells in rows:
        sheet.append(cells)  # type: ignore[union-attr]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_csv_kickout_file_as_text_in_json(api: ImportApi) -> None:
    task = api.run("bills.csv", csv_file(row("NOPE")))
    path = f"/api/v3/task/{task['taskGUId']}/errorOutput"
    file = api.get(path)
    assert file.headers["content-type"] == "text/csv; charset=utf-8"
    assert file.headers["content-disposition"] == 'attachment; filename="bills.kickouts.csv"'
    as_json = api.get(path, headers=JSON)
    assert as_json.headers["content-type"] == "application/json"
    assert as_json.json() == file.content.decode("utf-8-sig")
    assert api.get(path, headers={"Accept": "*/*"}).content == file.content


@pytest.mark.parametrize("kind", ["xlsx", "zip"])
def test_a_binary_kickout_file_as_base64_in_json(api: ImportApi, kind: str) -> None:
    header = HEADER.split(",")
    sheet = xlsx_of(header, row("NOPE").split(","))
    upload = (
        ("bills.xlsx", sheet)
        if kind == "xlsx"
        else ("both.zip", zip_of(("a.csv", csv_file(row("X"))), ("b.xlsx", sheet)))
    )
    task = api.run(*upload)
    assert task["status"] == "Completed with kickouts"
    path = f"/api/v3/task/{task['taskGUId']}/errorOutput"
    file = api.get(path)
    as_json = api.get(path, headers=JSON)
    assert as_json.status_code == 200
    assert base64.b64decode(as_json.json()) == file.content
    assert file.headers["content-type"].startswith("application/")


def test_a_missing_file_is_still_a_json_404(api: ImportApi) -> None:
    task = api.run("ok.csv", b"AccountCode,StartDate,EndDate\r\n")
    response = api.get(f"/api/v3/task/{task['taskGUId']}/errorOutput", headers=JSON)
    assert response.status_code == 404
    assert "message" in response.json()


def test_a_chargeback_task_error_log_as_text_in_json(api: ImportApi) -> None:
    failed = api.post("/api/v3/billSplit/exec", json={"billingPeriod": 202401}).json()
    path = f"/api/v3/chargebackTask/{failed['taskId']}/errorOutput"
    file = api.get(path)
    assert file.headers["content-type"] == "text/csv; charset=utf-8"
    assert file.text.startswith("versionId,errorMessage\n")
    assert api.get(path, headers=JSON).json() == file.text
    assert api.get("/api/v3/chargebackTask/987654/errorOutput", headers=JSON).status_code == 404
