"""The pages: sign in and out, workflows and their steps, chargeback tasks, a step's digest, bill import kickouts.

Every page reads through the services the API routes call, with the same permission as the matching API operation.
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, StreamingResponse

from apportion.domain import periods
from apportion.domain.batch_modes import BatchMode, BatchStatus, ImportBatchSettings
from apportion.domain.errors import NotFound, Unauthenticated, ValidationFailed
from apportion.domain.scoping import Kind
from apportion.domain.task_status import TaskStatus
from apportion.domain.versions import CALCULATION, SPLIT
from apportion.services import exports, ids
from apportion.services.access import page_sessions, scoping
from apportion.services.access.auth import Principal
from apportion.services.billing import batches, bills
from apportion.services.chargebacks import (
    calculated_details,
    chargeback_tasks,
    digest,
    lineage_reports,
    month_end,
    split_details,
    version_lists,
    workflows,
)
from apportion.services.imports import bill_import, import_tasks, saved_profiles
from apportion.services.runs import previews, processing, queue_interface
from apportion.services.runs.queue_bodies import RunNow
from apportion.services.runs.queue_interface import TaskQueue
from apportion.settings import Settings
from apportion.store.database import Database
from apportion.web import review
from apportion.web.access import (
    COOKIE,
    COOKIE_PATH,
    FORMER_KEY_COOKIE,
    SIGN_IN_COOKIE,
    SIGN_IN_PATH,
    AccountViewer,
    BillCreator,
    BillViewer,
    ChargebackManager,
    ChargebackReverser,
    ChargebackRunner,
    ChargebackViewer,
    ClockDep,
    DbDep,
    Visitor,
    delete_cookie,
    form_fields,
    form_file,
    form_token_checked,
    home_for,
    set_cookie,
)
from apportion.web.errors import PageRoute
from apportion.web.html import render
from apportion.web.views import LEFT_CAPTIONS, describe_instructions, digest_view, pager

router = APIRouter(
    prefix="/ui", route_class=PageRoute, include_in_schema=False, dependencies=[Depends(form_token_checked)]
)

TASKS_PER_PAGE = 50
TASK_STATUSES = (TaskStatus.PROCESSING, TaskStatus.COMPLETED, TaskStatus.COMPLETED_WITH_ERRORS, TaskStatus.FAILED)
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "zip": "application/zip"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PageNumber = Annotated[int, Query(ge=1, le=1_000_000)]


def _known(ident: int, what: str) -> int:
    """`ident` when a row could have it; NotFound otherwise (PostgreSQL refuses out-of-range keys outright)."""
    if not ids.in_range(ident):
        raise NotFound(what, ident)
    return ident


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a page of this app only (no open redirect)."""
    if target and target.startswith("/ui") and not target.startswith("//"):
        return target
    return "/ui/workflows"


FileFormat = Literal["csv", "xlsx"]


def _export(table: exports.Table, format: FileFormat) -> Response:
    """An export (services.exports) as the API's /apportion/v1/.../export sends it, under the page's own session."""
    file = exports.download(table, format)
    disposition = {"Content-Disposition": f'attachment; filename="{file.file_name}"'}
    return StreamingResponse(file.chunks, media_type=file.media_type, headers=disposition)


