"""The import task body against the database: all or nothing, failures recorded on the task, runs once."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from apportion.domain.batch_modes import ImportBatchSettings
from apportion.domain.permissions import Grants
from apportion.importer.limits import ImportLimits
from apportion.services.access import auth
from apportion.services.access.auth import Principal
from apportion.services.imports import bill_import, import_tasks, saved_profiles
from apportion.store.bill_writer import BillWriter
from apportion.store.database import Database
from apportion.store.models.bills import Batch, Bill, BillLine
from apportion.store.models.imports import Task, TaskFile
from apportion.store.models.organisation import Account, AccountMeter, Meter, Vendor
from tests.conftest import NOW

LIMITS = ImportLimits()
CONTENT = (
    b"AccountCode,MeterCode,StartDate,EndDate,USE:kWh:Energy,USE::Energy\r\n"
    b"A1,M1,2024-01-01,2024-02-01,100,12.50\r\n"
    b"A1,M1,2024-02-01,2024-03-01,110,13.75\r\n"
    b"ZZ,M1,2024-02-01,2024-03-01,1,1.00\r\n"
)


@pytest.fixture
def admin(db: Database) -> Principal:
    user_id, _key = auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), NOW)
    with db.transaction() as session:
        vendor = Vendor(vendor_code="PPL", vendor_info="PPL")
        session.add(vendor)
        session.flush()
        account = Account(
            account_code="A1", account_info="A1", account_type_id=1, cost_center_id=1, vendor_id=vendor.vendor_id
        )
        meter = Meter(meter_code="M1", meter_info="M1", commodity_id=1, place_id=1, meter_type_id=1)
        session.add_all([account, meter])
        session.flush()
        session.add(
            AccountMeter(
                account_id=account.account_id,
                meter_id=meter.meter_id,
                begin_date=date(1900, 1, 1),
                end_date=date(3000, 1, 1),
            )
        )
    return Principal(user_id, "admin", "Administrator", Grants.everything())


def _queue(db: Database, principal: Principal, **options: Any) -> int:
    data = base64.b64encode(CONTENT).decode()
    task_id, _guid = import_tasks.start_import(
        db, "bills.csv", data, import_tasks.ImportOptions(**options), principal, NOW, LIMITS
    )
    return task_id


def _counts(db: Database) -> tuple[int, int, int, int]:
    with db.reading() as session:
        return (
            session.execute(select(func.count()).select_from(Bill)).scalar_one(),
            session.execute(select(func.count()).select_from(BillLine)).scalar_one(),
            session.execute(select(func.count()).select_from(Batch)).scalar_one(),
            session.execute(select(func.count()).select_from(TaskFile).where(TaskFile.kind == "kickout")).scalar_one(),
        )


def _task(db: Database, task_id: int) -> Task:
    with db.reading() as session:
        return session.get_one(Task, task_id)


def test_the_import_writes_bills_batch_and_kickouts_together(db: Database, admin: Principal) -> None:
    task_id = _queue(db, admin)
    assert _task(db, task_id).status == "Queued"
    bill_import.run_import(db, task_id, lambda: NOW, LIMITS)
    task = _task(db, task_id)
    assert (task.status, task.message) == (
        "Completed with kickouts",
        "2 bills imported from 3 rows; 1 rows kicked out.",
    )
    assert _counts(db) == (2, 2, 1, 1)


def test_a_failure_while_writing_leaves_nothing_and_fails_the_task(
    db: Database, admin: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    with db.transaction() as session:
        session.add(Batch(batch_code="OPEN", status="Open", created_by=admin.user_id, start_date=NOW))
    task_id = _queue(db, admin, batch_settings=ImportBatchSettings(batch_mode="new batch", new_batch_code="NEW"))
    real_write = BillWriter.write

    def write_then_break(self: BillWriter, *args: Any, **kwargs: Any) -> list[int]:
        real_write(self, *args, **kwargs)  # the bills are in the transaction when it breaks
        raise RuntimeError("disk full")

    monkeypatch.setattr(BillWriter, "write", write_then_break)
    with pytest.raises(RuntimeError):
        bill_import.run_import(db, task_id, lambda: NOW, LIMITS)
    task = _task(db, task_id)
    assert task.status == "Failed"
    assert task.message == "The import stopped on an unexpected error; nothing was imported."
    assert _counts(db) == (0, 0, 1, 0)
    with db.reading() as session:  # the open batch "new batch" would have closed is still open
        assert session.execute(select(Batch.status).where(Batch.batch_code == "OPEN")).scalar_one() == "Open"


def test_a_rule_broken_by_the_time_the_task_runs_fails_it_with_the_rule(db: Database, admin: Principal) -> None:
    task_id = _queue(db, admin, batch_settings=ImportBatchSettings(batch_mode="new batch", new_batch_code="NEW"))
    with db.transaction() as session:  # between the request and the run, someone takes the code
        session.add(Batch(batch_code="new", status="Closed", created_by=admin.user_id, start_date=NOW))
    bill_import.run_import(db, task_id, lambda: NOW, LIMITS)
    task = _task(db, task_id)
    assert task.status == "Failed"
    assert task.message == "Batch mode 'new batch': batch code 'NEW' is already in use."
    assert _counts(db) == (0, 0, 1, 0)


def test_a_profile_deleted_before_the_run_fails_the_task(db: Database, admin: Principal) -> None:
    profile_id = saved_profiles.create_profile(db, "HEADERS", None, admin.user_id, NOW)
    task_id = _queue(db, admin, profile_code="HEADERS")
    saved_profiles.delete_profile(db, profile_id)
    bill_import.run_import(db, task_id, lambda: NOW, LIMITS)
    task = _task(db, task_id)
    assert task.status == "Failed"
    assert task.message == "The request is invalid. profileCode: Bill import profile 'HEADERS' does not exist."


def test_a_task_runs_once(db: Database, admin: Principal) -> None:
    task_id = _queue(db, admin)
    bill_import.run_import(db, task_id, lambda: NOW, LIMITS)
    bill_import.run_import(db, task_id, lambda: NOW, LIMITS)
    bill_import.run_import(db, 999_999, lambda: NOW, LIMITS)
    assert _counts(db)[0] == 2
