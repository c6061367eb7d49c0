"""Chargeback runs through the PostgreSQL queue and real `apportion worker` processes (domain.md §7 Q16, async).

A processor request answers its task Processing; a worker runs it to Completed; a worker killed in the middle of a
task leaves no bills of it, and another worker runs the task again, once.
"""

from __future__ import annotations

import secrets
import signal
import subprocess
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from energycap.sdk import models
from sqlalchemy import func, insert, select

from apportion.domain import periods, splits
from apportion.domain.bills import BillDraft, LineDraft
from apportion.services.runs import processing, queue_bodies
from apportion.services.runs.run_context import RunContext
from apportion.settings import Settings
from apportion.store.bill_writer import BillWriter
from apportion.store.database import Database
from apportion.store.models.bills import Batch, Bill
from apportion.store.models.chargebacks import ChargebackWorkflowStep, DistributionVersion, SplitDestination
from apportion.store.models.organisation import Account, Meter
from apportion.store.models.users import User
from tests.conftest import NOW, Api
from tests.e2e.conftest import sdk_client
from tests.jobs.workers import (
    bill_lines_locked,
    held_after_writing_bills,
    job_rows,
    load_accounts,
    start_worker,
    wait_for,
    worker_env,
    workers,
    writing_bills,
)
from tests.support import chargeback_builders as builders
from tests.support import chargebacks as cb
from tests.support.servers import api_request, apportion_command, free_port, stop, wait_until_answering

pytestmark = pytest.mark.postgres

D = Decimal
PERIOD = 202403
USE, COST, KWH = cb.USE, cb.COST, cb.KWH


def split_campus(db: Database, sources: int, step_id: int) -> dict[int, Decimal]:
    """`sources` source accounts, each with a bill and a 33.33/66.67 split version on the step: bill id -> cost.

    Written in bulk (accounts A0.., source n is A3n with destinations A3n+1 and A3n+2), so thousands take seconds.
    """
    load_accounts(db, 3 * sources)
    with db.transaction() as session:
        user_id = session.execute(select(User.user_id).order_by(User.user_id).limit(1)).scalar_one()
        accounts = dict(session.execute(select(Account.account_code, Account.account_id)).all())
        meters = dict(session.execute(select(Meter.meter_code, Meter.meter_id)).all())
        batch = Batch(batch_code="SOURCES", status="Closed", created_by=user_id, start_date=NOW)
        session.add(batch)
        session.flush()
        costs = [D(f"{(n * 37) % 1000 + 1}.{n % 97:02d}") for n in range(sources)]
        drafts = [
            BillDraft(
                account_id=accounts[f"A{3 * n}"],
                billing_period=PERIOD,
                begin_date=periods.first_day(PERIOD),
                end_date=periods.end_date(PERIOD),
                lines=(LineDraft(USE, "use", meters[f"M{3 * n}"], "L0", D(1000 + n), KWH, costs[n]),),
            )
            for n in range(sources)
        ]
        bill_ids = BillWriter(session).write(drafts, batch.batch_id, user_id, NOW)
        version_ids = (
            session.execute(
                insert(DistributionVersion).returning(DistributionVersion.version_id, sort_by_parameter_order=True),
                [
                    {
                        "chargeback_type": "Split",
                        "account_id": accounts[f"A{3 * n}"],
                        "meter_id": meters[f"M{3 * n}"],
                        "name": f"Split {n}",
                        "begin_period": 202401,
                        "workflow_step_id": step_id,
                        "split_method": splits.SplitMethod.FIXED_PERCENTAGE,
                    }
                    for n in range(sources)
                ],
            )
            .scalars()
            .all()
        )
        session.execute(
            insert(SplitDestination),
            [
                {
                    "version_id": version_ids[n],
                    "position": position,
                    "account_id": accounts[f"A{3 * n + 1 + position}"],
                    "meter_id": meters[f"M{3 * n + 1 + position}"],
                    "split_percentage": share,
                }
                for n in range(sources)
                for position, share in enumerate((D("33.33"), D("66.67")))
            ],
        )
    return dict(zip(bill_ids, costs, strict=True))