def _download(name: str, content: bytes | str, media_type: str) -> Response:
    safe = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
    return Response(content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{safe}"'})


# Signing in ------------------------------------------------------------------------------------------------------


def _sign_in_form(
    request: Request, db: Database, now: datetime, target: str, error: str | None, status_code: int = 200
) -> Response:
    """The sign-in form with its CSRF token, and the sign-in cookie the token is checked against."""
    nonce, token = page_sessions.sign_in_challenge(db, request.cookies.get(SIGN_IN_COOKIE), now)
    context = {"next": target, "error": error, "form_token": token}
    response = render(request, "login.html", context, status_code=status_code)
    set_cookie(request, response, SIGN_IN_COOKIE, nonce, SIGN_IN_PATH, page_sessions.SIGN_IN_CHALLENGE_SECONDS)
    return response


@router.get("/login")
def login_form(request: Request, db: DbDep, clock: ClockDep, next: str | None = None) -> Response:
    """The sign-in form: paste an API key."""
    return _sign_in_form(request, db, clock(), _safe_next(next), None)


@router.post("/login")
async def login(request: Request, db: DbDep, clock: ClockDep) -> Response:
    """Check the key as the API does, start a session kept in an HttpOnly cookie and go to the page asked for
    (the CSRF token was checked by the router's form_token_checked)."""
    form = await form_fields(request)
    target = _safe_next(form.get("next"))
    now = clock()
    try:
        cookie = await run_in_threadpool(page_sessions.sign_in, db, form.get("apiKey", ""), now)
    except Unauthenticated:
        error = "That API key is not known, or its user is inactive."
        return await run_in_threadpool(_sign_in_form, request, db, now, target, error, 401)
    response = RedirectResponse(target, status_code=303)
    set_cookie(request, response, COOKIE, cookie, COOKIE_PATH, None)  # ends with the browser, or idle on the server
    delete_cookie(response, SIGN_IN_COOKIE, SIGN_IN_PATH)
    delete_cookie(response, FORMER_KEY_COOKIE, COOKIE_PATH)
    return response


@router.post("/logout")
def logout(request: Request, db: DbDep, clock: ClockDep) -> Response:
    """End the session (its cookie no longer works, wherever it was copied to) and show the sign-in form."""
    page_sessions.sign_out(db, request.cookies.get(COOKIE), clock())
    response = RedirectResponse("/ui/login", status_code=303)
    delete_cookie(response, COOKIE, COOKIE_PATH)
    delete_cookie(response, FORMER_KEY_COOKIE, COOKIE_PATH)
    return response


@router.get("")
@router.get("/")
def home(visitor: Visitor) -> Response:
    """The pages start at the workflows, or at the bill imports for a visitor who may not see workflows."""
    return RedirectResponse(home_for(visitor), status_code=303)


# Workflows -------------------------------------------------------------------------------------------------------


@router.get("/workflows")
def workflow_list(request: Request, db: DbDep, clock: ClockDep, visitor: ChargebackViewer) -> Response:
    """Every workflow with its steps in order, and a form to run each for a period (last month by default)."""
    context = {"visitor": visitor, "workflows": workflows.list_workflows(db), "last_month": _last_month(clock())}
    return render(request, "workflows.html", context)


@router.get("/workflows/{workflowId}")
def workflow_page(request: Request, db: DbDep, clock: ClockDep, visitor: ChargebackViewer, workflowId: int) -> Response:
    """One workflow: its steps, each with its digest and tasks, and forms to run the workflow or one step."""
    workflow = workflows.get_workflow(db, workflowId)
    context = {"visitor": visitor, "workflow": workflow, "last_month": _last_month(clock())}
    return render(request, "workflow.html", context)


# Chargeback tasks ------------------------------------------------------------------------------------------------


@router.get("/tasks")
def task_list(
    request: Request,
    db: DbDep,
    clock: ClockDep,
    visitor: ChargebackViewer,
    page: PageNumber = 1,
    step: int | None = None,
    status: str | None = None,
    done: str | None = None,
) -> Response:
    """Chargeback tasks, newest first, optionally of one step or status: status, period, bills, failures."""
    conditions = []
    step_info = None
    if step is not None:
        step_info = workflows.get_step(db, _known(step, "Chargeback workflow step"))
        conditions.append(f"calculateBillWorkflowStepID equals '{step}'")
    if status:
        if status not in TASK_STATUSES:
            raise ValidationFailed.single("status", f"status must be one of {', '.join(TASK_STATUSES)}.")
        conditions.append(f"status equals '{status}'")
    text = " and ".join(conditions) or None
    result = chargeback_tasks.list_tasks(db, text, page, TASKS_PER_PAGE, clock().date(), visitor)
    context = {
        "visitor": visitor,
        "rows": result.rows,
        "page": pager(page, TASKS_PER_PAGE, result.total),
        "step": step_info,
        "status": status or "",
        "statuses": TASK_STATUSES,
        "notice": _notice(done),
    }
    return render(request, "tasks.html", context)


@router.get("/tasks/{taskId}")
def task_page(request: Request, db: DbDep, visitor: ChargebackViewer, taskId: int, done: str | None = None) -> Response:
    """One chargeback task: its step, batch, counts, the versions that failed, what it charged each account,
    where every source bill's amount went (split tasks), and what later corrections undid of it; the forms to void
    or delete its bills. Refreshed every few seconds while it runs."""
    row = chargeback_tasks.get_task(db, _known(taskId, "Chargeback task"), visitor)
    running = row.status in RUNNING
    context = {
        "visitor": visitor,
        "row": row,
        "notice": _notice(done),
        "refresh": REFRESH_SECONDS if running else None,
        "running": running,
        "accounts": month_end.account_totals(db, taskId, visitor.scope),
        "errors": chargeback_tasks.error_rows(db, taskId, visitor),
        "conservation": lineage_reports.task_conservation(db, taskId, visitor),
        "history": lineage_reports.task_history(db, taskId, visitor),
        "left_captions": LEFT_CAPTIONS,
    }
    return render(request, "task.html", context)


@router.get("/tasks/{taskId}/bills.{format}")
def task_bills_export(db: DbDep, visitor: ChargebackViewer, taskId: int, format: FileFormat) -> Response:
    """The bills the task made (in the visitor's scope), as CSV or XLSX."""
    chargeback_tasks.require_visible(db, _known(taskId, "Chargeback task"), visitor)
    return _export(exports.task_bills(db, taskId, visitor.scope), format)


@router.get("/tasks/{taskId}/conservation.csv")
def task_conservation(db: DbDep, visitor: ChargebackViewer, taskId: int) -> Response:
    """The task's conservation record as CSV: each source bill and the total."""
    report = lineage_reports.task_conservation(db, _known(taskId, "Chargeback task"), visitor)
    content = lineage_reports.conservation_csv(report)
    return _download(f"chargeback-task-{taskId}-conservation.csv", content, "text/csv; charset=utf-8")


# Lineage and re-runs ---------------------------------------------------------------------------------------------


@router.get("/bills/{billId}")
def bill_page(request: Request, db: DbDep, visitor: BillViewer, billId: int) -> Response:
    """One bill's lineage: what it was made from (each line's share and rounding), the live bills made from it,
    and the corrections that voided it."""
    scoping.require(db, visitor.scope, Kind.BILL, _known(billId, "Bill"))
    found = lineage_reports.bill_lineage(db, billId)
    listing = bills.get_bill(db, billId)
    return render(request, "bill.html", {"visitor": visitor, "lineage": found, "listing": listing})


@router.get("/reruns")
def rerun_list(request: Request, db: DbDep, visitor: ChargebackViewer, all: bool = False) -> Response:
    """The step periods whose chargeback bills were undone by a correction, with each version and why."""
    groups = lineage_reports.reruns(db, None, None, include_resolved=all, scope=visitor.scope)
    return render(request, "reruns.html", {"visitor": visitor, "groups": groups, "all": all})


@router.get("/reruns.csv")
def rerun_export(db: DbDep, visitor: ChargebackViewer, all: bool = False) -> Response:
    """The re-run list as CSV."""
    groups = lineage_reports.reruns(db, None, None, include_resolved=all, scope=visitor.scope)
    return _download("chargeback-reruns.csv", lineage_reports.reruns_csv(groups), "text/csv; charset=utf-8")


@router.post("/reruns/{rerunId}/dismiss")
def rerun_dismiss(db: DbDep, visitor: ChargebackManager, rerunId: int) -> Response:
    """Decide that a period needs no re-run; back to the list."""
    lineage_reports.dismiss_rerun(db, _known(rerunId, "Re-run"), visitor.user_id, visitor.scope)
    return RedirectResponse("/ui/reruns", status_code=303)


@router.get("/tasks/{taskId}/errors.csv")
def task_errors(db: DbDep, visitor: ChargebackViewer, taskId: int) -> Response:
    """The task's error log as the API serves it (versionId, errorMessage)."""
    content = chargeback_tasks.error_file(db, _known(taskId, "Chargeback task"), visitor)
    return _download(f"chargeback-task-{taskId}-errors.csv", content, "text/csv; charset=utf-8")


# Digest ----------------------------------------------------------------------------------------------------------


@router.get("/steps/{stepId}/digest.{format}")
def digest_export(
    db: DbDep,
    clock: ClockDep,
    visitor: ChargebackViewer,
    stepId: int,
    format: FileFormat,
    billingPeriod: str | None = None,
) -> Response:
    """The digest as CSV or XLSX (numbers as numbers), as GET /apportion/v1/digest/{stepId}/export answers it (the
    visitor's scope included)."""
    period = None if not billingPeriod else billing_period(billingPeriod)
    return _export(exports.digest(db, stepId, period, clock().date(), visitor.scope), format)


@router.get("/steps/{stepId}/digest")
def digest_page(
    request: Request,
    db: DbDep,
    clock: ClockDep,
    visitor: ChargebackViewer,
    stepId: int,
    billingPeriod: str | None = None,
    page: PageNumber = 1,
) -> Response:
    """A step's digest: each meter's current period against the prior period and the prior year, in charts and
    tables, split destinations under their source."""
    period = None if not billingPeriod else billing_period(billingPeriod)
    result = digest.get_digest(db, stepId, period, clock().date(), visitor.scope)
    view = digest_view(result, page)
    task = month_end.digest_task(db, stepId, view.billing_period, clock().date(), visitor)
    task_id = None if task is None else task.task_id
    context = {
        "visitor": visitor,
        "view": view,
        "task": task,
        "accounts": None if task_id is None else month_end.account_totals(db, task_id, visitor.scope),
        "reconciliation": None if task_id is None else month_end.reconciliation(db, task_id, visitor),
        "reruns": lineage_reports.reruns(db, view.billing_period, stepId, scope=visitor.scope),
        "earlier": periods.prior(view.billing_period),
        "later": periods.following(view.billing_period),
    }
    return render(request, "digest.html", context)


# Bill imports and kickouts ---------------------------------------------------------------------------------------


@router.get("/imports")
def import_list(request: Request, db: DbDep, clock: ClockDep, visitor: Visitor, page: PageNumber = 1) -> Response:
    """Bill import tasks the visitor may see (as GET /api/v3/task): status, bills, kickouts, the kickout file."""
    result = import_tasks.list_tasks(db, import_tasks.BILL_IMPORT, None, page, TASKS_PER_PAGE, visitor, clock().date())
    context = {
        "visitor": visitor,
        "rows": result.rows,
        "page": pager(page, TASKS_PER_PAGE, result.total),
        "with_kickouts": TaskStatus.COMPLETED_WITH_KICKOUTS,
    }
    return render(request, "imports.html", context)


@router.get("/imports/new")
def import_form(request: Request, db: DbDep, clock: ClockDep, visitor: BillCreator) -> Response:
    """The form to import a bill file: the file, its profile and how its bills are batched."""
    context = {
        "visitor": visitor,
        "profiles": saved_profiles.list_profiles(db),
        "modes": list(BatchMode),
        "open_batches": _open_batches(db, clock().date()),
    }
    return render(request, "import_new.html", context)


@router.get("/imports/{taskGuid}")
def import_page(request: Request, db: DbDep, visitor: BillViewer, taskGuid: str, done: str | None = None) -> Response:
    """One bill import task: its files, counts and the distinct kickout reasons, with the form to import the
    kickouts again; refreshed every few seconds until it ends."""
    listing = import_tasks.get_task(db, taskGuid, visitor)
    summary = None
    kicked_out = listing.task.status == TaskStatus.COMPLETED_WITH_KICKOUTS
    if kicked_out and import_tasks.kickouts_readable(listing.task.user_id, visitor):
        summary = import_tasks.kickout_summary(db, taskGuid, visitor)
    running = listing.task.status in RUNNING
    context = {
        "visitor": visitor,
        "listing": listing,
        "summary": summary,
        "notice": _notice(done),
        "refresh": REFRESH_SECONDS if running else None,
        "running": running,
    }
    return render(request, "import.html", context)


@router.get("/imports/{taskGuid}/kickouts")
def import_kickouts(db: DbDep, visitor: Visitor, taskGuid: str) -> Response:
    """The task's kickout file to download (a ZIP when several source files had kickouts), as the API serves it."""
    output = import_tasks.error_output(db, taskGuid, visitor)
    return _download(output.name, output.content, MEDIA_TYPES.get(output.kind, XLSX))


# Acting: runs, reversals, imports, batches ------------------------------------------------------------------------

NOTICES = {
    "ran": "Started the run: its tasks are below, and this page follows them until they end.",
    "voided": "Voided the bills this task made; its source bills are unsplit again, ready to run again.",
    "deleted": "Deleted the bills this task made; its source bills are unsplit again, ready to run again.",
    "step-voided": "Voided every bill this step made in the period, across all its runs.",
    "step-deleted": "Deleted every bill this step made in the period, across all its runs.",
    "uploaded": "Received the file: it is imported in the background, and this page follows it until it ends.",
    "reimported": "Sent the kickouts of that import again as this new import.",
    "batch-opened": "Opened the batch: bills entered or imported into your open batch go in it.",
    "batch-closed": "Closed the batch: no more bills go into it.",
    "batch-reopened": "Opened the batch: its bills are no longer void.",
}
"""What each action says it did, chosen by the `done` code of the page it lands on (never text from the URL)."""
REFRESH_SECONDS = 2
RUNNING = frozenset({TaskStatus.PROCESSING, TaskStatus.QUEUED})
PERIOD_FORMS = ("YYYYMM", "YYYY-MM")
MAX_RUN_TASKS = 50


def _notice(done: str | None) -> str | None:
    return NOTICES.get(done or "")


def page_jobs(request: Request) -> TaskQueue:
    """The app's task runner (create_app keeps it on the app state)."""
    jobs: TaskQueue = request.app.state.jobs
    return jobs


def page_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


JobsDep = Annotated[TaskQueue, Depends(page_jobs)]
SettingsDep = Annotated[Settings, Depends(page_settings)]


def _background(jobs: TaskQueue) -> TaskQueue | None:
    """The runner a page hands a run to, so the page can show it while it runs (a background thread of the server,
    or the workers); None when the app runs tasks inside the request anyway."""
    return None if isinstance(jobs, RunNow) else jobs


def billing_period(text: str | None, field: str = "billingPeriod") -> int:
    """A period typed in a form: YYYYMM or YYYY-MM; a 400 naming the field and the form otherwise."""
    value = (text or "").strip()
    if len(value) == 7 and value[4] in "-/":
        value = value[:4] + value[5:]
    if not (len(value) == 6 and value.isdigit()):
        raise ValidationFailed.single(field, f"'{text or ''}' is not a billing period: use YYYYMM, e.g. 202611.")
    return periods.check(int(value), field)


def _last_month(now: datetime) -> int:
    return periods.prior(periods.of_date(now.date()))


def _run_settings(form: dict[str, str], field: str = "billingPeriod") -> processing.RunSettings:
    period = billing_period(form.get(field), field)
    note = (form.get("note") or "").strip() or None
    document: dict[str, object] = {"billingPeriod": period, **({"note": note} if note else {})}
    return processing.RunSettings(billing_period=period, note=note, document=document)


def _runs_url(task_ids: list[int]) -> str:
    return f"/ui/runs?tasks={','.join(str(t) for t in task_ids)}&done=ran"


PREVIEW_BILLS = 200  # bills listed on a preview page; the summary and the differences cover all of them


def _preview_page(
    request: Request, visitor: Principal, what: str, run_action: str, found: previews.Preview
) -> Response:
    context = {
        "visitor": visitor,
        "what": what,
        "run_action": run_action,
        "preview": found,
        "bills": found.bills[:PREVIEW_BILLS],
        "left_captions": LEFT_CAPTIONS,
    }
    return render(request, "preview.html", context)


@router.get("/steps/{stepId}/preview")
async def preview_step(
    request: Request, db: DbDep, clock: ClockDep, user: ChargebackRunner, stepId: int, billingPeriod: str = ""
) -> Response:
    """What running the step for the period would post, and how it differs from what is live; nothing is written
    (as POST /apportion/v1/chargebackWorkflowStep/{id}/dryRun)."""
    settings = _run_settings({"billingPeriod": billingPeriod})
    step = _known(stepId, "Chargeback workflow step")
    found = await run_in_threadpool(previews.preview_step, db, step, settings, user, clock)
    return _preview_page(request, user, f"step {step}", f"/ui/steps/{step}/run", found)


@router.get("/workflows/{workflowId}/preview")
async def preview_workflow(
    request: Request, db: DbDep, clock: ClockDep, user: ChargebackRunner, workflowId: int, billingPeriod: str = ""
) -> Response:
    """What running every step of the workflow for the period would post; nothing is written."""
    settings = _run_settings({"billingPeriod": billingPeriod})
    workflow = _known(workflowId, "Chargeback workflow")
    found = await run_in_threadpool(previews.preview_workflow, db, workflow, settings, user, clock)
    return _preview_page(request, user, f"workflow {workflow}", f"/ui/workflows/{workflow}/run", found)


@router.post("/steps/{stepId}/run")
async def run_step(
    request: Request, db: DbDep, clock: ClockDep, jobs: JobsDep, user: ChargebackRunner, stepId: int
) -> Response:
    """Run one step for a period (as POST /api/v3/chargebackWorkflowStep/{id}/exec), then follow its task."""
    settings = _run_settings(await form_fields(request))
    step = _known(stepId, "Chargeback workflow step")
    task_id = await run_in_threadpool(
        processing.run_workflow_step, db, step, settings, user, clock, queue=_background(jobs)
    )
    return RedirectResponse(_runs_url([task_id]), status_code=303)


@router.post("/workflows/{workflowId}/run")
async def run_workflow(
    request: Request, db: DbDep, clock: ClockDep, jobs: JobsDep, user: ChargebackRunner, workflowId: int
) -> Response:
    """Run every step of a workflow for a period, in order (as POST /api/v202304/chargebackWorkflow/{id}/exec)."""
    settings = _run_settings(await form_fields(request))
    workflow = _known(workflowId, "Chargeback workflow")
    task_ids = await run_in_threadpool(
        processing.run_workflow, db, workflow, settings, user, clock, queue=_background(jobs)
    )
    return RedirectResponse(_runs_url(task_ids), status_code=303)


def _task_ids(text: str) -> list[int]:
    found = []
    for part in text.split(",")[:MAX_RUN_TASKS]:
        if not part.strip().isdigit():
            raise ValidationFailed.single("tasks", "tasks is a comma-separated list of task ids, e.g. 12,13.")
        found.append(_known(int(part), "Chargeback task"))
    return found


@router.get("/runs")
def run_page(request: Request, db: DbDep, visitor: ChargebackViewer, tasks: str, done: str | None = None) -> Response:
    """The tasks of a run with their status, bills and failures; refreshed every few seconds while one runs."""
    rows = chargeback_tasks.get_tasks(db, _task_ids(tasks), visitor)
    if not rows:
        raise NotFound("Chargeback task", tasks)
    running = any(row.status in RUNNING for row in rows)
    context = {
        "visitor": visitor,
        "rows": rows,
        "running": running,
        "refresh": REFRESH_SECONDS if running else None,
        "notice": _notice(done),
    }
    return render(request, "runs.html", context)


@router.post("/tasks/{taskId}/void")
def void_task(db: DbDep, clock: ClockDep, user: ChargebackReverser, taskId: int) -> Response:
    """Void the task's bills (as POST /api/v3/chargebackTask/{id}/void); back to the task, saying so."""
    chargeback_tasks.require_visible(db, _known(taskId, "Chargeback task"), user)
    scoping.require_reversible(db, user.scope, task_id=taskId)
    chargeback_tasks.reverse_task(
        db, _known(taskId, "Chargeback task"), delete=False, user_id=user.user_id, now=clock()
    )
    return RedirectResponse(f"/ui/tasks/{taskId}?done=voided", status_code=303)


@router.post("/tasks/{taskId}/delete")
def delete_task(db: DbDep, clock: ClockDep, user: ChargebackReverser, taskId: int) -> Response:
    """Delete the task's bills (as POST /api/v3/chargebackTask/{id}/delete); back to the task, saying so."""
    chargeback_tasks.require_visible(db, _known(taskId, "Chargeback task"), user)
    scoping.require_reversible(db, user.scope, task_id=taskId)
    chargeback_tasks.reverse_task(db, _known(taskId, "Chargeback task"), delete=True, user_id=user.user_id, now=clock())
    return RedirectResponse(f"/ui/tasks/{taskId}?done=deleted", status_code=303)


async def _reverse_step(request: Request, db: Database, now: datetime, user_id: int, step: int, delete: bool) -> str:
    period = billing_period((await form_fields(request)).get("billingPeriod"))
    await run_in_threadpool(
        chargeback_tasks.reverse_step,
        db,
        _known(step, "Chargeback workflow step"),
        period,
        delete=delete,
        user_id=user_id,
        now=now,
    )
    return f"/ui/tasks?step={step}&done=step-{'deleted' if delete else 'voided'}"


@router.post("/steps/{stepId}/void")
async def void_step(request: Request, db: DbDep, clock: ClockDep, user: ChargebackReverser, stepId: int) -> Response:
    """Void every bill the step made in a period (as POST /api/v3/chargebackWorkflowStep/{id}/void)."""
    step = _known(stepId, "Chargeback workflow step")
    await run_in_threadpool(scoping.require_reversible, db, user.scope, None, step)
    target = await _reverse_step(request, db, clock(), user.user_id, stepId, delete=False)
    return RedirectResponse(target, status_code=303)


@router.post("/steps/{stepId}/delete")
async def delete_step(request: Request, db: DbDep, clock: ClockDep, user: ChargebackReverser, stepId: int) -> Response:
    """Delete every bill the step made in a period (as POST /api/v3/chargebackWorkflowStep/{id}/delete)."""
    step = _known(stepId, "Chargeback workflow step")
    await run_in_threadpool(scoping.require_reversible, db, user.scope, None, step)
    target = await _reverse_step(request, db, clock(), user.user_id, stepId, delete=True)
    return RedirectResponse(target, status_code=303)


def _open_batches(db: Database, today: date) -> list[batches.BatchListing]:
    return list(batches.list_batches(db, "batchStatus equals 'Open'", 1, 100, today).rows)


def _batch_choice(form: dict[str, str]) -> ImportBatchSettings | None:
    mode = (form.get("batchMode") or "").strip()
    if not mode:
        return None
    existing = (form.get("existingOpenBatchId") or "").strip()
    if existing and not existing.isdigit():
        raise ValidationFailed.single("existingOpenBatchId", "existingOpenBatchId is a batch id.")
    return ImportBatchSettings(
        batch_mode=mode,
        existing_open_batch_id=int(existing) if existing else None,
        leave_existing_batches_open=form.get("leaveExistingBatchesOpen") == "true",
        new_batch_code=(form.get("newBatchCode") or "").strip() or None,
        pending_batch_id=None,
    )


@router.post("/imports")
async def import_upload(
    request: Request, db: DbDep, clock: ClockDep, jobs: JobsDep, settings: SettingsDep, user: BillCreator
) -> Response:
    """Import the uploaded file (as POST /api/v3/import/bill), then follow its task."""
    form = await form_fields(request)
    upload = await form_file(request, "file")
    if upload is None or not upload.content:
        raise ValidationFailed.single("file", "Choose a bill file (CSV, XLSX or ZIP) to import.")
    options = import_tasks.ImportOptions(
        profile_code=(form.get("profileCode") or "").strip() or None,
        batch_settings=_batch_choice(form),
        import_note=(form.get("importNote") or "").strip() or None,
    )
    data = base64.b64encode(upload.content).decode("ascii")
    limits = bill_import.limits_for(settings)

    def start() -> str:
        task_id, guid = import_tasks.start_import(db, upload.name, data, options, user, clock(), limits)
        jobs.enqueue(queue_interface.BILL_IMPORT, task_id)
        return guid

    guid = await run_in_threadpool(start)
    return RedirectResponse(f"/ui/imports/{guid}?done=uploaded", status_code=303)


@router.post("/imports/{taskGuid}/reimport")
async def import_reimport(
    request: Request, db: DbDep, clock: ClockDep, jobs: JobsDep, user: BillCreator, taskGuid: str
) -> Response:
    """Import the task's kickouts again as one new task (after fixing what they lacked), then follow it."""
    form = await form_fields(request)
    options = import_tasks.ImportOptions(
        batch_settings=_batch_choice(form), import_note=(form.get("importNote") or "").strip() or None
    )

    def start() -> str:
        task_id, guid = import_tasks.reimport_kickouts(db, taskGuid, options, user, clock())
        jobs.enqueue(queue_interface.BILL_IMPORT, task_id)
        return guid

    guid = await run_in_threadpool(start)
    return RedirectResponse(f"/ui/imports/{guid}?done=reimported", status_code=303)


BATCHES_PER_PAGE = 50


@router.get("/batches")
def batch_list(
    request: Request,
    db: DbDep,
    clock: ClockDep,
    visitor: BillViewer,
    page: PageNumber = 1,
    done: str | None = None,
) -> Response:
    """Batches, newest first, with their bills and running totals, and the form to open one."""
    result = batches.list_batches(db, None, page, BATCHES_PER_PAGE, clock().date(), visitor.scope)
    context = {
        "visitor": visitor,
        "rows": result.rows,
        "page": pager(page, BATCHES_PER_PAGE, result.total),
        "notice": _notice(done),
    }
    return render(request, "batches.html", context)


@router.post("/batches")
async def batch_open(request: Request, db: DbDep, clock: ClockDep, user: BillCreator) -> Response:
    """Open a batch for the visitor (as POST /api/v3/batch)."""
    form = await form_fields(request)
    settings = batches.BatchSettings(
        batch_code=(form.get("batchCode") or "").strip(),
        close_existing_batch=form.get("closeExistingBatch") == "true",
        note=(form.get("note") or "").strip() or None,
    )
    batch_id = await run_in_threadpool(batches.open_batch, db, settings, user, clock())
    return RedirectResponse(f"/ui/batches/{batch_id}?done=batch-opened", status_code=303)


@router.get("/batches/{batchId}/bills.{format}")
def batch_bills_export(db: DbDep, visitor: BillViewer, batchId: int, format: FileFormat) -> Response:
    """The batch's bills, as CSV or XLSX."""
    return _export(exports.batch_bills(db, batchId, visitor.scope), format)


@router.get("/batches/{batchId}")
def batch_page(
    request: Request,
    db: DbDep,
    clock: ClockDep,
    visitor: BillViewer,
    batchId: int,
    page: PageNumber = 1,
    done: str | None = None,
) -> Response:
    """One batch: its status, counters and bills."""
    listing = batches.get_batch(db, _known(batchId, "Batch"), visitor.scope)
    found = bills.list_bills(db, f"batchId equals '{batchId}'", page, BILLS_PER_PAGE, clock().date(), visitor.scope)
    context = {
        "visitor": visitor,
        "listing": listing,
        "bills": found.rows,
        "page": pager(page, BILLS_PER_PAGE, found.total),
        "notice": _notice(done),
    }
    return render(request, "batch.html", context)


@router.post("/batches/{batchId}/close")
def batch_close(db: DbDep, clock: ClockDep, user: BillCreator, batchId: int) -> Response:
    """Close the batch (as PUT /api/v3/batch/close/{id})."""
    batches.close_batch(db, _known(batchId, "Batch"), user, clock())
    return RedirectResponse(f"/ui/batches/{batchId}?done=batch-closed", status_code=303)


@router.post("/batches/{batchId}/reopen")
def batch_reopen(db: DbDep, clock: ClockDep, user: BillCreator, batchId: int) -> Response:
    """Open a pending batch, whose bills count again (as PUT /api/v202206/batch/{id}/status with Open)."""
    batches.update_status(db, _known(batchId, "Batch"), BatchStatus.OPEN, None, user, clock())
    return RedirectResponse(f"/ui/batches/{batchId}?done=batch-reopened", status_code=303)


# Looking: bills and versions --------------------------------------------------------------------------------------

BILLS_PER_PAGE = 50
BILL_FILTERS = {
    "period": ("billingPeriod", "equals"),
    "account": ("accountCode", "like"),
    "meter": ("meterCode", "equals"),
    "batch": ("batchCode", "equals"),
}
"""The bill list's form fields and the filter (GET /api/v3/bill) each becomes."""


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def bill_filter(given: dict[str, str]) -> str | None:
    """The bill filter of the list's form fields (a period as YYYYMM or YYYY-MM; `void` live, void or any)."""
    parts = []
    for name, (field, operator) in BILL_FILTERS.items():
        value = given.get(name, "").strip()
        if not value:
            continue
        if name == "period":
            value = str(billing_period(value, "period"))
        parts.append(f"{field} {operator} {_quoted(value)}")
    state = given.get("state", "")
    if state in ("live", "void"):
        parts.append(f"void equals '{'true' if state == 'void' else 'false'}'")
    return " and ".join(parts) or None


@router.get("/bills.{format}")
def bill_list_export(
    db: DbDep,
    clock: ClockDep,
    visitor: BillViewer,
    format: FileFormat,
    period: str = "",
    account: str = "",
    meter: str = "",
    batch: str = "",
    state: str = "",
) -> Response:
    """Every bill of the list's filter (not only its page) in the visitor's scope, as CSV or XLSX."""
    given = {"period": period, "account": account, "meter": meter, "batch": batch, "state": state}
    return _export(exports.bill_list(db, bill_filter(given), clock().date(), visitor.scope), format)


@router.get("/bills")
def bill_list(
    request: Request,
    db: DbDep,
    clock: ClockDep,
    visitor: BillViewer,
    page: PageNumber = 1,
    period: str = "",
    account: str = "",
    meter: str = "",
    batch: str = "",
    state: str = "",
) -> Response:
    """Bills, filtered by period, account, meter, batch and whether they are void."""
    given = {"period": period, "account": account, "meter": meter, "batch": batch, "state": state}
    found = bills.list_bills(db, bill_filter(given), page, BILLS_PER_PAGE, clock().date(), visitor.scope)
    query = urlencode({k: v for k, v in given.items() if v})
    context = {
        "visitor": visitor,
        "bills": found.rows,
        "page": pager(page, BILLS_PER_PAGE, found.total),
        "given": given,
        "query": query,
    }
    return render(request, "bills.html", context)


VERSIONS_PER_PAGE = 50
VERSION_TYPES = {"split": SPLIT, "calculated": CALCULATION}


@router.get("/versions")
def version_list(
    request: Request,
    db: DbDep,
    clock: ClockDep,
    visitor: ChargebackViewer,
    type: str = "split",
    meter: str = "",
    page: PageNumber = 1,
) -> Response:
    """Split or calculated-bill versions, optionally of one meter code."""
    if type not in VERSION_TYPES:
        raise ValidationFailed.single("type", "type is split or calculated.")
    text = f"meterCode equals {_quoted(meter.strip())}" if meter.strip() else None
    today = clock().date()
    found = version_lists.list_versions(db, VERSION_TYPES[type], text, page, VERSIONS_PER_PAGE, today, visitor.scope)
    query = urlencode({"type": type, **({"meter": meter} if meter else {})})
    context = {
        "visitor": visitor,
        "rows": found.rows,
        "page": pager(page, VERSIONS_PER_PAGE, found.total),
        "type": type,
        "meter": meter,
        "query": query,
    }
    return render(request, "versions.html", context)


@router.get("/versions/{accountId}/{meterId}/{versionId}")
def version_page(
    request: Request, db: DbDep, clock: ClockDep, visitor: AccountViewer, accountId: int, meterId: int, versionId: int
) -> Response:
    """A version's details: a split's destinations with percentages or areas × weights, or a calculated bill's
    use, cost, demand and line items (as the API's billSplit and calculatedBill details)."""
    account, meter, version = (_known(accountId, "Account"), _known(meterId, "Meter"), _known(versionId, "Version"))
    context: dict[str, object] = {"visitor": visitor}
    try:
        found = split_details.get_details(db, account, meter, version, clock().date())
        context.update(split=found, calculated=None, version=found.version)
    except NotFound:
        calculated = calculated_details.get_details(db, account, meter, version)
        context.update(
            split=None, calculated=calculated, version=calculated.version, parts=describe_instructions(calculated)
        )
    return render(request, "version.html", context)


# The review of a batch's bills (web/review.py), before the catch-all below.
router.include_router(review.router)


@router.get("/{anything:path}")
def unknown_page(_: Visitor, anything: str) -> Response:
    """Any other address under /ui: the 404 page."""
    raise NotFound(f"The page /ui/{anything}")
