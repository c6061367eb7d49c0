"""Bill imports through the PostgreSQL queue and real `apportion worker` processes: each task runs exactly once,
and a worker killed in the middle of an import leaves no bills; another worker runs the task again to completion.
"""

from __future__ import annotations

import base64
import signal
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import Api
from tests.jobs.workers import (
    MONTHS,
    bill_file,
    bill_lines_locked,
    bills_by_task,
    held_after_writing_bills,
    job_rows,
    load_accounts,
    start_worker,
    wait_for,
    workers,
    writing_bills,
)
from tests.support.outage import set_reachable

pytestmark = pytest.mark.postgres


def _start_import(api: Api, number: int, content: bytes) -> str:
    body = {
        "fileName": f"bills-{number}.csv",
        "data": base64.b64encode(content).decode(),
        "batchSettings": {"batchMode": "new self-contained batch", "newBatchCode": f"IMPORT-{number}"},
    }
    response = api.post("/api/v3/import/bill", json=body)
    assert response.status_code == 200, response.text
    return str(response.json()["taskGUId"])


def _finished(api: Api, guids: list[str]) -> list[dict[str, object]] | None:
    """Every task, once all have finished; None at the first that has not (no need to ask for the others)."""
    tasks = []
    for guid in guids:
        task = api.get(f"/api/v3/task/{guid}").json()
        if task["status"] in ("Queued", "Processing"):
            return None
        tasks.append(task)
    return tasks


def test_two_workers_run_each_of_twenty_imports_exactly_once(api: Api, tmp_path: Path) -> None:
    load_accounts(api.db, 20)
    with workers(api.db, tmp_path, "alpha", "beta") as (alpha, beta):
        guids = [_start_import(api, n, bill_file(range(n, n + 1))) for n in range(20)]
        tasks = wait_for(lambda: _finished(api, guids), "every import to finish", timeout=180)

    assert [task["status"] for task in tasks] == ["Completed"] * 20
    per_task = bills_by_task(api.db)
    assert sorted(per_task.values()) == [MONTHS] * 20  # every import's bills, once each
    with api.db.reading() as session:
        assert session.execute(text("SELECT count(*) FROM bills")).scalar_one() == 20 * MONTHS
    jobs = job_rows(api.db)
    # procrastinate's attempts count finished runs; "started" events count how often a worker took the job.
    assert [(job["status"], job["attempts"], job["starts"]) for job in jobs] == [("succeeded", 1, 1)] * 20
    assert sorted(job["args"]["task_id"] for job in jobs) == sorted(per_task)
    # Both processes took part, and between them started each job once.
    assert alpha.started_jobs() >= 1
    assert beta.started_jobs() >= 1
    assert alpha.started_jobs() + beta.started_jobs() == 20


def test_a_worker_killed_mid_import_leaves_no_bills_and_another_worker_runs_the_task_again(
    api: Api, tmp_path: Path
) -> None:
    accounts = 20
    load_accounts(api.db, accounts)
    first = start_worker(api.db, tmp_path, "doomed")
    try:
        # The import writes its bills, then waits for the lock inside its transaction: it is killed there.
        with bill_lines_locked(api.db):
            guid = _start_import(api, 1, bill_file(range(accounts)))
            wait_for(lambda: held_after_writing_bills(api.db), "the worker to have written bills", process=first)
            first.process.send_signal(signal.SIGKILL)
            first.process.wait(timeout=10)
    finally:
        if first.process.poll() is None:
            first.process.kill()
            first.process.wait(timeout=10)

    # The killed connection's transaction is rolled back: none of its bills exist, the task is left Processing.
    wait_for(lambda: not writing_bills(api.db), "the dead worker's transaction to end")
    assert bills_by_task(api.db) == {}
    assert api.get(f"/api/v3/task/{guid}").json()["status"] == "Processing"
    assert [(job["status"], job["starts"]) for job in job_rows(api.db)] == [("doing", 1)]

    with workers(api.db, tmp_path, "rescuer") as (rescuer,):
        task = wait_for(
            lambda: (t := api.get(f"/api/v3/task/{guid}").json())["status"] not in ("Queued", "Processing") and t,
            "the rescuer to run the task again",
            timeout=180,
        )
        assert "left by a dead worker; running it again" in rescuer.text()

    assert task["status"] == "Completed", task
    assert list(bills_by_task(api.db).values()) == [accounts * MONTHS]
    jobs = job_rows(api.db)
    assert [(job["status"], job["attempts"], job["starts"]) for job in jobs] == [("succeeded", 2, 2)]
    assert rescuer.started_jobs() == 1


def test_a_worker_outlives_a_database_outage_and_runs_imports_queued_after_it(api: Api, tmp_path: Path) -> None:
    load_accounts(api.db, 1)
    with workers(api.db, tmp_path, "steady") as (steady,):
        set_reachable(api.db, False)
        try:
            wait_for(lambda: "worker lost the database" in steady.text(), "the worker to notice", process=steady)
        finally:
            set_reachable(api.db, True)
        guid = _start_import(api, 1, bill_file(range(1)))
        task = wait_for(
            lambda: (t := api.get(f"/api/v3/task/{guid}").json())["status"] not in ("Queued", "Processing") and t,
            "the import queued after the outage to run",
            timeout=120,
            process=steady,
        )
        assert steady.process.poll() is None  # the same process throughout
    assert task["status"] == "Completed", task
    assert list(bills_by_task(api.db).values()) == [MONTHS]
