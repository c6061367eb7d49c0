"""Exports as CSV and XLSX: a step's digest, a task's bills, a batch's bills and a filtered bill list."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from sqlalchemy import update

from apportion.store.models.organisation import Account, Meter
from apportion.store.queries import bill_rows
from tests.conftest import Api
from tests.support import chargebacks as cb

D = Decimal
PERIOD = 202403
HOSTILE = '=HYPERLINK("http://example.com","x")'


def _month(api: Api) -> dict[str, Any]:
    """A split then calculation workflow run for PERIOD (and a prior-period bill), with names a spreadsheet would
    take for formulas; the run's tasks."""
    ids = cb.accounts_and_meters(api.db, ["SRC", "D1", "TOT"])
    workflow_id, split_step, calc_step = cb.split_then_calculation(api.db, ids, "SRC", "D1", "TOT")
    cb.bill(api.db, *ids["SRC"], PERIOD, [(D("7.5"), D("70.01"))])
    cb.bill(api.db, *ids["SRC"], PERIOD - 1, [(D("3"), D("-30.00"))])  # a credit the month before
    with api.db.transaction() as session:
        session.execute(update(Account).where(Account.account_id == ids["D1"][0]).values(account_info=HOSTILE))
        session.execute(update(Meter).where(Meter.meter_id == ids["D1"][1]).values(meter_info="@SUM(1+1)"))
    tasks = api.post(f"/api/v202304/chargebackWorkflow/{workflow_id}/exec", json={"billingPeriod": PERIOD}).json()
    return {"ids": ids, "split_step": split_step, "calc_step": calc_step, "tasks": tasks}