def assert_split_exactly_once(db: Database, task_id: int, sources: dict[int, Decimal]) -> None:
    """Every source has its two destination bills from the task, once each, and they sum to its cost exactly."""
    by_source: dict[int | None, list[tuple[int, Decimal]]] = defaultdict(list)
    for _bill_id, account_id, source_id, _void, total in cb.bills_of_task(db, task_id):
        by_source[source_id].append((account_id, total))
    assert set(by_source) == set(sources)
    for source_id, cost in sources.items():
        parts = by_source[source_id]
        assert len(parts) == 2, parts
        assert len({account for account, _ in parts}) == 2, parts
        assert sum((total for _, total in parts), D(0)) == cost
    with db.reading() as session:
        chargeback_bills = session.execute(
            select(func.count()).select_from(Bill).where(Bill.chargeback_task_id.is_not(None))
        ).scalar_one()
    assert chargeback_bills == 2 * len(sources)  # no bills of any other run of the task


def finished_task(api: Api, task_id: int, worker: Any = None, timeout: float = 180) -> dict[str, Any]:
    """Poll GET /chargebackTask/{id} until the task is no longer Processing; the task."""

    def done() -> dict[str, Any] | None:
        task: dict[str, Any] = api.get(f"/api/v3/chargebackTask/{task_id}").json()
        return task if task["status"] != "Processing" else None

    result: dict[str, Any] = wait_for(done, f"chargeback task {task_id} to finish", timeout=timeout, process=worker)
    return result


def test_a_queued_workflow_step_answers_processing_and_a_worker_completes_it(api: Api, tmp_path: Path) -> None:
    step_id = builders.workflow_step(api.db, "Split", "Split queued")
    sources = split_campus(api.db, 40, step_id)
    body = {"billingPeriod": PERIOD, "batchSettings": {"batchCode": "QUEUED-1"}, "note": "monthly"}
    response = api.post(f"/api/v3/chargebackWorkflowStep/{step_id}/exec", json=body)
    assert response.status_code == 200, response.text
    queued = response.json()
    assert queued["status"] == "Processing"
    assert queued["numberOfBillsCreated"] == 0
    assert queued["taskEnd"] is None
    assert queued["batch"]["batchCode"] == "QUEUED-1"
    assert queued["settings"]["note"] == "monthly"
    assert cb.bills_of_task(api.db, queued["taskId"]) == []
    # What the request validates is still answered at once, with no task made.
    assert api.post("/api/v3/chargebackWorkflowStep/987654321/exec", json=body).status_code == 404
    assert api.post(f"/api/v3/chargebackWorkflowStep/{step_id}/exec", json=body).status_code == 400  # code in use
    bad = api.post(f"/api/v3/chargebackWorkflowStep/{step_id}/exec", json={"billingPeriod": 202413})
    assert bad.status_code == 400
    assert "billingPeriod" in bad.json()["modelState"]

    with workers(api.db, tmp_path, "alpha", "beta") as (alpha, beta):
        task = finished_task(api, queued["taskId"])

    assert task["status"] == "Completed", task
    assert task["numberOfBillsCreated"] == 2 * len(sources)
    assert task["numberOfFailedVersions"] == 0
    assert task["comment"] == "monthly"
    assert task["taskEnd"] is not None
    assert_split_exactly_once(api.db, queued["taskId"], sources)
    assert [(job["status"], job["attempts"], job["args"]) for job in job_rows(api.db)] == [
        ("succeeded", 1, {"kind": "chargeback_run", "task_id": queued["taskId"]})
    ]
    assert alpha.started_jobs() + beta.started_jobs() == 1


def test_a_queued_workflow_exec_runs_split_then_calculation_in_order(api: Api, tmp_path: Path) -> None:
    ids = cb.accounts_and_meters(api.db, ["SRC", "D1", "TOT"])
    workflow_id, split_step, calc_step_id = cb.split_then_calculation(api.db, ids, "SRC", "D1", "TOT")
    cb.bill(api.db, *ids["SRC"], PERIOD, [(D("7"), D("70.01"))])
    body = {"billingPeriod": PERIOD, "batchSettings": {"batchCode": "WF-QUEUED"}}
    response = api.post(f"/api/v202304/chargebackWorkflow/{workflow_id}/exec", json=body)
    assert response.status_code == 200, response.text
    queued = response.json()
    assert [(t["chargebackType"], t["status"]) for t in queued] == [
        ("Split", "Processing"),
        ("Calculation", "Processing"),
    ]
    assert [t["workflow"]["chargebackWorkflowStepId"] for t in queued] == [split_step, calc_step_id]
    assert {t["batch"]["batchCode"] for t in queued} == {"WF-QUEUED"}

    with workers(api.db, tmp_path, "alpha"):
        tasks = [finished_task(api, t["taskId"]) for t in queued]

    assert [(t["status"], t["numberOfBillsCreated"]) for t in tasks] == [("Completed", 1), ("Completed", 1)]
    assert tasks[0]["taskEnd"] <= tasks[1]["taskEnd"]
    assert [b[4] for b in cb.bills_of_task(api.db, tasks[0]["taskId"])] == [D("70.01")]
    assert [b[4] for b in cb.bills_of_task(api.db, tasks[1]["taskId"])] == [D("70.01")]
    # One job ran both steps, in order.
    assert [(job["status"], job["args"]) for job in job_rows(api.db)] == [
        ("succeeded", {"kind": "chargeback_run", "task_id": queued[0]["taskId"]})
    ]


