"""Bill import through the HTTP API: the task lifecycle, bills written exactly, kickouts and their files."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import update

from apportion.store.database import Database
from apportion.store.models.organisation import Meter
from tests.api import master_builders as mb
from tests.api.import_builders import ImportApi, csv_file, import_api, row, site, zip_of

SAMPLE = Path(__file__).parents[2] / "docs" / "samples" / "standard-import.csv"
VPR_HEADER = "AccountCode,MeterCode,StartDate,EndDate,VPR,USE:kWh:Energy,USE::Energy"


@pytest.fixture
def api(db: Database) -> Iterator[ImportApi]:
    with import_api(db) as client:
        yield client


def _kickout_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_documented_sample_imports_with_exact_totals(api: ImportApi) -> None:
    power, gas = mb.vendor(api, "POWERCO"), mb.vendor(api, "GASCO")
    elec = int(mb.account(api, "ELEC-1001", power)["accountId"])
    gas_account = int(mb.account(api, "GAS-2002", gas)["accountId"])
    for code in ("M-1001-A", "M-1001-B"):
        mb.link(api, elec, int(mb.meter(api, code)["meterId"]))
    mb.link(api, gas_account, int(mb.meter(api, "G-2002", commodity_id=2)["meterId"]), rate_id=2)

    response = api.start("standard-import.csv", SAMPLE.read_bytes(), importNote="January")
    assert response.status_code == 200, response.text
    guid = response.json()["taskGUId"]
    api.wait()
    task = api.task(guid)

    assert task["status"] == "Completed"
    assert task["taskNote"] == "January"
    assert task["taskType"]["taskTypeCode"] == "BillImport"
    assert task["beginDate"] == task["endDate"] == "2024-06-15T09:30:00"
    assert task["user"]["userCode"] == "admin"
    assert task["output"]["rowCount"] == 4
    assert task["output"]["billCount"] == 2
    assert task["currentSuccessCount"] == 2
    bills = {b["account"]["accountCode"]: b for b in api.bills()}
    assert Decimal(str(bills["ELEC-1001"]["totalCost"])) == Decimal("2857.75")
    assert Decimal(str(bills["GAS-2002"]["totalCost"])) == Decimal("1026.60")
    assert bills["ELEC-1001"]["billingPeriod"] == 202401
    assert bills["ELEC-1001"]["invoiceNumber"] == "INV-88123"
    assert bills["GAS-2002"]["billingPeriod"] == 202401  # the midpoint of 2023-12-20..2024-01-22
    assert bills["GAS-2002"]["estimated"] is True
    assert {b["batch"]["batchId"] for b in bills.values()} == {task["batch"]["batchId"]}
    assert api.get(f"/api/v3/task/{guid}/errorOutput").status_code == 404


def test_good_rows_import_and_each_bad_bill_is_kicked_out_with_its_reason(api: ImportApi) -> None:
    ids = site(api, "A1", "A2", "A3", "A4")
    mb.meter(api, "M-LOOSE")
    mb.link(api, ids["A4"][0], int(mb.meter(api, "M-LATE")["meterId"]), beginDate="2025-01-01T00:00:00")
    existing = mb.bill(api, ids["A3"][0], ids["A3"][1], date(2024, 1, 1), date(2024, 2, 1))
    rows = [
        "A1,M-A1,2024-01-01,2024-02-01,,100,12.50",
        'A2,M-A2,2024-01-01,2024-02-01,,100,"1,000.10"',
        "NOPE,M-A1,2024-01-01,2024-02-01,,1,1.00",
        "A1,M-NONE,2024-03-01,2024-04-01,,1,1.00",
        "A2,M-LOOSE,2024-03-01,2024-04-01,,1,1.00",
        "A4,M-LATE,2024-01-01,2024-02-01,,1,1.00",
        "A1,M-A1,2024-13-01,2024-04-01,,1,1.00",
        "A2,M-A2,2024-05-01,2024-06-01,,1,1.005",
        ",M-A1,2024-05-01,2024-06-01,,1,1.00",
        "A3,M-A3,2024-01-01,2024-02-01,R,1,1.00",
        "A3,M-A3,2024-02-01,2024-03-01,,5,5.00",
    ]
    task = api.run("mixed.csv", csv_file(*rows, header=VPR_HEADER))

    assert task["status"] == "Completed with kickouts"
    assert set(task["output"].pop("stageSeconds")) == {"read", "parse", "load", "resolve", "write", "audit", "kickouts"}
    assert task["output"] | {"files": None} == {
        "rowCount": 11,
        "billCount": 3,
        "kickoutRowCount": 8,
        "voidedBillCount": 0,
        "voidedChargebackBillIds": [],
        "chargebackRerunCount": 0,
        "flaggedBillCount": 0,
        "batchMode": "use existing batch",  # the only open batch: the one holding the existing bill
        "files": None,
    }
    assert sorted(Decimal(str(b["totalCost"])) for b in api.bills() if b["billId"] != existing) == [
        Decimal("5.00"),
        Decimal("12.50"),
        Decimal("1000.10"),
    ]
    assert mb.bill_exists(api, existing)
    output = api.get(f"/api/v3/task/{task['taskGUId']}/errorOutput")
    assert output.status_code == 200
    assert output.headers["content-disposition"] == 'attachment; filename="mixed.kickouts.csv"'
    header, *kicked = _kickout_rows(output.content)
    assert header == ["*Kickout Message", *VPR_HEADER.split(",")]
    by_line = {index: message for index, (message, *_cells) in enumerate(kicked)}
    assert [cells for _message, *cells in kicked] == list(csv.reader(io.StringIO("\n".join(rows[2:10]))))
    expected = [
        "Row 4: Account 'NOPE' does not exist",
        "Row 5: Meter 'M-NONE' does not exist",
        "Row 6: Meter 'M-LOOSE' is not on account 'A2' for 2024-03-01..2024-04-01",
        "Row 7: Meter 'M-LATE' is not on account 'A4' for 2024-01-01..2024-02-01",
        "Row 8: StartDate '2024-13-01' is not a valid date",
        "Row 9: USE::Energy '1.005' has more than 2 decimal places",
        "Row 10: AccountCode is required",
        f"Row 11: duplicate bill: account 'A3' for 2024-01-01..2024-02-01 already has bill {existing}",
    ]
    for index, text in enumerate(expected):
        assert text in by_line[index], (text, by_line[index])


def test_duplicates_follow_the_vpr_and_ace_flags(api: ImportApi) -> None:
    ids = site(api, "A1", "A2", "A3")
    old = {code: mb.bill(api, a, m, date(2024, 1, 1), date(2024, 2, 1)) for code, (a, m) in ids.items()}
    header = "AccountCode,MeterCode,StartDate,EndDate,ACE,VPR,USE:kWh:Energy,USE::Energy"
    task = api.run(
        "dups.csv",
        csv_file(
            "A1,M-A1,2024-01-01,2024-02-01,A,,1,1.00",  # A without VPR replaces: the old bill is voided
            "A2,M-A2,2024-01-01,2024-02-01,C,,2,2.00",  # C keeps the old bill
            "A3,M-A3,2024-01-01,2024-02-01,A,P,3,3.00",  # P keeps it too
            "A1,M-A1,2024-03-01,2024-04-01,A,,4,4.00",
            "A2,M-A2,2024-04-01,2024-05-01,,,5,5.00",
            "A1,M-A1,2024-03-01,2024-04-01,A,,6,6.00",  # the same bill twice in one import
            header=header,
        ),
    )
    assert task["output"]["billCount"] == 5
    assert task["output"]["voidedBillCount"] == 1
    assert task["output"]["kickoutRowCount"] == 1
    voided = {b["billId"]: b["void"] for b in api.bills()}
    assert voided[old["A1"]] is True
    assert voided[old["A2"]] is False
    assert voided[old["A3"]] is False
    [(message, *_)] = _kickout_rows(api.get(f"/api/v3/task/{task['taskGUId']}/errorOutput").content)[1:]
    assert message.startswith("Row 7: duplicate bill: the bill from row 5 of this import")


def test_serial_numbers_commodities_and_units_are_checked(api: ImportApi) -> None:
    vendor = mb.vendor(api)
    account = int(mb.account(api, "S1", vendor)["accountId"])
    meter_id = int(mb.meter(api, "M-S1")["meterId"])
    mb.link(api, account, meter_id)
    with api.db.transaction() as session:  # the meter API has no serial number field: set it directly
        session.execute(update(Meter).where(Meter.meter_id == meter_id).values(serial_number="SN-1"))
    header = "AccountCode,MeterCode,SerialNumber,Commodity,StartDate,EndDate,USE:kWh:Energy,USE:gal:Water,COST::Fee"
    task = api.run(
        "serial.csv",
        csv_file(
            "S1,,SN-1,ELECTRIC,2024-01-01,2024-02-01,10,,1.00",
            "S1,,SN-9,,2024-02-01,2024-03-01,10,,1.00",
            "S1,M-S1,SN-2,,2024-03-01,2024-04-01,10,,1.00",
            "S1,M-S1,,NATURALGAS,2024-04-01,2024-05-01,10,,1.00",
            "S1,M-S1,,,2024-05-01,2024-06-01,,10,1.00",
            "S1,,,,2024-06-01,2024-07-01,,,7.00",
            header=header,
        ),
    )
    messages = [r[0] for r in _kickout_rows(api.get(f"/api/v3/task/{task['taskGUId']}/errorOutput").content)[1:]]
    assert messages == [
        "Row 3: no meter with SerialNumber 'SN-9' on account 'S1' for these dates",
        "Row 4: SerialNumber 'SN-2' is not meter 'M-S1''s",
        "Row 5: Commodity 'NATURALGAS' is not meter 'M-S1''s (ELECTRIC)",
        "Row 6: unit 'gal' cannot measure meter 'M-S1''s ELECTRIC use",
    ]
    assert task["output"]["billCount"] == 2
    account_level = [b for b in api.bills() if b["beginDate"] == "2024-06-01T00:00:00"]
    assert [Decimal(str(b["totalCost"])) for b in account_level] == [Decimal("7.00")]


def test_xlsx_kickouts_stay_xlsx_and_a_zip_gets_one_kickout_file_per_member(api: ImportApi) -> None:
    site(api, "A1")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for values in (
        ["AccountCode", "MeterCode", "StartDate", "EndDate", "USE:kWh:Energy"],
        ["A1", "M-A1", "2024-01-01", "2024-02-01", 10],
        ["B1", "M-A1", "2024-01-01", "2024-02-01", 10],
    ):
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    xlsx = buffer.getvalue()
    task = api.run("one.xlsx", xlsx)
    output = api.get(f"/api/v3/task/{task['taskGUId']}/errorOutput")
    assert output.headers["content-type"].startswith("application/vnd.openxmlformats")
    kicked = openpyxl.load_workbook(io.BytesIO(output.content)).worksheets[0]
    assert kicked["A2"].value == "Row 3: Account 'B1' does not exist"

    bad_csv = csv_file("C1,M-A1,2024-03-01,2024-04-01,1,1.00")
    task = api.run("both.zip", zip_of(("a/first.xlsx", xlsx), ("second.csv", bad_csv)))
    assert [f["kickoutRowCount"] for f in task["output"]["files"]] == [1, 1]
    output = api.get(f"/api/v3/task/{task['taskGUId']}/errorOutput")
    assert output.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(output.content)) as archive:
        assert archive.namelist() == ["first.kickouts.xlsx", "second.kickouts.csv"]  # bare names, no folders


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"data": "not base64!"}, "data", "not valid base64"),
        ({"data": ""}, "data", "data is required"),
        ({"fileName": "bills.xls"}, "fileName", "must be .csv, .txt, .dat, .xlsx or .zip"),
        ({"fileName": ""}, "fileName", "required"),
        ({"profileCode": "NOPE"}, "profileCode", "does not exist"),
        ({"batchSettings": {"batchMode": "sometimes"}}, "batchSettings.batchMode", "must be one of"),
    ],
)
def test_bad_requests_are_400_naming_the_field_and_store_nothing(
    api: ImportApi, fields: dict[str, object], field: str, reason: str
) -> None:
    fields = dict(fields)  # parametrised values are shared by both backends' runs
    response = api.start(str(fields.pop("fileName", "bills.csv")), csv_file(row("A1")), **fields)
    assert response.status_code == 400, response.text
    assert reason in " ".join(response.json()["modelState"][field])
    assert api.get("/api/v3/task").json() == []


def test_unreadable_files_are_400(api: ImportApi) -> None:
    bomb = zip_of(("big.csv", b"A" * (30 * 1024 * 1024)))
    for name, content, reason in (
        ("bills.csv", b"\xff\xfe\x00bad", "not UTF-8"),
        ("bills.zip", b"PK\x03\x04 broken", "not a valid ZIP"),
        ("bills.zip", bomb, "compressed more than 100 to 1"),
        ("bills.zip", zip_of(("x.pdf", b"%PDF")), "not a CSV, TXT, DAT or XLSX"),
        ("bills.csv", b"\r\n\r\n", "no header row"),
    ):
        response = api.start(name, content)
        assert response.status_code == 400, (name, response.text)
        assert reason in response.json()["message"], (reason, response.text)
    assert api.get("/api/v3/task").json() == []


def test_an_upload_over_the_size_limit_is_400(db: Database) -> None:
    with import_api(db, import_max_bytes=200) as api:
        site(api, "A1")
        response = api.start("bills.csv", csv_file(*[row("A1")] * 5))  # refused before decoding
        assert response.status_code == 400
        assert "larger than the 200-byte limit" in response.json()["message"]
        just_over = api.start("bills.csv", csv_file(row("A1")).ljust(201, b" "))  # decoded, then refused
        assert just_over.status_code == 400
        assert "larger than the 200-byte limit" in just_over.json()["message"]
        at_limit = api.start("bills.csv", csv_file(row("A1")).ljust(200, b" "))
        assert at_limit.status_code == 200, at_limit.text
        api.wait()
        assert api.task(at_limit.json()["taskGUId"])["status"] == "Completed"


def test_body_validation_and_auth(api: ImportApi) -> None:
    assert api.post("/api/v3/import/bill", json={"fileName": "x.csv"}).status_code == 400
    assert api.start("x.csv", b"a", key=None).status_code == 401
    viewer = api.key_with("BillsAndBatches:View")
    denied = api.start("x.csv", b"a", key=viewer)
    assert denied.status_code == 403
    assert "BillsAndBatches (Create)" in denied.json()["message"]


def test_kickout_summaries_list_distinct_reasons_per_task_and_per_file(api: ImportApi) -> None:
    site(api, "A1")
    east = csv_file(row("A1"), row("B1"), row("B1", start="2024-02-01", end="2024-03-01"))
    west = csv_file(row("A1", start="2024-05-01", end="2024-06-01"), "A1,M-A1,2024-13-01,2024-06-01,1,1.00")
    task = api.run(
        "regions.zip",
        zip_of(
            ("in/east.csv", east),
            ("west.csv", west),
            ("north.csv", csv_file(row("A1", start="2024-07-01", end="2024-08-01"))),
        ),
    )
    guid = task["taskGUId"]
    summary = api.get(f"/api/v202401/import/bill/task/{guid}/kickout/summary")
    assert summary.status_code == 200
    assert summary.json() == {
        "fileName": "regions.zip",
        "kickoutMessages": [
            "Account 'B1' does not exist",
            "Meter 'M-B1' does not exist",
            "StartDate '2024-13-01' is not a valid date (yyyy-mm-dd or mm/dd/yyyy)",
        ],
        "taskGuid": guid,
    }
    by_file = api.get(f"/api/v202401/import/bill/task/{guid}/kickout/west.csv/summary").json()
    assert by_file["kickoutMessages"] == ["StartDate '2024-13-01' is not a valid date (yyyy-mm-dd or mm/dd/yyyy)"]
    assert (
        len(
            api.get(f"/api/v202401/import/bill/task/{guid}/kickout/east.kickouts.csv/summary").json()["kickoutMessages"]
        )
        == 2
    )
    assert api.get(f"/api/v202401/import/bill/task/{guid}/kickout/north.csv/summary").json()["kickoutMessages"] == []
    assert api.get(f"/api/v202401/import/bill/task/{guid}/kickout/south.csv/summary").status_code == 404
    assert api.get("/api/v202401/import/bill/task/nope/kickout/summary").status_code == 404
