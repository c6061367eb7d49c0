"""The five batch modes of SEED-004 through the founding endpoint (kickout re-import), every rule and smart case.

Each test imports a file whose row for account B1 is kicked out (B1 does not exist yet) into a new
self-contained batch, creates B1, and re-imports the kickouts with the batch settings under test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from apportion.store.database import Database
from apportion.store.models.bills import Batch
from apportion.store.models.users import User
from tests.api.import_builders import ImportApi, csv_file, import_api, row, site
from tests.conftest import NOW

SELF_CONTAINED = {"batchMode": "new self-contained batch", "newBatchCode": "FIRST"}


@pytest.fixture
def api(db: Database) -> Iterator[ImportApi]:
    with import_api(db) as client:
        site(client, "A1")
        yield client


def _kicked(api: ImportApi, key: str = "admin") -> str:
    """The GUID of a "Completed with kickouts" task whose kicked-out account B1 now exists."""
    task = api.run("bills.csv", csv_file(row("A1"), row("B1")), key=key, batchSettings=SELF_CONTAINED)
    assert task["status"] == "Completed with kickouts", task
    site(api, "B1", vendor="PPL-B")
    return str(task["taskGUId"])


def _reimport(api: ImportApi, guid: str, settings: dict[str, Any] | None, key: str = "admin") -> dict[str, Any]:
    response = api.reimport(guid, {"batchSettings": settings} if settings is not None else {}, key=key)
    assert response.status_code == 200, response.text
    api.wait()
    task = api.task(response.json()["taskGUId"])
    assert task["status"] == "Completed", task
    return task


def _refused(api: ImportApi, guid: str, settings: dict[str, Any], field: str, text: str, key: str = "admin") -> None:
    response = api.reimport(guid, {"batchSettings": settings}, key=key)
    assert response.status_code == 400, response.text
    body = response.json()
    assert text in " ".join(body["modelState"][field]), body
    tasks = api.get("/api/v3/task", params={"filter": "status equals 'Queued'"}).json()
    assert tasks == []  # a refused request leaves no task behind


def _batch(api: ImportApi, code: str, status: str = "Open", user_code: str = "admin") -> int:
    with api.db.transaction() as session:
        user_id = session.execute(select(User.user_id).where(User.user_code == user_code)).scalar_one()
        batch = Batch(batch_code=code, status=status, created_by=user_id, start_date=NOW)
        session.add(batch)
        session.flush()
        return batch.batch_id


def _b1_bill(api: ImportApi) -> dict[str, Any]:
    [bill] = api.bills("accountCode equals 'B1'")
    return bill


def _status(api: ImportApi, batch_id: int) -> str:
    return str(api.batch(batch_id)["batchStatus"])


# use existing batch ---------------------------------------------------------------------------------------------


def test_use_existing_batch_by_id_leaves_it_open(api: ImportApi) -> None:
    guid = _kicked(api)
    mine = _batch(api, "MINE")
    _batch(api, "OTHER-OPEN")
    task = _reimport(api, guid, {"batchMode": "use existing batch", "existingOpenBatchId": mine})
    assert task["batch"] == {"batchId": mine, "batchCode": "MINE"}
    assert task["output"]["batchMode"] == "use existing batch"
    assert _b1_bill(api)["batch"]["batchId"] == mine
    assert _status(api, mine) == "Open"


def test_use_existing_batch_without_id_needs_exactly_one_open_batch(api: ImportApi) -> None:
    guid = _kicked(api)
    settings = {"batchMode": "use existing batch"}
    _refused(api, guid, settings, "batchSettings.existingOpenBatchId", "exactly one open batch; you have 0")
    only = _batch(api, "ONLY")
    second = _batch(api, "SECOND")
    _refused(api, guid, settings, "batchSettings.existingOpenBatchId", "exactly one open batch; you have 2")
    with api.db.transaction() as session:
        session.get_one(Batch, second).status = "Closed"
    assert _reimport(api, guid, settings)["batch"]["batchId"] == only


def test_use_existing_batch_must_be_open_known_and_yours_unless_manage(api: ImportApi) -> None:
    clerk = api.key_with("BillsAndBatches:Create,View", user_code="clerk")
    guid = _kicked(api, key=clerk)
    settings = {"batchMode": "use existing batch"}
    closed = _batch(api, "CLOSED", "Closed", user_code="clerk")
    field = "batchSettings.existingOpenBatchId"
    _refused(api, guid, settings | {"existingOpenBatchId": closed}, field, "is closed, not open", key=clerk)
    _refused(api, guid, settings | {"existingOpenBatchId": 99999}, field, "batch 99999 does not exist", key=clerk)
    admins = _batch(api, "ADMINS")
    _refused(
        api, guid, settings | {"existingOpenBatchId": admins}, field, "requires BillsAndBatches (Manage)", key=clerk
    )
    task = _reimport(api, guid, settings | {"existingOpenBatchId": admins})  # the administrator has Manage
    assert task["batch"]["batchId"] == admins


# new batch ------------------------------------------------------------------------------------------------------


def test_new_batch_closes_your_open_batch_unless_told_to_leave_it(api: ImportApi) -> None:
    guid = _kicked(api)
    old = _batch(api, "OLD")
    task = _reimport(api, guid, {"batchMode": "new batch", "newBatchCode": "NEW-1"})
    assert task["batch"]["batchCode"] == "NEW-1"
    assert _status(api, old) == "Closed"
    assert _status(api, task["batch"]["batchId"]) == "Open"


def test_new_batch_leaving_existing_batches_open(api: ImportApi) -> None:
    guid = _kicked(api)
    old, older = _batch(api, "OLD"), _batch(api, "OLDER")
    task = _reimport(api, guid, {"batchMode": "new batch", "leaveExistingBatchesOpen": True})
    assert task["batch"]["batchCode"] == "admin-20240615093000"  # automatic: <userCode>-<yyyyMMddHHmmss>
    assert (_status(api, old), _status(api, older)) == ("Open", "Open")


def test_new_batch_refuses_several_open_batches_and_a_used_code(api: ImportApi) -> None:
    guid = _kicked(api)
    _batch(api, "OLD")
    _refused(api, guid, {"batchMode": "new batch", "newBatchCode": "FIRST"}, "batchSettings.newBatchCode", "in use")
    _batch(api, "OLDER")
    _refused(api, guid, {"batchMode": "new batch"}, "batchSettings.leaveExistingBatchesOpen", "you have 2 open batches")
    _refused(api, guid, {"batchMode": "new batch", "newBatchCode": "X" * 256}, "batchSettings.newBatchCode", "255")


# new self-contained batch ---------------------------------------------------------------------------------------


def test_new_self_contained_batch_is_closed_after_and_open_batches_stay_open(api: ImportApi) -> None:
    guid = _kicked(api)
    old = _batch(api, "OLD")
    task = _reimport(api, guid, {"batchMode": "new self-contained batch", "newBatchCode": "SELF"})
    assert task["batch"]["batchCode"] == "SELF"
    assert _status(api, task["batch"]["batchId"]) == "Closed"
    assert _status(api, old) == "Open"
    assert _b1_bill(api)["void"] is False


# use pending batch ----------------------------------------------------------------------------------------------


def test_use_pending_batch_keeps_it_pending_and_its_bills_void(api: ImportApi) -> None:
    guid = _kicked(api)
    settings = {"batchMode": "use pending batch"}
    _refused(api, guid, settings, "batchSettings.pendingBatchId", "pendingBatchId is required")
    opened = _batch(api, "OPENED")
    _refused(api, guid, settings | {"pendingBatchId": opened}, "batchSettings.pendingBatchId", "is open, not pending")
    pending = _batch(api, "WAITING", "Pending")
    task = _reimport(api, guid, settings | {"pendingBatchId": pending})
    assert task["batch"]["batchId"] == pending
    assert _status(api, pending) == "Pending"
    assert _b1_bill(api)["void"] is True


# smart batch ----------------------------------------------------------------------------------------------------


def test_smart_batch_needs_a_code(api: ImportApi) -> None:
    guid = _kicked(api)
    _refused(api, guid, {"batchMode": "smart batch"}, "batchSettings.newBatchCode", "newBatchCode is required")


def test_smart_batch_closed_code_gets_a_guid_suffix_and_leaves_open_batches_open(api: ImportApi) -> None:
    guid = _kicked(api)
    _batch(api, "BC-7", "Closed")
    old = _batch(api, "OLD")
    task = _reimport(api, guid, {"batchMode": "smart batch", "newBatchCode": "BC-7"})
    code = task["batch"]["batchCode"]
    assert code.startswith("BC-7-")
    assert len(code) == len("BC-7-") + 36
    assert task["output"]["batchMode"] == "new batch"
    assert _status(api, task["batch"]["batchId"]) == "Open"
    assert _status(api, old) == "Open"


def test_smart_batch_uses_your_open_batch_with_the_code(api: ImportApi) -> None:
    guid = _kicked(api)
    mine = _batch(api, "BC-7")
    task = _reimport(api, guid, {"batchMode": "smart batch", "newBatchCode": "bc-7"})
    assert task["batch"]["batchId"] == mine
    assert task["output"]["batchMode"] == "use existing batch"
    assert _status(api, mine) == "Open"


def test_smart_batch_uses_another_users_open_batch_only_with_manage(api: ImportApi) -> None:
    clerk = api.key_with("BillsAndBatches:Create,View", user_code="clerk")
    guid = _kicked(api, key=clerk)
    theirs = _batch(api, "BC-7")  # the administrator's
    _refused(
        api,
        guid,
        {"batchMode": "smart batch", "newBatchCode": "BC-7"},
        "batchSettings.newBatchCode",
        "Batch mode 'use existing batch': batch 'BC-7'",
        key=clerk,
    )
    task = _reimport(api, guid, {"batchMode": "smart batch", "newBatchCode": "BC-7"})
    assert task["batch"]["batchId"] == theirs
    assert task["output"]["batchMode"] == "use existing batch"


def test_smart_batch_uses_the_pending_batch_with_the_code(api: ImportApi) -> None:
    guid = _kicked(api)
    pending = _batch(api, "BC-7", "Pending")
    task = _reimport(api, guid, {"batchMode": "smart batch", "newBatchCode": "BC-7"})
    assert task["batch"]["batchId"] == pending
    assert task["output"]["batchMode"] == "use pending batch"
    assert _status(api, pending) == "Pending"
    assert _b1_bill(api)["void"] is True


def test_smart_batch_creates_the_code_and_leaves_open_batches_open(api: ImportApi) -> None:
    guid = _kicked(api)
    old = _batch(api, "OLD")
    task = _reimport(api, guid, {"batchMode": "smart batch", "newBatchCode": "BC-8"})
    assert task["batch"]["batchCode"] == "BC-8"
    assert task["output"]["batchMode"] == "new batch"
    assert (_status(api, task["batch"]["batchId"]), _status(api, old)) == ("Open", "Open")


# without settings -----------------------------------------------------------------------------------------------


def test_without_settings_your_single_open_batch_else_a_new_one(api: ImportApi) -> None:
    guid = _kicked(api)
    only = _batch(api, "ONLY")
    assert _reimport(api, guid, None)["batch"]["batchId"] == only