def _sheet(content: bytes) -> list[tuple[Any, ...]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [tuple(c.value for c in row) for row in workbook.worksheets[0].iter_rows()]


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_task_bills_as_xlsx_have_the_api_figures_as_numbers_and_dates(api: Api) -> None:
    month = _month(api)
    task_id = month["tasks"][0]["taskId"]
    response = api.get(f"/apportion/v1/chargebackTask/{task_id}/bills/export?format=xlsx")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert f'filename="chargeback-task-{task_id}-bills.xlsx"' in response.headers["content-disposition"]
    header, *rows = _sheet(response.content)
    assert header[:4] == ("Bill ID", "Billing period", "Begin date", "End date")
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    bill = api.get(f"/api/v3/bill/{row['Bill ID']}").json()
    assert isinstance(row["Total cost"], int | float)
    assert D(str(row["Total cost"])) == D(str(bill["totalCost"])) == D("70.01")
    assert isinstance(row["Begin date"], datetime)
    assert row["Begin date"].date().isoformat() == bill["beginDate"][:10]
    assert row["Billing period"] == PERIOD
    assert row["Account name"] == HOSTILE  # a text cell, not a formula
    assert row["Void"] is False
    assert D(str(row["Use"])) == D("7.5")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = {c.value: c for c in next(workbook.worksheets[0].iter_rows(min_row=2))}
    assert cells[HOSTILE].data_type == "s"
    assert cells[row["Begin date"]].is_date


def test_task_bills_as_csv_neutralise_formulas_and_keep_numbers(api: Api) -> None:
    month = _month(api)
    task_id = month["tasks"][0]["taskId"]
    response = api.get(f"/apportion/v1/chargebackTask/{task_id}/bills/export")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    header, row = _csv(response.content)
    cells = dict(zip(header, row, strict=True))
    assert cells["Account name"] == "'" + HOSTILE
    assert cells["Total cost"] == "70.01"
    assert cells["Begin date"] == "2024-03-01"
    assert cells["Void"] == "FALSE"


def test_digest_export_equals_the_digest(api: Api) -> None:
    month = _month(api)
    step = month["split_step"]
    digest = api.get(f"/api/v3/chargebackWorkflow/{step}/digest?billingPeriod={PERIOD}").json()
    response = api.get(f"/apportion/v1/digest/{step}/export?billingPeriod={PERIOD}&format=xlsx")
    assert response.status_code == 200, response.text
    header, *rows = _sheet(response.content)
    exported = [dict(zip(header, row, strict=True)) for row in rows]
    expected = []
    for result in digest["results"]:
        expected.append((result, None))
        expected.extend((child, result["meter"]["meterCode"]) for child in result["splits"] or ())
    assert [(r["Meter code"], r["Split from meter"]) for r in exported] == [
        (e["meter"]["meterCode"], parent) for e, parent in expected
    ]
    for row, (entry, _parent) in zip(exported, expected, strict=True):
        assert D(str(row[f"Cost {PERIOD}"])) == D(str(entry["currentPeriod"]["cost"]["cost"]))
        assert D(str(row[f"Use {PERIOD}"])) == D(str(entry["currentPeriod"]["use"]["use"]))
        assert D(str(row[f"Cost {PERIOD - 1}"])) == D(str(entry["priorPeriod"]["cost"]["cost"]))
        assert D(str(row[f"Cost delta {PERIOD - 1}"])) == D(str(entry["priorPeriod"]["cost"]["delta"]))
        assert D(str(row[f"Cost delta {PERIOD - 100}"])) == D(str(entry["priorYear"]["cost"]["delta"]))
        assert row["Bills"] == entry["currentPeriod"]["numberOfBillsInPeriod"]
    assert exported[0][f"Cost {PERIOD - 1}"] == -30  # a negative amount stays a number
    assert exported[1]["Meter name"] == "@SUM(1+1)"
    as_csv = _csv(api.get(f"/apportion/v1/digest/{step}/export?billingPeriod={PERIOD}").content)
    assert as_csv[2][1] == "'@SUM(1+1)"
    assert as_csv[1][header.index(f"Cost {PERIOD - 1}")] == "-30.00"


def test_batch_and_filtered_bill_lists(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bill_rows, "SLICE", 2)  # read in slices of two: every slice boundary is crossed
    month = _month(api)
    batch_id = month["tasks"][0]["batch"]["batchId"]
    batch = _csv(api.get(f"/apportion/v1/batch/{batch_id}/bills/export").content)
    assert sorted(row[0] for row in batch[1:]) == sorted(
        str(b[0]) for task in month["tasks"] for b in cb.bills_of_task(api.db, task["taskId"])
    )
    query = f"billingPeriod equals '{PERIOD}'"
    listed = api.get("/api/v3/bill", params={"filter": query}).json()
    exported = _csv(api.get("/apportion/v1/bill/export", params={"filter": query}).content)
    assert [int(row[0]) for row in exported[1:]] == [b["billId"] for b in listed]
    assert [D(row[10]) for row in exported[1:]] == [D(str(b["totalCost"])) for b in listed]
    everything = _sheet(api.get("/apportion/v1/bill/export?format=xlsx").content)
    assert len(everything) == 1 + 4  # the headings, two vendor bills, the split bill and the calculated bill
    assert everything[0][0] == "Bill ID"


def test_export_refusals(api: Api) -> None:
    month = _month(api)
    task_id = month["tasks"][0]["taskId"]
    assert api.get("/apportion/v1/chargebackTask/999999/bills/export").status_code == 404
    assert api.get("/apportion/v1/batch/999999/bills/export").status_code == 404
    assert api.get("/apportion/v1/digest/999999/export").status_code == 404
    bad = api.get("/apportion/v1/bill/export", params={"filter": "billingPeriod equals '2024-03'"})
    assert bad.status_code == 400
    assert "use YYYYMM, e.g. 202403" in bad.json()["modelState"]["filter"][0]
    period = api.get(f"/apportion/v1/digest/{month['split_step']}/export?billingPeriod=2024-03")
    assert period.status_code == 400
    assert "use YYYYMM, e.g. 202403" in period.json()["modelState"]["billingPeriod"][0]
    assert api.get(f"/apportion/v1/chargebackTask/{task_id}/bills/export?format=pdf").status_code == 400
    nobody = api.key_with()
    assert api.get(f"/apportion/v1/chargebackTask/{task_id}/bills/export", key=nobody).status_code == 403
    assert api.get("/apportion/v1/bill/export", key=nobody).status_code == 403
    assert api.get("/apportion/v1/bill/export", key=None).status_code == 401
    paths = api.get("/openapi.json").json()["paths"]
    for path in (
        "/apportion/v1/digest/{chargebackWorkflowStepId}/export",
        "/apportion/v1/chargebackTask/{chargebackTaskId}/bills/export",
        "/apportion/v1/batch/{batchId}/bills/export",
        "/apportion/v1/bill/export",
    ):
        assert "get" in paths[path]
