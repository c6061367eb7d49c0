"""POST /api/v202401/import/bill/task/{taskGuid}/kickout (SEED-004): preconditions, the loop, profiles, auth."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from apportion.store.database import Database
from apportion.store.models.imports import Task
from tests.api.import_builders import ImportApi, csv_file, import_api, row, site, zip_of


@pytest.fixture
def api(db: Database) -> Iterator[ImportApi]:
    with import_api(db) as client:
        site(client, "A1")
        yield client


def test_unknown_or_malformed_task_is_404(api: ImportApi) -> None:
    for guid in ("2f1e0c55-86a4-4cf5-9b0b-3a8e34c1a111", "not-a-guid"):
        response = api.reimport(guid)
        assert response.status_code == 404
        assert response.json()["message"] == f"Task {guid} was not found."


def test_only_a_task_completed_with_kickouts_can_be_reimported(api: ImportApi) -> None:
    done = api.run("ok.csv", csv_file(row("A1")))
    assert done["status"] == "Completed"
    response = api.reimport(done["taskGUId"])
    assert response.status_code == 400
    [reason] = response.json()["modelState"]["taskGuid"]
    assert "has status 'Completed'; only a bill import task with status 'Completed with kickouts'" in reason
    with api.db.transaction() as session:
        task = session.execute(select(Task).where(Task.task_guid == done["taskGUId"])).scalar_one()
        task.status = "Failed"
        task.task_type_code = "ReadingImport"
    response = api.reimport(done["taskGUId"])
    assert response.status_code == 400
    assert "is not a bill import task" in response.json()["modelState"]["taskGuid"][0]


def test_fix_and_reimport_until_nothing_is_left(api: ImportApi) -> None:
    first = api.run("bills.csv", csv_file(row("A1"), row("B1"), row("C1", start="2024-03-01", end="2024-04-01")))
    assert first["output"]["kickoutRowCount"] == 2
    site(api, "B1", vendor="PPL-B")

    response = api.reimport(
        first["taskGUId"], {"importNote": "fixed B1", "saveAsResolved": True, "comment": "checked by hand"}
    )
    assert response.status_code == 200
    second_guid = response.json()["taskGUId"]
    assert second_guid != first["taskGUId"]
    api.wait()
    second = api.task(second_guid)
    assert second["status"] == "Completed with kickouts"
    assert second["taskNote"] == "fixed B1"
    assert second["settings"]["saveAsResolved"] is True
    assert second["settings"]["comment"] == "checked by hand"
    assert second["settings"]["kickoutsOfTaskGUId"] == first["taskGUId"]
    assert (second["output"]["rowCount"], second["output"]["billCount"]) == (2, 1)
    assert [f["fileName"] for f in second["output"]["files"]] == ["bills.kickouts.csv"]
    assert api.task(first["taskGUId"])["status"] == "Completed with kickouts"  # the original is unchanged
    assert api.get(f"/api/v3/task/{first['taskGUId']}/errorOutput").status_code == 200

    again = list(
        csv.reader(io.StringIO(api.get(f"/api/v3/task/{second_guid}/errorOutput").content.decode("utf-8-sig")))
    )
    assert again[0][0] == "*Kickout Message"
    assert [r[1] for r in again[1:]] == ["C1"]

    site(api, "C1", vendor="PPL-C")
    third = api.reimport(second_guid, {"batchSettings": {"batchMode": "new batch", "newBatchCode": "LAST"}})
    api.wait()
    done = api.task(third.json()["taskGUId"])
    assert done["status"] == "Completed"
    assert done["batch"]["batchCode"] == "LAST"
    assert sorted(b["account"]["accountCode"] for b in api.bills()) == ["A1", "B1", "C1"]


def test_every_kickout_file_of_a_zip_import_goes_into_one_reimport(api: ImportApi) -> None:
    upload = zip_of(("east.csv", csv_file(row("A1"), row("B1"))), ("west.csv", csv_file(row("C1"))))
    first = api.run("regions.zip", upload)
    assert [f["kickoutRowCount"] for f in first["output"]["files"]] == [1, 1]
    output = api.get(f"/api/v3/task/{first['taskGUId']}/errorOutput")
    with zipfile.ZipFile(io.BytesIO(output.content)) as archive:
        assert archive.namelist() == ["east.kickouts.csv", "west.kickouts.csv"]
    site(api, "B1", "C1", vendor="PPL-2")
    response = api.reimport(first["taskGUId"])
    api.wait()
    task = api.task(response.json()["taskGUId"])
    assert task["status"] == "Completed"
    assert [f["fileName"] for f in task["output"]["files"]] == ["east.kickouts.csv", "west.kickouts.csv"]
    assert task["output"]["billCount"] == 2


def test_a_profile_mapped_import_reimports_with_its_profile(api: ImportApi) -> None:
    profile = {
        "profileCode": "UTILITY-X",
        "columnMapping": {
            "dateFormat": "mm/dd/yyyy",
            "accountCodeColumnIndex": 2,
            "meterCodeColumnIndex": 1,
            "startDateColumnIndex": 3,
            "endDateColumnIndex": 4,
            "observations": [
                {"columnIndex": 5, "observationTypeCode": "USE", "caption": "Energy", "unitCode": "kWh"},
                {"columnIndex": 6, "observationTypeCode": "USE", "caption": "Energy", "unitCode": ""},
            ],
        },
    }
    assert api.post("/api/v3/import/bill/profile", json=profile).status_code == 200
    content = csv_file(
        "M-A1,A1,01/01/2024,02/01/2024,10,1.10", "M-B1,B1,01/01/2024,02/01/2024,20,2.20", header="m,a,s,e,u,c"
    )
    first = api.run("x.csv", content, profileCode="utility-x")
    assert first["settings"]["profileCode"] == "UTILITY-X"
    assert first["output"]["billCount"] == 1
    site(api, "B1", vendor="PPL-B")
    response = api.reimport(first["taskGUId"])
    api.wait()
    task = api.task(response.json()["taskGUId"])
    assert task["status"] == "Completed", task
    [bill] = api.bills("accountCode equals 'B1'")
    assert bill["totalCost"] == 2.2
    assert bill["beginDate"] == "2024-01-01T00:00:00"


def test_body_may_be_empty_and_auth_is_checked(api: ImportApi) -> None:
    first = api.run("bills.csv", csv_file(row("B1")))
    url = f"/api/v202401/import/bill/task/{first['taskGUId']}/kickout"
    assert api.post(url, key=None).status_code == 401
    viewer = api.key_with("BillsAndBatches:View")
    assert api.post(url, key=viewer, json={}).status_code == 403
    clerk = api.key_with("BillsAndBatches:View,Create", user_code="clerk")
    assert api.post(url, key=clerk, json={}).status_code == 404  # another user's task, without Manage
    no_body = api.post(url)
    assert no_body.status_code == 200, no_body.text
    api.wait()
    assert api.task(no_body.json()["taskGUId"])["status"] == "Completed with kickouts"
