"""Acting in the pages through the app's TestClient: runs (inline and queued), void and delete, bill file upload,
kickout re-import, batches, and the bill and version pages; each with the API's permission and the CSRF check."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from apportion.api.app import create_app
from apportion.domain.calculations.instructions import CalculatedBillInstructions, FixedCost, FixedUse, LineItem
from apportion.domain.permissions import Grants
from apportion.jobs.tasks import BODIES
from apportion.services.access import auth
from apportion.services.demo import campus as demo_campus
from apportion.services.demo import demo_workflow
from apportion.services.runs.queue_interface import CHARGEBACK_RUN
from apportion.settings import Settings
from apportion.store.database import Database
from tests.api.import_builders import csv_file, import_api, row, site
from tests.conftest import NOW, Api
from tests.support import chargebacks as cb
from tests.web.signing_in import form_token, sign_in
from tests.web.test_pages import page, text_of

PERIOD = 202405  # NOW's demo campus holds the 24 periods 202207..202406


@pytest.fixture
def demo(api: Api) -> demo_workflow.DemoWorkflow:
    """The 3-meter demo campus (split 60/40 to two tenants each) and its one-step workflow."""
    demo_campus.load_campus(api.db, NOW, meters=3)
    return demo_workflow.ensure_workflow(api.db)


def post(api: Api, form_page: str, action: str, fields: dict[str, str] | None = None) -> str:
    """Send a form of `form_page` to `action` with the page's CSRF token; the redirect's target (303)."""
    token = form_token(api.client.get(form_page).text)
    answer = api.client.post(action, data={"csrfToken": token, **(fields or {})}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"])


def test_run_a_workflow_read_its_digest_then_void_it(api: Api, demo: demo_workflow.DemoWorkflow) -> None:
    sign_in(api)
    workflows = page(api, "/ui/workflows")
    assert f'action="/ui/workflows/{demo.workflow_id}/run"' in workflows
    assert 'value="202405"' in workflows  # last month of NOW (2024-06-15) is the default period

    # A period typed as YYYY-MM is understood; the run answers with its tasks, finished (inline here).
    target = post(api, "/ui/workflows", f"/ui/workflows/{demo.workflow_id}/run", {"billingPeriod": "2024-05"})
    assert target.startswith("/ui/runs?tasks=")
    run = text_of(page(api, target))
    assert "Started the run" in run
    assert "Finished: 6 bills created, 0 failed versions." in run
    assert 'http-equiv="refresh"' not in page(api, target)
    task_id = int(re.search(r"tasks=(\d+)", target).group(1))  # type: ignore[union-attr]

    digest = text_of(page(api, f"/ui/steps/{demo.step_id}/digest?billingPeriod={PERIOD}"))
    assert f"From task {task_id} Completed" in digest
    sources = api.get(f"/api/v3/bill?filter=billingPeriod equals '{PERIOD}' and fromVendor equals 'true'").json()
    total = sum((Decimal(str(b["totalCost"])) for b in sources), Decimal(0))
    assert f"source bills {total:,.2f} = charged to destinations {total:,.2f} + stayed on the sources 0.00" in digest
    assert "✓ balanced" in digest
    assert f"All accounts {total:,.2f}" in digest
    # Only May was run: April's and last year's comparisons read —, never a delta against nothing.
    assert "B001-ELEC-T1" in digest
    assert "— — — —" in digest

    # Void the task from its page: it says so, and its bills are void.
    target = post(api, f"/ui/tasks/{task_id}", f"/ui/tasks/{task_id}/void")
    assert target == f"/ui/tasks/{task_id}?done=voided"
    voided = text_of(page(api, target))
    assert "Voided the bills this task made" in voided
    assert "Reversed" in voided
    assert "Void this task's bills" not in voided  # a task is reversed once
    assert api.get(f"/api/v3/chargebackTask/{task_id}").json()["reversedDate"] is not None


def test_run_a_step_then_delete_the_period(api: Api, demo: demo_workflow.DemoWorkflow) -> None:
    sign_in(api)
    target = post(
        api, f"/ui/workflows/{demo.workflow_id}", f"/ui/steps/{demo.step_id}/run", {"billingPeriod": "202405"}
    )
    task_id = int(target.split("tasks=")[1].split("&")[0])
    assert api.get(f"/api/v3/chargebackTask/{task_id}").json()["numberOfBillsCreated"] == 6

    digest_url = f"/ui/steps/{demo.step_id}/digest?billingPeriod={PERIOD}"
    target = post(api, digest_url, f"/ui/steps/{demo.step_id}/delete", {"billingPeriod": str(PERIOD)})
    assert target == f"/ui/tasks?step={demo.step_id}&done=step-deleted"
    assert "Deleted every bill this step made in the period" in text_of(page(api, target))
    made = api.get(f"/api/v3/bill?filter=billingPeriod equals '{PERIOD}' and fromVendor equals 'false'").json()
    assert made == []


def test_actions_check_the_period_the_permission_and_the_form_token(api: Api, demo: demo_workflow.DemoWorkflow) -> None:
    sign_in(api)
    token = form_token(page(api, "/ui/workflows"))
    bad = api.client.post(f"/ui/steps/{demo.step_id}/run", data={"csrfToken": token, "billingPeriod": "May"})
    assert bad.status_code == 400
    assert "use YYYYMM, e.g. 202611" in text_of(bad.text)
    forged = api.client.post(f"/ui/steps/{demo.step_id}/run", data={"billingPeriod": "202405"})
    assert forged.status_code == 403

    # A viewer sees the workflows but may not run, reverse, import or open batches: the API's permissions.
    sign_in(api, api.key_with("ChargebacksModule:View", "BillsAndBatches:View", user_code="viewer"))
    token = form_token(page(api, "/ui/workflows"))
    for action in (
        f"/ui/steps/{demo.step_id}/run",
        f"/ui/workflows/{demo.workflow_id}/run",
        f"/ui/steps/{demo.step_id}/void",
        "/ui/batches",
    ):
        refused = api.client.post(action, data={"csrfToken": token, "billingPeriod": "202405", "batchCode": "B"})
        assert refused.status_code == 403, action
        assert "Not allowed" in refused.text
    assert api.get("/api/v3/chargebackTask").json() == []


class HeldQueue:
    """A task queue that keeps what it is given until the test runs it, as the workers would later."""

    def __init__(self) -> None:
        self.held: list[tuple[str, int]] = []

    def enqueue(self, kind: str, task_id: int) -> None:
        self.held.append((kind, task_id))


@dataclass
class QueuedApp:
    api: Api
    queue: HeldQueue
    settings: Settings


@pytest.fixture
def queued(db: Database) -> Iterator[QueuedApp]:
    """The app with a queue that runs nothing until told: runs from the pages are seen while they run."""
    settings = Settings(database_url=db.url)
    queue = HeldQueue()
    app = create_app(settings, database=db, clock=lambda: NOW, jobs=queue)
    _user_id, key = auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), NOW)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield QueuedApp(Api(client, db, key), queue, settings)


def test_a_queued_run_shows_its_progress_until_it_ends(queued: QueuedApp) -> None:
    api = queued.api
    demo_campus.load_campus(api.db, NOW, meters=3)
    demo = demo_workflow.ensure_workflow(api.db)
    sign_in(api)
    target = post(api, "/ui/workflows", f"/ui/workflows/{demo.workflow_id}/run", {"billingPeriod": str(PERIOD)})
    running = page(api, target)
    assert '<meta http-equiv="refresh" content="2">' in running
    assert "Running: 0 of 1 task done" in text_of(running)
    assert "Processing" in text_of(running)
    ((kind, task_id),) = queued.queue.held
    assert kind == CHARGEBACK_RUN
    task_page = page(api, f"/ui/tasks/{task_id}")
    assert "this page looks again every 2 seconds" in text_of(task_page)
    assert "Void this task's bills" not in task_page  # not while it runs

    BODIES[kind](api.db, task_id, queued.settings, lambda: NOW)  # the worker runs it
    finished = page(api, target)
    assert 'http-equiv="refresh"' not in finished
    assert "Finished: 6 bills created" in text_of(finished)


def test_upload_a_bill_file_fix_and_reimport_its_kickouts_and_use_batches(db: Database) -> None:
    with import_api(db) as api:
        site(api, "ACC-1")
        sign_in(api)
        form = page(api, "/ui/imports/new")
        assert 'enctype="multipart/form-data"' in form
        content = csv_file(row("ACC-1"), row("NOPE"))
        answer = api.client.post(
            "/ui/imports",
            data={"csrfToken": form_token(form), "batchMode": "new batch", "newBatchCode": "MARCH-1"},
            files={"file": ("march.csv", content, "text/csv")},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        target = answer.headers["location"]
        assert target.endswith("?done=uploaded")
        api.runner.drain(timeout=60)
        imported = text_of(page(api, target))
        assert "Received the file" in imported
        assert "Completed with kickouts" in imported
        assert "MARCH-1" in imported
        assert "Import the kickouts again" in imported

        # Fix what the kickout names (the account was missing), then import the kickouts again from the page.
        site(api, "NOPE", vendor="PPL2")
        guid = target.split("/ui/imports/")[1].split("?")[0]
        again = post(api, target, f"/ui/imports/{guid}/reimport")
        api.runner.drain(timeout=60)
        second = text_of(page(api, again))
        assert "Sent the kickouts of that import again" in second
        assert "Completed" in second
        assert "with kickouts" not in second
        assert [b["account"]["accountCode"] for b in api.bills("accountCode equals 'NOPE'")] == ["NOPE"]

        # An upload without a file says which field is missing.
        empty = api.client.post("/ui/imports", data={"csrfToken": form_token(form)}, files={"x": ("", b"")})
        assert empty.status_code == 400
        assert "file: Choose a bill file" in text_of(empty.text)

        # The bill list filters by batch; the batch page closes and reopens the batch.
        listing = text_of(page(api, "/ui/bills?batch=MARCH-1"))
        assert "2 bills" in listing  # the re-imported row went into the open batch too
        assert "ACC-1" in listing
        assert "1 bill " in text_of(page(api, "/ui/bills?batch=MARCH-1&account=NOPE"))
        batch_id = api.bills("batchCode equals 'MARCH-1'")[0]["batch"]["batchId"]
        closed = post(api, f"/ui/batches/{batch_id}", f"/ui/batches/{batch_id}/close")
        closed_page = text_of(page(api, closed))
        assert "Closed the batch" in closed_page
        assert "Close the batch" not in closed_page
        assert api.batch(batch_id)["batchStatus"] == "Closed"
        token = form_token(page(api, closed))
        refused = api.client.post(f"/ui/batches/{batch_id}/reopen", data={"csrfToken": token})
        assert refused.status_code == 400  # only a pending batch opens again, as the API says
        assert "must be pending to be opened" in refused.text
        opened = post(api, "/ui/batches", "/ui/batches", {"batchCode": "APRIL"})
        assert "Opened the batch" in text_of(page(api, opened))
        assert "APRIL" in text_of(page(api, "/ui/batches"))
        assert "Invalid request" in page(api, "/ui/bills?period=2024-13", 400)


def test_version_pages_show_shares_and_formulas(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["SRC", "T1", "T2", "CALC"])
    version = cb.split_version(api.db, *ids["SRC"], [(*ids["T1"], Decimal("60")), (*ids["T2"], Decimal("40"))])
    calculation = CalculatedBillInstructions(
        version_id=0,
        use=FixedUse(Decimal("120.5"), 1),
        cost=FixedCost(Decimal("30")),
        meter_line_items=(LineItem("fixed", "Service charge", Decimal("5.00")),),
    )
    calculated = cb.calculated_version(api.db, *ids["CALC"], calculation)
    sign_in(api)
    listing = text_of(page(api, "/ui/versions?type=split&meter=M-SRC"))
    assert "1 version" in listing
    split = text_of(page(api, f"/ui/versions/{ids['SRC'][0]}/{ids['SRC'][1]}/{version}"))
    assert "How it splits: fixed percentages" in split
    assert "A-T1" in split
    assert "60 %" in split
    assert "40 %" in split
    formula = text_of(page(api, f"/ui/versions/{ids['CALC'][0]}/{ids['CALC'][1]}/{calculated}"))
    assert "use fixed use (amount: 120.5" in formula
    assert "cost fixed cost (amount: 30)" in formula
    assert "meter line Service charge: fixed = 5" in formula
    assert "Not found" in page(api, f"/ui/versions/{ids['SRC'][0]}/{ids['SRC'][1]}/987654", 404)


def test_preview_shows_what_a_run_would_post_and_writes_nothing(api: Api, demo: demo_workflow.DemoWorkflow) -> None:
    sign_in(api)
    workflow_page = page(api, f"/ui/workflows/{demo.workflow_id}")
    assert f'formaction="/ui/steps/{demo.step_id}/preview"' in workflow_page
    assert f'formaction="/ui/workflows/{demo.workflow_id}/preview"' in workflow_page
    revision = api.get(f"/api/v3/bill?filter=billingPeriod equals '{PERIOD}'&pageSize=1000").json()

    preview = text_of(page(api, f"/ui/workflows/{demo.workflow_id}/preview?billingPeriod=2024-05"))
    assert "Nothing was posted" in preview
    assert "Preview of workflow" in preview
    sources = [bill for bill in revision if bill["fromVendor"]]
    total = sum((Decimal(str(b["totalCost"])) for b in sources), Decimal(0))
    assert f"source {total:,.2f} = to destinations {total:,.2f}" in preview
    assert "B001-ELEC-T1" in preview
    # Nothing was written: the same bills, and no chargeback task.
    assert api.get(f"/api/v3/bill?filter=billingPeriod equals '{PERIOD}'&pageSize=1000").json() == revision
    assert api.get("/api/v3/chargebackTask").json() == []

    # The page's Run button posts the same period; after the run, a preview finds every destination unchanged.
    target = post(
        api,
        f"/ui/workflows/{demo.workflow_id}/preview?billingPeriod={PERIOD}",
        f"/ui/workflows/{demo.workflow_id}/run",
        {"billingPeriod": str(PERIOD)},
    )
    assert target.startswith("/ui/runs?tasks=")
    again = text_of(page(api, f"/ui/steps/{demo.step_id}/preview?billingPeriod={PERIOD}"))
    summary = re.search(r"Difference (\d+) (\d+) (\d+) (\d+) ", again)
    assert summary is not None, again
    assert summary.groups() == ("0", "0", "6", "0")  # new, changed, unchanged, voided: the 6 tenant bills stand

    # A viewer may not preview: a dry run takes the run's permission.
    sign_in(api, api.key_with("ChargebacksModule:View", user_code="viewer"))
    assert api.client.get(f"/ui/steps/{demo.step_id}/preview?billingPeriod={PERIOD}").status_code == 403
    assert api.client.get(f"/ui/steps/{demo.step_id}/preview?billingPeriod=May").status_code in (400, 403)


def test_version_pages_show_step_codes_and_floor_areas(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["SRC", "DST", "TOT", "FA", "F1"])
    _, split_step, _ = cb.split_then_calculation(api.db, ids, "SRC", "DST", "TOT")
    floor = cb.split_version(api.db, *ids["FA"], [(*ids["F1"], Decimal("2"))], method="floorArea")
    sign_in(api)
    listing = page(api, "/ui/versions?type=split")
    assert f'href="/ui/steps/{split_step}/digest">Split it</a>' in listing  # the version's workflow step
    assert "A-SRC" in text_of(listing)
    assert "M-SRC" in text_of(listing)
    split = page(api, f"/ui/versions/{ids['SRC'][0]}/{ids['SRC'][1]}/{_version_of(listing, ids['SRC'])}")
    assert "Versions of M-SRC" in text_of(split)
    assert f'href="/ui/steps/{split_step}/digest">Split it</a>' in split
    assert "A-DST" in text_of(split)
    areas = text_of(page(api, f"/ui/versions/{ids['FA'][0]}/{ids['FA'][1]}/{floor}"))
    assert "How it splits: floor area × weight" in areas
    assert "A-F1" in areas
    assert "M-F1" in areas  # the destination's meter; no place, so no floor area and no share (—)
    assert "—" in areas


def _version_of(listing: str, account_and_meter: tuple[int, int]) -> str:
    account, meter = account_and_meter
    found = re.search(rf'href="/ui/versions/{account}/{meter}/(\d+)"', listing)
    assert found is not None
    return found.group(1)
