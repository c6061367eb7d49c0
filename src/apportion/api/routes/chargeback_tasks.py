"""Routes: chargeback tasks (list, read, comment, void, delete, error log), per-version task history, step reversal."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Response

from apportion.api import files
from apportion.api.deps import ClockDep, DatabaseDep, TodayDep, requires
from apportion.api.paging import FilterQuery, PageRequest, page_request, set_paging_headers
from apportion.api.schemas.contract import (
    ChargebackTaskRequest,
    ChargebackTaskResponse,
    ChargebackTaskVersionResponse,
)
from apportion.api.wire import WireRouter
from apportion.api.wire_rows import Wire, batch_row, row_writer, user_row, wire_response, workflow_step_row
from apportion.domain.versions import CALCULATION, SPLIT
from apportion.services.access import scoping
from apportion.services.access.auth import Principal
from apportion.services.chargebacks import chargeback_tasks

router = WireRouter(tags=["Chargeback tasks"])
Viewer = Annotated[Principal, Depends(requires("ChargebacksModule", "View"))]
Reverser = Annotated[Principal, Depends(requires("ChargebackReversals", "Manage"))]


# The task's fields of the same name by position; chargeback bills are not audited on creation (domain.md §4.3),
# so none analyse or carry flags.
_write_task = row_writer(
    ChargebackTaskResponse,
    (chargeback_tasks.ChargebackTaskListing,),
    ("workflow", "batch", "user", "reversed_by"),
    {"number_of_analyzing_bills": 0, "number_of_unresolved_flags": 0},
)


def task_row(task: chargeback_tasks.ChargebackTaskListing) -> Wire:
    """Wire form (ChargebackTaskResponse) of a task with its user, reverser, batch and workflow step."""
    return _write_task(
        task,
        workflow=workflow_step_row(task.workflow),
        batch=batch_row(task.batch_id, task.batch_code),
        user=user_row(task.user),
        reversed_by=user_row(task.reversed_by),
    )


def render(task: chargeback_tasks.ChargebackTaskListing) -> ChargebackTaskResponse:
    """The task as its model, for the operations answering one (the same wire form as `task_row`)."""
    return ChargebackTaskResponse.model_validate(task_row(task))


@router.get("/api/v3/chargebackTask", response_model=list[ChargebackTaskResponse])
def get_chargeback_tasks(
    db: DatabaseDep,
    today: TodayDep,
    response: Response,
    user: Viewer,
    page: Annotated[PageRequest, Depends(page_request)],
    filter: FilterQuery = None,
) -> Response:
    """Get all chargeback tasks with details (newest first)."""
    result = chargeback_tasks.list_tasks(db, filter, page.number, page.size, today, user)
    set_paging_headers(response, page, result.total)
    return wire_response([task_row(row) for row in result.rows], response)


@router.get("/api/v3/chargebackTask/{taskId}", response_model=ChargebackTaskResponse)
def get_chargeback_task(db: DatabaseDep, taskId: int, user: Viewer) -> ChargebackTaskResponse:
    """Retrieves a chargeback task with details."""
    return render(chargeback_tasks.get_task(db, taskId, user))


@router.put("/api/v3/chargebackTask/{taskId}", response_model=ChargebackTaskResponse)
def update_chargeback_task(
    db: DatabaseDep,
    taskId: int,
    body: ChargebackTaskRequest,
    user: Annotated[Principal, Depends(requires("Chargebacks", "Run"))],
) -> ChargebackTaskResponse:
    """Update a chargeback task's comment."""
    chargeback_tasks.update_comment(db, taskId, body.comment)
    return render(chargeback_tasks.get_task(db, taskId, user))


@router.post("/api/v3/chargebackTask/{taskId}/void", status_code=204)
def void_chargeback_task(db: DatabaseDep, clock: ClockDep, taskId: int, user: Reverser) -> Response:
    """Void all bills created by the task; a split task's source bills become unsplit again (204)."""
    scoping.require_reversible(db, user.scope, task_id=taskId)
    chargeback_tasks.reverse_task(db, taskId, delete=False, user_id=user.user_id, now=clock())
    return Response(status_code=204)


@router.post("/api/v3/chargebackTask/{taskId}/delete", status_code=204)
def delete_chargeback_task(db: DatabaseDep, clock: ClockDep, taskId: int, user: Reverser) -> Response:
    """Delete all bills created by the task; a split task's source bills become unsplit again (204)."""
    scoping.require_reversible(db, user.scope, task_id=taskId)
    chargeback_tasks.reverse_task(db, taskId, delete=True, user_id=user.user_id, now=clock())
    return Response(status_code=204)


ERROR_LOG_TYPE = "text/csv; charset=utf-8"


