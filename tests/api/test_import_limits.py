"""Import limits through the API: a request over a reading limit is a 400 naming it, with no task; kickouts past
theirs fail the task, importing nothing; kickout files are safe to open and re-import the original values."""

from __future__ import annotations

import base64
import csv
import io
import zipfile
from typing import Any

import pytest

from apportion.store.database import Database
from tests.api.import_builders import HEADER, ImportApi, csv_file, import_api, row, site, zip_of
from tests.support.hostile_import import sheet_xml, xlsx_with_sheet


@pytest.mark.parametrize(
    ("settings", "name", "content", "reason"),
    [
        ({"import_max_columns": 5}, "bills.csv", csv_file(row("A1")), "bills.csv: the header has 6 columns; at most 5"),
        (
            {"import_max_cells_per_row": 7},
            "bills.csv",
            csv_file(row("A1") + ",,"),
            "bills.csv: row 2 has 8 cells; at most 7 are allowed.",
        ),
        ({"import_max_rows": 2}, "bills.csv", csv_file(row("A1"), row("A1"), row("A1")), "more rows than the limit"),
        (
            {},
            "wide.xlsx",
            xlsx_with_sheet(sheet_xml(3, "XFD", dimension=True)),
            "wide.xlsx: the first sheet's dimension (A1:XFD3) spans 16,384 columns; at most 1,000 are allowed.",
        ),
        (
            {"import_max_files_in_zip": 1},
            "two.zip",
            zip_of(("a.csv", csv_file(row("A1"))), ("b.csv", csv_file(row("A1")))),
            "two.zip holds 2 files; at most 1 allowed.",
        ),
        (
            {"import_max_compression_ratio": 2, "import_max_uncompressed_bytes": 10**9},
            "big.zip",
            zip_of(("big.csv", csv_file(*[row("A1")] * 60_000))),
            "big.zip is compressed more than 2 to 1",
        ),
    ],
)
def test_a_file_over_a_reading_limit_is_a_400_naming_it_and_no_task(
    db: Database, settings: dict[str, Any], name: str, content: bytes, reason: str
) -> None:
    with import_api(db, **settings) as api:
        response = api.start(name, content)
        assert response.status_code == 400, response.text
        assert reason in response.json()["message"]
        assert reason in response.json()["modelState"]["data"][0]
        assert api.get("/api/v3/task").json() == []


def test_kickouts_over_their_size_limit_fail_the_task_and_import_nothing(db: Database) -> None:
    with import_api(db, import_max_kickout_bytes=300) as api:
        site(api, "A1")
        task = api.run("bills.csv", csv_file(row("A1"), *[row(f"X{n}") for n in range(10)]))
        assert task["status"] == "Failed"
        assert task["message"].startswith(
            "The kickout files of this import would be larger than the 300-byte limit (10 rows of bills.csv kicked "
            "out); nothing was imported."
        )
        assert api.bills() == []
        assert api.get(f"/api/v3/task/{task['taskGUId']}/errorOutput").status_code == 404


def test_a_long_kickout_message_is_cut_at_its_limit(db: Database) -> None:
    with import_api(db, import_max_message_chars=100) as api:
        header = "AccountCode,StartDate,EndDate," + ",".join(f"USE:kWh:c{n}" for n in range(20))
        task = api.run("bills.csv", csv_file("A,2024-01-01,2024-02-01" + ",x" * 20, header=header))
        assert task["status"] == "Completed with kickouts"
        kicked = _kickout_rows(api, task["taskGUId"])
        assert len(kicked[1][0]) == 100
        assert kicked[1][0].endswith(" ... (cut at 100 characters)")


def _kickout_rows(api: ImportApi, guid: str) -> list[list[str]]:
    response = api.get(f"/api/v3/task/{guid}/errorOutput")
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


@pytest.fixture
def api(db: Database) -> Any:
    with import_api(db) as client:
        yield client


def test_formula_cells_are_quoted_in_a_csv_kickout_file_and_reimport_as_they_were(api: ImportApi) -> None:
    # B1 does not exist yet: its row is kicked out with a negative cost and a note that looks like a formula.
    header = HEADER + ",Note"
    first = api.run("bills.csv", csv_file(row("B1", cost="-12.50") + ",=cmd|' /C calc'!A0", header=header))
    assert first["status"] == "Completed with kickouts"
    kicked = _kickout_rows(api, first["taskGUId"])
    assert kicked[0] == ["*Kickout Message", *header.split(",")]
    assert kicked[1][1:] == ["B1", "M-B1", "2024-01-01", "2024-02-01", "100", "'-12.50", "'=cmd|' /C calc'!A0"]

    site(api, "B1")
    response = api.reimport(first["taskGUId"])
    assert response.status_code == 200, response.text
    api.wait()
    assert api.task(response.json()["taskGUId"])["status"] == "Completed"
    [bill] = api.bills()
    assert (bill["totalCost"], bill["billNote"]) == (-12.5, "=cmd|' /C calc'!A0")


def test_a_downloaded_kickout_file_uploaded_again_imports_the_original_values(api: ImportApi) -> None:
    first = api.run("march.csv", csv_file(row("C1", cost="-7.25"), row("C1", start="2024-02-01", end="2024-01-01")))
    assert first["output"]["kickoutRowCount"] == 2
    download = api.get(f"/api/v3/task/{first['taskGUId']}/errorOutput").content
    site(api, "C1")
    fixed = download.replace(b"2024-02-01,2024-01-01", b"2024-02-01,2024-03-01")
    response = api.post(
        "/api/v3/import/bill",
        json={"fileName": "march.kickouts.csv", "data": base64.b64encode(fixed).decode()},
    )
    assert response.status_code == 200, response.text
    api.wait()
    assert api.task(response.json()["taskGUId"])["status"] == "Completed"
    assert sorted(bill["totalCost"] for bill in api.bills()) == [-7.25, 12.5]


def test_kickout_zips_hold_bare_file_names(api: ImportApi) -> None:
    upload = zip_of(("../../evil.csv", csv_file(row("Z1"))), ("/abs/dir/other.csv", csv_file(row("Z2"))))
    task = api.run("upload.zip", upload)
    assert task["status"] == "Completed with kickouts"
    output = api.get(f"/api/v3/task/{task['taskGUId']}/errorOutput")
    with zipfile.ZipFile(io.BytesIO(output.content)) as archive:
        assert archive.namelist() == ["evil.kickouts.csv", "other.kickouts.csv"]
    response = api.reimport(task["taskGUId"])
    assert response.status_code == 200
    api.wait()
    again = api.task(response.json()["taskGUId"])
    assert [f["fileName"] for f in again["output"]["files"]] == ["evil.kickouts.csv", "other.kickouts.csv"]
