"""A bill import streams its file in chunks: the same outcome whatever the chunk size, the upload read from the
database in pieces, and memory that does not grow with the number of rows."""

from __future__ import annotations

import base64
import csv
import gc
import io
import os
import tracemalloc
import zipfile
from datetime import date
from typing import Any

import pytest
from bench.databases import linked_accounts_and_meters
from sqlalchemy import func, select

from apportion.domain.permissions import Grants
from apportion.importer.limits import ImportLimits
from apportion.services.access import auth
from apportion.services.access.auth import Principal
from apportion.services.imports import bill_import, import_tasks
from apportion.store.database import Database
from apportion.store.models.bills import Bill
from apportion.store.models.imports import Task, TaskFile
from apportion.store.queries import import_tasks as stored
from tests.conftest import NOW

LIMITS = ImportLimits()
HEADER = "AccountCode,MeterCode,StartDate,EndDate,VPR,USE:kWh:Energy,USE::Energy\r\n"


@pytest.fixture
def admin(db: Database) -> Principal:
    user_id, _key = auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), NOW)
    with db.transaction() as session:
        linked_accounts_and_meters(session, 2_000)  # BA000000... with meters BM000000...
    return Principal(user_id, "admin", "Administrator", Grants.everything())


def _queue(db: Database, principal: Principal, text: str, **options: Any) -> int:
    data = base64.b64encode(text.encode()).decode()
    task_id, _guid = import_tasks.start_import(
        db, "bills.csv", data, import_tasks.ImportOptions(**options), principal, NOW, LIMITS
    )
    return task_id


def _outcome(db: Database, task_id: int) -> dict[str, Any]:
    with db.reading() as session:
        task = session.get_one(Task, task_id)
        kickouts = session.execute(
            select(TaskFile.content).where(TaskFile.task_id == task_id, TaskFile.kind == "kickout")
        ).scalar_one_or_none()
    output = dict(task.output or {})
    output.pop("stageSeconds")
    return {
        "status": task.status,
        "message": task.message,
        "output": output,
        "kickouts": (kickouts or b"").decode("utf-8-sig"),
    }


def _import(db: Database, principal: Principal, text: str, **options: Any) -> dict[str, Any]:
    task_id = _queue(db, principal, text, **options)
    bill_import.run_import(db, task_id, lambda: NOW, LIMITS)
    return _outcome(db, task_id)


def _row(account: int, month: int, vpr: str = "", use: int = 100) -> str:
    start, end = date(2024, month, 1), date(2024, month + 1, 1)
    return f"BA{account:06d},BM{account:06d},{start},{end},{vpr},{use},{use / 10:.2f}\r\n"


# Two chunks of the first import's bills, then a second import that repeats, replaces and rejects across chunks.
FIRST = HEADER + "".join(_row(a, m) for a in range(3) for m in (1, 2))
SECOND = HEADER + (
    _row(0, 1, "V", 5)  # replaces the first import's bill
    + _row(9_999, 1)  # unknown account: kicked out
    + _row(1, 1, "R")  # rejected: the first import has it
    + _row(2, 2, "P", 7)  # preserved beside it
    + _row(0, 2)  # no VPR, no ACE: replaces
    + _row(0, 1, "", 6)  # a repeat of row 2 of this import, in a later chunk: a duplicate
    + _row(2, 2, "P", 8)  # P again: imported beside both
    + _row(1, 1, "V", 3)  # V: replaces the first import's bill (row 4 was rejected, not taken)
)


def _both(db: Database, principal: Principal) -> tuple[dict[str, Any], dict[str, Any]]:
    return _import(db, principal, FIRST), _import(db, principal, SECOND)


@pytest.mark.parametrize("chunk", [1, 2, 3, 5000])
def test_an_import_in_chunks_ends_as_one_in_a_single_chunk(
    db: Database, admin: Principal, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bill_import, "CHUNK_BILLS", chunk)
    first, second = _both(db, admin)
    assert first["message"] == "6 bills imported from 6 rows; 0 rows kicked out."
    assert second["status"] == "Completed with kickouts"
    assert second["message"] == "5 bills imported from 8 rows; 3 rows kicked out."
    assert second["output"]["voidedBillCount"] == 3
    kicked = list(csv.reader(io.StringIO(second["kickouts"])))
    assert [row[1] for row in kicked[1:]] == ["BA009999", "BA000001", "BA000000"]
    assert kicked[1][0] == "Row 3: Account 'BA009999' does not exist; Row 3: Meter 'BM009999' does not exist"
    assert kicked[2][0].startswith("Row 4: duplicate bill: account 'BA000001' for 2024-01-01..2024-02-01 already has")
    assert kicked[3][0].startswith("Row 7: duplicate bill: the bill from row 2 of this import is already")
    with db.reading() as session:
        live = session.execute(select(func.count()).select_from(Bill).where(Bill.void.is_(False))).scalar_one()
    assert live == 6 - 3 + 5


def test_the_upload_is_read_from_the_database_in_pieces(db: Database, admin: Principal) -> None:
    content = os.urandom(3 * 1024 * 1024 + 17)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.csv", FIRST)
        archive.writestr("b.bin", content)
    upload = buffer.getvalue()
    with db.transaction() as session:
        task = stored.insert_task(session, stored.NewTask("0f1c7a52-5a7e-4a51-9d55-6a0f3c1d2b4e", "BillImport",
                                                          admin.user_id, NOW, None, {}))  # fmt: skip
        stored.add_file(session, task.task_id, stored.SOURCE, "up.zip", upload)
    with db.reading() as session:
        opened = stored.open_file(session, task.task_id, stored.SOURCE)
        assert opened is not None
        assert opened.size == len(upload)
        assert opened.stream.read() == upload
        opened.stream.seek(-5, io.SEEK_END)
        assert opened.stream.read() == upload[-5:]
        opened.stream.seek(0)
        with zipfile.ZipFile(opened.stream) as archive:  # a ZIP seeks to its directory at the end, then back
            assert archive.read("b.bin") == content
            assert archive.read("a.csv").decode() == FIRST


def _year(accounts: range) -> str:
    return HEADER + "".join(_row(a, m) for a in accounts for m in range(1, 11))


def _peak(db: Database, principal: Principal, text: str) -> int:
    """The most memory Python held while the import task ran (the request, which holds the upload, left out)."""
    task_id = _queue(db, principal, text)
    gc.collect()
    tracemalloc.start()
    try:
        bill_import.run_import(db, task_id, lambda: NOW, LIMITS)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    outcome = _outcome(db, task_id)
    assert outcome["status"] == "Completed", outcome["message"]
    return peak


def test_memory_does_not_grow_with_the_rows_of_the_file(
    db: Database, admin: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bill_import, "CHUNK_BILLS", 100)
    # The first import warms the caches (compiled statements, reference data) that any import keeps.
    _import(db, admin, _year(range(0, 50)))
    small = _peak(db, admin, _year(range(100, 200)))  # 1,000 rows
    large = _peak(db, admin, _year(range(200, 700)))  # 5,000 rows
    # Anything held for every row (the file's text, its rows, bills or drafts) would make this about 5x; what does
    # grow is 16 bytes a bill written (its id and first row, for duplicates found in later chunks).
    assert large < small * 1.3, (small, large)