@router.get(
    "/api/v3/chargebackTask/{taskId}/errorOutput",
    response_class=Response,
    responses=files.documented("The error log: CSV, or its text as a JSON string", "text/csv"),
)
def get_chargeback_task_error_file(request: Request, db: DatabaseDep, taskId: int, user: Viewer) -> Response:
    """The task's error log: CSV with one row per failed version (versionId, errorMessage); its text as a JSON
    string when the request asks for application/json (as EnergyCAP's SDK does)."""
    log = chargeback_tasks.error_file(db, taskId, user)
    name = f"chargeback-task-{taskId}-errors.csv"
    return files.file_response(request, log, ERROR_LOG_TYPE, text=True, file_name=name)


def _task_fields(task: chargeback_tasks.ChargebackTaskListing) -> dict[str, Any]:
    """The task's fields by Python name, for the per-version history's models (task_row writes a page)."""
    return {
        "task_id": task.task_id,
        "chargeback_type": task.chargeback_type,
        "billing_period": task.billing_period,
        "workflow": workflow_step_row(task.workflow),
        "batch": batch_row(task.batch_id, task.batch_code),
        "settings": task.settings,
        "comment": task.comment,
        "status": task.status,
        "task_begin": task.task_begin,
        "task_end": task.task_end,
        "user": user_row(task.user),
        "number_of_bills_created": task.number_of_bills_created,
        "number_of_failed_versions": task.number_of_failed_versions,
        # Chargeback bills are not audited on creation (domain.md §4.3), so none analyse or carry flags.
        "number_of_analyzing_bills": 0,
        "number_of_unresolved_flags": 0,
        "reversed_by": user_row(task.reversed_by),
        "reversed_date": task.reversed_date,
    }


def _history(
    db: DatabaseDep, account_id: int, meter_id: int, version_id: int, kind: str
) -> list[ChargebackTaskVersionResponse]:
    """The task fields of each run, with the version's own counts, source bill and bills (not the task's)."""
    return [
        ChargebackTaskVersionResponse(
            **{
                **_task_fields(run.task),
                "version_id": run.version_id,
                "source_bill_id": run.source_bill_id,
                "number_of_bills_created": run.number_of_bills_created,
                "error_message": run.error_message,
                "destination_bill_ids": run.destination_bill_ids,
            }
        )
        for run in chargeback_tasks.version_history(db, account_id, meter_id, version_id, kind)
    ]


@router.get(
    "/api/v3/account/{accountId}/meter/{meterId}/billSplit/{versionId}/chargebackTask",
    response_model=list[ChargebackTaskVersionResponse],
)
def get_bill_split_chargeback_task_by_version(
    db: DatabaseDep, accountId: int, meterId: int, versionId: int, _: Viewer
) -> list[ChargebackTaskVersionResponse]:
    """Every run of a split version: task, source bill, destination bills, error."""
    return _history(db, accountId, meterId, versionId, SPLIT)


@router.get(
    "/api/v3/account/{accountId}/meter/{meterId}/calculatedBill/{versionId}/chargebackTask",
    response_model=list[ChargebackTaskVersionResponse],
)
def get_calculated_bill_chargeback_task_by_version(
    db: DatabaseDep, accountId: int, meterId: int, versionId: int, _: Viewer
) -> list[ChargebackTaskVersionResponse]:
    """Every run of a calculated bill version: task, bills created, error."""
    return _history(db, accountId, meterId, versionId, CALCULATION)


@router.post("/api/v3/chargebackWorkflowStep/{chargebackWorkflowStepId}/void", status_code=204)
def void_chargeback_workflow_steps(
    db: DatabaseDep,
    clock: ClockDep,
    chargebackWorkflowStepId: int,
    user: Reverser,
    billingPeriod: int | None = None,
) -> Response:
    """Void every bill the step created in the period across all its runs (204)."""
    scoping.require_reversible(db, user.scope, step_id=chargebackWorkflowStepId)
    chargeback_tasks.reverse_step(
        db, chargebackWorkflowStepId, billingPeriod, delete=False, user_id=user.user_id, now=clock()
    )
    return Response(status_code=204)


@router.post("/api/v3/chargebackWorkflowStep/{chargebackWorkflowStepId}/delete", status_code=204)
def delete_chargeback_workflow_steps(
    db: DatabaseDep,
    clock: ClockDep,
    chargebackWorkflowStepId: int,
    user: Reverser,
    billingPeriod: int | None = None,
) -> Response:
    """Delete every bill the step created in the period across all its runs (204)."""
    scoping.require_reversible(db, user.scope, step_id=chargebackWorkflowStepId)
    chargeback_tasks.reverse_step(
        db, chargebackWorkflowStepId, billingPeriod, delete=True, user_id=user.user_id, now=clock()
    )
    return Response(status_code=204)