def test_a_worker_killed_mid_chargeback_leaves_no_bills_and_another_worker_runs_the_task_once(
    api: Api, tmp_path: Path
) -> None:
    step_id = builders.workflow_step(api.db, "Split", "Split large")
    sources = split_campus(api.db, 20, step_id)
    first = start_worker(api.db, tmp_path, "doomed")
    try:
        # The run writes its bills, then waits for the lock inside its transaction: it is killed there.
        with bill_lines_locked(api.db):
            body = {"billingPeriod": PERIOD, "batchSettings": {"batchCode": "LARGE"}}
            task_id = api.post(f"/api/v3/chargebackWorkflowStep/{step_id}/exec", json=body).json()["taskId"]
            wait_for(lambda: held_after_writing_bills(api.db), "the worker to have written bills", process=first)
            first.process.send_signal(signal.SIGKILL)
            first.process.wait(timeout=10)
    finally:
        if first.process.poll() is None:
            first.process.kill()
            first.process.wait(timeout=10)

    # The killed connection's transaction is rolled back: none of its bills exist, the task is left Processing.
    wait_for(lambda: not writing_bills(api.db), "the dead worker's transaction to end")
    assert cb.bills_of_task(api.db, task_id) == []
    assert api.get(f"/api/v3/chargebackTask/{task_id}").json()["status"] == "Processing"
    assert [(job["status"], job["starts"]) for job in job_rows(api.db)] == [("doing", 1)]

    with workers(api.db, tmp_path, "rescuer") as (rescuer,):
        task = finished_task(api, task_id, rescuer)
        assert "left by a dead worker; running it again" in rescuer.text()

    assert task["status"] == "Completed", task
    assert task["numberOfBillsCreated"] == 2 * len(sources)
    assert_split_exactly_once(api.db, task_id, sources)
    jobs = job_rows(api.db)
    assert [(job["status"], job["attempts"], job["starts"]) for job in jobs] == [("succeeded", 2, 2)]
    assert rescuer.started_jobs() == 1


