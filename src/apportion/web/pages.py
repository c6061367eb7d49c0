"""The pages: sign in and out, workflows and their steps, chargeback tasks, a step's digest, bill import kickouts.

Every page reads through the services the API routes call, with the same permission as the matching API operation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from apportion.domain import periods
from apportion.domain.errors import NotFound, Unauthenticated, ValidationFailed
from apportion.domain.task_status import TaskStatus
from apportion.services import ids
from apportion.services.access import page_sessions
from apportion.services.chargebacks import chargeback_tasks, digest, lineage_reports, workflows
from apportion.services.imports import import_tasks
from apportion.store.database import Database
from apportion.web.access import (
    COOKIE,
    COOKIE_PATH,
    FORMER_KEY_COOKIE,
    SIGN_IN_COOKIE,
    SIGN_IN_PATH,
    BillViewer,
    ChargebackManager,
    ChargebackViewer,
    ClockDep,
    DbDep,
    Visitor,
    delete_cookie,
    form_fields,
    form_token_checked,
    set_cookie,
)
from apportion.web.errors import PageRoute
from apportion.web.html import render
from apportion.web.views import LEFT_CAPTIONS, digest_view, pager

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
def home(_: Visitor) -> Response:
    """The pages start at the workflows."""
    return RedirectResponse("/ui/workflows", status_code=303)


# Workflows -------------------------------------------------------------------------------------------------------


@router.get("/workflows")
def workflow_list(request: Request, db: DbDep, visitor: ChargebackViewer) -> Response:
    """Every workflow with its steps in order."""
    return render(request, "workflows.html", {"visitor": visitor, "workflows": workflows.list_workflows(db)})


@router.get("/workflows/{workflowId}")
def workflow_page(request: Request, db: DbDep, visitor: ChargebackViewer, workflowId: int) -> Response:
    """One workflow: its steps, each with its digest and tasks."""
    workflow = workflows.get_workflow(db, workflowId)
    return render(request, "workflow.html", {"visitor": visitor, "workflow": workflow})


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
    result = chargeback_tasks.list_tasks(db, " and ".join(conditions) or None, page, TASKS_PER_PAGE, clock().date())
    context = {
        "visitor": visitor,
        "rows": result.rows,
        "page": pager(page, TASKS_PER_PAGE, result.total),
        "step": step_info,
        "status": status or "",
        "statuses": TASK_STATUSES,
    }
    return render(request, "tasks.html", context)


@router.get("/tasks/{taskId}")
def task_page(request: Request, db: DbDep, visitor: ChargebackViewer, taskId: int) -> Response:
    """One chargeback task: its step, batch, counts, the versions that failed, where every source bill's amount
    went (split tasks), and what later corrections undid of it."""
    row = chargeback_tasks.get_task(db, _known(taskId, "Chargeback task"))
    context = {
        "visitor": visitor,
        "row": row,
        "errors": chargeback_tasks.error_rows(db, taskId),
        "conservation": lineage_reports.task_conservation(db, taskId),
        "history": lineage_reports.task_history(db, taskId),
        "left_captions": LEFT_CAPTIONS,
    }
    return render(request, "task.html", context)


@router.get("/tasks/{taskId}/conservation.csv")
def task_conservation(db: DbDep, _: ChargebackViewer, taskId: int) -> Response:
    """The task's conservation record as CSV: each source bill and the total."""
    report = lineage_reports.task_conservation(db, _known(taskId, "Chargeback task"))
    content = lineage_reports.conservation_csv(report)
    return _download(f"chargeback-task-{taskId}-conservation.csv", content, "text/csv; charset=utf-8")


# Lineage and re-runs ---------------------------------------------------------------------------------------------


@router.get("/bills/{billId}")
def bill_page(request: Request, db: DbDep, visitor: BillViewer, billId: int) -> Response:
    """One bill's lineage: what it was made from (each line's share and rounding), the live bills made from it,
    and the corrections that voided it."""
    found = lineage_reports.bill_lineage(db, _known(billId, "Bill"))
    return render(request, "bill.html", {"visitor": visitor, "lineage": found})


@router.get("/reruns")
def rerun_list(request: Request, db: DbDep, visitor: ChargebackViewer, all: bool = False) -> Response:
    """The step periods whose chargeback bills were undone by a correction, with each version and why."""
    groups = lineage_reports.reruns(db, None, None, include_resolved=all)
    return render(request, "reruns.html", {"visitor": visitor, "groups": groups, "all": all})


@router.get("/reruns.csv")
def rerun_export(db: DbDep, _: ChargebackViewer, all: bool = False) -> Response:
    """The re-run list as CSV."""
    groups = lineage_reports.reruns(db, None, None, include_resolved=all)
    return _download("chargeback-reruns.csv", lineage_reports.reruns_csv(groups), "text/csv; charset=utf-8")


@router.post("/reruns/{rerunId}/dismiss")
def rerun_dismiss(db: DbDep, visitor: ChargebackManager, rerunId: int) -> Response:
    """Decide that a period needs no re-run; back to the list."""
    lineage_reports.dismiss_rerun(db, _known(rerunId, "Re-run"), visitor.user_id)
    return RedirectResponse("/ui/reruns", status_code=303)


@router.get("/tasks/{taskId}/errors.csv")
def task_errors(db: DbDep, _: ChargebackViewer, taskId: int) -> Response:
    """The task's error log as the API serves it (versionId, errorMessage)."""
    content = chargeback_tasks.error_file(db, _known(taskId, "Chargeback task"))
    return _download(f"chargeback-task-{taskId}-errors.csv", content, "text/csv; charset=utf-8")


# Digest ----------------------------------------------------------------------------------------------------------


@router.get("/steps/{stepId}/digest")
def digest_page(
    request: Request,
    db: DbDep,
    clock: ClockDep,
    visitor: ChargebackViewer,
    stepId: int,
    billingPeriod: Annotated[int | None, Query(ge=190001, le=300001)] = None,
    page: PageNumber = 1,
) -> Response:
    """A step's digest: each meter's current period against the prior period and the prior year, in charts and
    tables, split destinations under their source."""
    if billingPeriod is not None:
        periods.check(billingPeriod)
    result = digest.get_digest(db, stepId, billingPeriod, clock().date())
    view = digest_view(result, page)
    context = {
        "visitor": visitor,
        "view": view,
        "reruns": lineage_reports.reruns(db, view.billing_period, stepId),
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


@router.get("/imports/{taskGuid}")
def import_page(request: Request, db: DbDep, visitor: BillViewer, taskGuid: str) -> Response:
    """One bill import task: its files, counts and the distinct kickout reasons."""
    listing = import_tasks.get_task(db, taskGuid, visitor)
    summary = None
    if listing.task.status == TaskStatus.COMPLETED_WITH_KICKOUTS:
        summary = import_tasks.kickout_summary(db, taskGuid, visitor)
    context = {"visitor": visitor, "listing": listing, "summary": summary}
    return render(request, "import.html", context)


@router.get("/imports/{taskGuid}/kickouts")
def import_kickouts(db: DbDep, visitor: Visitor, taskGuid: str) -> Response:
    """The task's kickout file to download (a ZIP when several source files had kickouts), as the API serves it."""
    output = import_tasks.error_output(db, taskGuid, visitor)
    return _download(output.name, output.content, MEDIA_TYPES.get(output.kind, XLSX))


@router.get("/{anything:path}")
def unknown_page(_: Visitor, anything: str) -> Response:
    """Any other address under /ui: the 404 page."""
    raise NotFound(f"The page /ui/{anything}")
