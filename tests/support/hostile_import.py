"""Hostile import files, each a few kilobytes, and a runner that imports them and reports what each one cost.

`python -m tests.support.hostile_import DATABASE_URL` imports every case of `CASES` in turn on that (migrated)
database, as `POST /api/v3/import/bill` and its task do (services.import_tasks.start_import, then
services.bill_import.run_import), and prints one JSON line per case:

    {"case": "wide-header", "bytes": 15895, "outcome": "refused", "message": "...", "peak_growth_kib": 1234,
     "seconds": 0.01}

`outcome` is "refused" (the request's 400) or the task's status. `peak_growth_kib` is the process's peak resident
memory during the case above what it held before (Linux: the peak is reset through /proc/self/clear_refs).
A process of its own keeps the test's memory, and one case's, out of the others' figures.
"""

from __future__ import annotations

import base64
import io
import json
import os
import random
import re
import sys
import time
import zipfile
from collections.abc import Callable
from datetime import datetime

import openpyxl

from apportion.domain.errors import DomainError
from apportion.domain.permissions import Grants
from apportion.importer.limits import ImportLimits
from apportion.services.access import auth
from apportion.services.access.auth import Principal
from apportion.services.imports import bill_import, import_tasks
from apportion.store.database import Database

NOW = datetime(2024, 6, 15, 9, 30, 0)
REQUIRED = "AccountCode,StartDate,EndDate"


def _csv(lines: list[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


def wide_header() -> tuple[str, bytes]:
    """The issue's 15 KB CSV: 2,000 unknown columns, 2,000 rows of one short cell."""
    header = ",".join(f"{n:x}" for n in range(2000))
    return "wide-header.csv", _csv([header, *(["1"] * 2000)])


def unknown_columns() -> tuple[str, bytes]:
    """450 unknown columns (within the limit) and 20,000 one-cell rows: each column named once, not per row."""
    header = REQUIRED + "," + ",".join(f"u{n}" for n in range(450))
    return "unknown-columns.csv", _csv([header, *(["A"] * 20_000)])


def bad_cells_one_bill() -> tuple[str, bytes]:
    """One bill of 100 rows, each with 300 bad numbers: every row's message would list all 30,000 problems."""
    header = REQUIRED + "," + ",".join(f"USE:kWh:c{n}" for n in range(300))
    row = "A,2024-01-01,2024-02-01," + ",".join(["x"] * 300)
    return "bad-cells.csv", _csv([header, *([row] * 100)])


def wide_rows() -> tuple[str, bytes]:
    """Rows of 20,000 empty cells under a three-column header."""
    return "wide-rows.csv", _csv([REQUIRED, *(["," * 20_000] * 3)])


def sheet_xml(rows: int, column: str, dimension: bool, first_row: int = 1) -> str:
    cells = "".join(
        f'<row r="{r}"><c r="{column}{r}" t="inlineStr"><is><t>x</t></is></c></row>'
        for r in range(first_row, first_row + rows)
    )
    ref = f'<dimension ref="A1:{column}{first_row + rows - 1}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{ref}'
        f"<sheetData>{cells}</sheetData></worksheet>"
    )


def xlsx_with_sheet(sheet: str) -> bytes:
    """A workbook made by openpyxl whose first sheet's XML is replaced by `sheet`."""
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "x"
    plain = io.BytesIO()
    workbook.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, sheet.encode() if info.filename == "xl/worksheets/sheet1.xml" else content)
    return out.getvalue()


def xlsx_column_xfd() -> tuple[str, bytes]:
    """The issue's 13 KB XLSX: one cell in column XFD (16,384) on each of 5,000 rows, the dimension saying so."""
    return "xfd.xlsx", xlsx_with_sheet(sheet_xml(5000, "XFD", dimension=True))


def xlsx_column_xfd_no_dimension() -> tuple[str, bytes]:
    """The same without the sheet's dimension: each row has to be checked as it is read."""
    return "xfd-no-dimension.xlsx", xlsx_with_sheet(sheet_xml(5000, "XFD", dimension=False))


def xlsx_last_row() -> tuple[str, bytes]:
    """Two cells, the second in row 1,048,576, no dimension: a million missing rows between them."""
    sheet = sheet_xml(1, "A", dimension=False).replace("</sheetData>", "")
    last = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    return "last-row.xlsx", xlsx_with_sheet(sheet.replace("</worksheet>", "") + last + "</worksheet>")


def _zip(name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(name, content)
    return out.getvalue()


def zip_bomb() -> tuple[str, bytes]:
    """A ZIP of 60 KB holding a CSV of 60 MB of commas."""
    return "bomb.zip", _zip("bomb.csv", REQUIRED.encode() + b"\r\n" + b"," * (60 * 1024 * 1024))


def zip_expanding() -> tuple[str, bytes]:
    """A ZIP of about 85 KB expanding 60 to 1 into a CSV of 5 MB: 200,000 rows of unknown accounts."""
    pick = random.Random(7)
    rows = [f"A{pick.randrange(3)},2024-01-01,2024-02-01" for _ in range(200_000)]
    return "expanding.zip", _zip("expanding.csv", _csv([REQUIRED, *rows]))


CASES: dict[str, Callable[[], tuple[str, bytes]]] = {
    "wide-header": wide_header,
    "unknown-columns": unknown_columns,
    "bad-cells-one-bill": bad_cells_one_bill,
    "wide-rows": wide_rows,
    "xlsx-column-xfd": xlsx_column_xfd,
    "xlsx-column-xfd-no-dimension": xlsx_column_xfd_no_dimension,
    "xlsx-last-row": xlsx_last_row,
    "zip-bomb": zip_bomb,
    "zip-expanding": zip_expanding,
}


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        match = re.search(rf"^{field}:\s+(\d+) kB", status.read(), re.MULTILINE)
    return int(match.group(1)) if match else 0


def _reset_peak() -> bool:
    """Start the peak resident size (VmHWM) afresh from the current one; False where Linux does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        return False
    return True


def run_case(db: Database, principal: Principal, name: str) -> dict[str, object]:
    """Import one case and measure it."""
    file_name, content = CASES[name]()
    data = base64.b64encode(content).decode()
    limits = ImportLimits()
    before = _status_kib("VmRSS")
    reset = _reset_peak()
    start = time.perf_counter()
    outcome, message = "refused", ""
    try:
        task_id, _guid = import_tasks.start_import(
            db, file_name, data, import_tasks.ImportOptions(), principal, NOW, limits
        )
    except DomainError as error:
        message = error.message
    else:
        del data
        bill_import.run_import(db, task_id, lambda: NOW, limits)
        task = import_tasks.get_task(db, _guid, principal).task
        outcome, message = task.status, task.message or ""
    seconds = time.perf_counter() - start
    peak = _status_kib("VmHWM")
    return {
        "case": name,
        "bytes": len(content),
        "outcome": outcome,
        "message": message,
        "peak_growth_kib": max(0, peak - before) if reset else peak,
        "seconds": round(seconds, 3),
    }


def main(url: str, names: list[str]) -> None:
    db = Database(url)
    user_code = f"hostile{os.getpid()}"
    user_id, _key = auth.create_user_with_key(db, user_code, user_code, Grants.everything(), NOW)
    principal = Principal(user_id, user_code, user_code, Grants.everything())
    for name in names or list(CASES):
        sys.stdout.write(json.dumps(run_case(db, principal, name)) + "\n")
        sys.stdout.flush()
    db.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
