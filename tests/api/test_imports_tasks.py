"""GET /api/v3/task and /api/v3/task/{taskGuid}: paging, filters, task type, visibility, errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from apportion.api.app import create_app
from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.settings import Settings
from apportion.store.database import Database
from tests.api.import_builders import ImportApi, csv_file, import_api, row, site
from tests.conftest import NOW


@pytest.fixture
def api(db: Database) -> Iterator[ImportApi]:
    with import_api(db) as client:
        site(client, "A1")
        yield client


def test_list_pages_filters_and_task_types(api: ImportApi) -> None:
    guids = [
        api.run(f"f{n}.csv", csv_file(row("A1", start=f"2024-0{n}-01", end=f"2024-0{n + 1}-01")))["taskGUId"]
        for n in range(1, 4)
    ]
    kicked = api.run("bad.csv", csv_file(row("B1")), importNote="needs B1")["taskGUId"]

    page = api.get("/api/v3/task", params={"pageSize": "2", "pageNumber": "2"})
    assert page.status_code == 200
    assert [t["taskGUId"] for t in page.json()] == [guids[1], guids[0]]  # newest first
    assert (page.headers["TotalNumberOfRecords"], page.headers["TotalPages"]) == ("4", "2")

    def found(**params: str) -> list[str]:
        response = api.get("/api/v3/task", params=params)
        assert response.status_code == 200, response.text
        return [t["taskGUId"] for t in response.json()]

    assert found(filter="status equals 'completed with kickouts'") == [kicked]
    assert found(filter="taskNote like 'B1'") == [kicked]
    assert found(filter="status equals 'Completed' and fullName equals 'Administrator'") == guids[::-1]
    assert found(taskTypeCode="BillImport") == [kicked, *guids[::-1]]
    assert found(taskTypeCode="chargeback") == []
    bad_type = api.get("/api/v3/task", params={"taskTypeCode": "Nope"})
    assert bad_type.status_code == 400
    assert "taskTypeCode" in bad_type.json()["modelState"]
    bad_filter = api.get("/api/v3/task", params={"filter": "colour equals 'red'"})
    assert bad_filter.status_code == 400
    assert "colour" in bad_filter.json()["modelState"]["filter"][0]


def test_users_see_their_own_tasks_and_managers_everyone(api: ImportApi) -> None:
    clerk = api.key_with("BillsAndBatches:Create,View", user_code="clerk")
    mine = api.run("mine.csv", csv_file(row("A1")))["taskGUId"]
    response = api.start("theirs.csv", csv_file(row("A1", start="2024-02-01", end="2024-03-01")), key=clerk)
    api.wait()
    theirs = response.json()["taskGUId"]
    assert [t["taskGUId"] for t in api.get("/api/v3/task", key=clerk).json()] == [theirs]
    assert api.get(f"/api/v3/task/{mine}", key=clerk).status_code == 404
    assert api.get(f"/api/v3/task/{theirs}", key=clerk).json()["user"]["userCode"] == "clerk"
    assert len(api.get("/api/v3/task").json()) == 2


def test_unknown_task_and_auth(api: ImportApi) -> None:
    assert api.get("/api/v3/task/6d8c1f5e-0000-4000-8000-000000000000").status_code == 404
    assert api.get("/api/v3/task/nope").status_code == 404
    assert api.get("/api/v3/task/nope/errorOutput").status_code == 404
    assert api.get("/api/v3/task", key=None).status_code == 401


def test_an_app_built_without_a_runner_imports_within_the_request(db: Database) -> None:
    # create_app() without jobs= must not leave the import endpoints failing: the task runs before the answer.
    settings = Settings(database_url=db.url)
    app = create_app(settings, database=db, clock=lambda: NOW)
    _user_id, key = auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), NOW)
    with TestClient(app, raise_server_exceptions=False) as client:
        plain = ImportApi(client, db, key, runner=None)  # type: ignore[arg-type]
        site(plain, "A1")
        started = plain.start("one.csv", csv_file(row("A1"), row("B1")))
        assert started.status_code == 200, started.text
        task = plain.task(started.json()["taskGUId"])
        assert (task["status"], task["output"]["billCount"], task["output"]["kickoutRowCount"]) == (
            "Completed with kickouts",
            1,
            1,
        )
        again = plain.reimport(task["taskGUId"])
        assert again.status_code == 200, again.text
        assert plain.task(again.json()["taskGUId"])["status"] == "Completed with kickouts"