@pytest.fixture
def queued_server(queued_db: Database, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`apportion serve` with APPORTION_RUN_JOBS_INLINE=false on the queued database: (base url, admin key)."""
    key = secrets.token_hex(24)
    base_url = f"http://127.0.0.1:{free_port()}"
    log = tmp_path / "server.log"
    env = {**worker_env(queued_db), "APPORTION_BOOTSTRAP_API_KEY": key, "APPORTION_LOAD_DEMO_DATA": "false"}
    port = base_url.rsplit(":", 1)[1]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*apportion_command(), "serve", "--host", "127.0.0.1", "--port", port],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_answering(api_request(base_url, key), process, log)
        yield base_url, key
    finally:
        stop(process)


def test_the_sdk_executes_a_step_queued_and_polls_the_task_until_completed(
    queued_db: Database, queued_server: tuple[str, str], tmp_path: Path
) -> None:
    base_url, key = queued_server
    step_id = builders.workflow_step(queued_db, "Split", "Split through the SDK")
    sources = split_campus(queued_db, 25, step_id)
    sdk = sdk_client(base_url, key)
    try:
        settings = models.ChargebackProcessorSettingsWithoutFilters(
            billing_period=PERIOD, batch_settings=models.BatchCreate(batch_code="SDK-QUEUED")
        )
        queued = sdk.execute_processor_by_workflow_step(step_id, body=settings)
        assert queued.status == "Processing"
        assert queued.number_of_bills_created == 0
        with workers(queued_db, tmp_path, "sdk-worker") as (worker,):
            task = wait_for(
                lambda: (t := sdk.get_chargeback_task(queued.task_id)).status != "Processing" and t,
                "the SDK's task to finish",
                timeout=180,
                process=worker,
            )
    finally:
        sdk.close()
    assert task.status == "Completed"
    assert task.number_of_bills_created == 2 * len(sources)
    assert task.workflow.chargeback_workflow_step_id == step_id
    assert_split_exactly_once(queued_db, queued.task_id, sources)


def test_the_body_runs_a_task_once_and_an_unexpected_error_fails_it_with_no_bills(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    step_id = builders.workflow_step(api.db, "Split", "Split by hand")
    sources = split_campus(api.db, 3, step_id)
    settings = Settings(database_url=api.db.url, run_jobs_inline=False)
    run = queue_bodies.BODIES[queue_bodies.CHARGEBACK_RUN]
    body = {"billingPeriod": PERIOD, "batchSettings": {"batchCode": "BY-HAND"}, "note": "n"}
    broken = api.post(f"/api/v3/chargebackWorkflowStep/{step_id}/exec", json=body).json()

    real = RunContext.write

    def write_then_fail(self: Any, *args: Any, **kwargs: Any) -> list[int]:
        real(self, *args, **kwargs)  # the bills are written, then the run breaks: they must not stay
        raise RuntimeError("disk on fire")

    with monkeypatch.context() as patch:
        patch.setattr(RunContext, "write", write_then_fail)
        with pytest.raises(RuntimeError):
            run(api.db, broken["taskId"], settings, lambda: NOW)
    failed = api.get(f"/api/v3/chargebackTask/{broken['taskId']}").json()
    assert failed["status"] == "Failed"
    assert failed["comment"] == f"n\n{processing.UNEXPECTED_ERROR}"
    assert failed["numberOfBillsCreated"] == 0
    assert cb.bills_of_task(api.db, broken["taskId"]) == []

    # A Failed task is not run again; a Processing one runs once, and a second run of its job changes nothing.
    run(api.db, broken["taskId"], settings, lambda: NOW)
    assert api.get(f"/api/v3/chargebackTask/{broken['taskId']}").json() == failed
    body["batchSettings"] = {"batchCode": "BY-HAND-2"}
    queued = api.post(f"/api/v3/chargebackWorkflowStep/{step_id}/exec", json=body).json()
    run(api.db, queued["taskId"], settings, lambda: NOW)
    done = api.get(f"/api/v3/chargebackTask/{queued['taskId']}").json()
    assert done["status"] == "Completed"
    run(api.db, queued["taskId"], settings, lambda: NOW)
    assert api.get(f"/api/v3/chargebackTask/{queued['taskId']}").json() == done
    assert_split_exactly_once(api.db, queued["taskId"], sources)


def test_a_queued_workflow_whose_first_step_breaks_does_not_run_the_later_steps(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    split_step = builders.workflow_step(api.db, "Split", "Split first", order=1)
    with api.db.transaction() as session:
        first = session.get(ChargebackWorkflowStep, split_step)
        assert first is not None
        workflow_id = first.workflow_id
        session.add(
            ChargebackWorkflowStep(
                workflow_id=workflow_id, step_info="Then", step_description="d", step_type="Calculation", step_order=2
            )
        )
    split_campus(api.db, 2, split_step)
    queued = api.post(f"/api/v202304/chargebackWorkflow/{workflow_id}/exec", json={"billingPeriod": PERIOD}).json()
    assert [t["status"] for t in queued] == ["Processing", "Processing"]

    def fail(*_args: Any, **_kwargs: Any) -> list[int]:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(RunContext, "write", fail)
    settings = Settings(database_url=api.db.url, run_jobs_inline=False)
    with pytest.raises(RuntimeError):
        queue_bodies.BODIES[queue_bodies.CHARGEBACK_WORKFLOW](api.db, queued[0]["taskId"], settings, lambda: NOW)
    tasks = [api.get(f"/api/v3/chargebackTask/{t['taskId']}").json() for t in queued]
    assert [t["status"] for t in tasks] == ["Failed", "Failed"]
    assert tasks[0]["comment"] == processing.UNEXPECTED_ERROR
    assert tasks[1]["comment"] == f"Not run: the task of an earlier step ({queued[0]['taskId']}) failed."
    assert queue_bodies.REQUEUES[queue_bodies.CHARGEBACK_WORKFLOW](api.db, queued[0]["taskId"]) is False
