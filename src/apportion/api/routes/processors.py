"""Routes: chargeback processors (bill split, calculated bills, workflow step, workflow, aggregations).

Inline by default: the response is the finished task. With the PostgreSQL task queue (APPORTION_RUN_JOBS_INLINE=false)
the response is the task as committed, Processing, and an `apportion worker` runs it (domain.md §7 Q16); clients
poll GET /api/v3/chargebackTask/{id}.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Body, Depends
from pydantic import BaseModel

from apportion.api.deps import ClockDep, DatabaseDep, IdempotencyKeyHeader, SettingsDep, requires
from apportion.api.routes.batches import batch_settings
from apportion.api.routes.chargeback_tasks import render
from apportion.api.routes.imports import JobsDep
from apportion.api.schemas.base import document, wire_day
from apportion.api.schemas.contract import (
    BatchCreate,
    ChargebackProcessorSettings,
    ChargebackProcessorSettingsForAggregations,
    ChargebackProcessorSettingsWithoutFilters,
    ChargebackTaskResponse,
)
from apportion.api.wire import WireRouter
from apportion.domain.runs import QuickFilter
from apportion.services.access.auth import Principal
from apportion.services.billing.batches import BatchSettings
from apportion.services.chargebacks import chargeback_tasks
from apportion.services.runs import idempotency, processing
from apportion.services.runs.queue_interface import TaskQueue
from apportion.settings import Settings
from apportion.store.database import Database

router = WireRouter(tags=["Chargeback processors"])

Runner = Annotated[Principal, Depends(requires("Chargebacks", "Run"))]


def _batch(body: BatchCreate | None) -> BatchSettings | None:
    if body is None:
        return None
    return batch_settings(body)


def settings_of(
    body: ChargebackProcessorSettings
    | ChargebackProcessorSettingsWithoutFilters
    | ChargebackProcessorSettingsForAggregations,
) -> processing.RunSettings:
    start = getattr(body, "start_date_for_bill", None)
    end = getattr(body, "end_date_for_bill", None)
    quick = getattr(body, "filters", None) or []
    return processing.RunSettings(
        billing_period=body.billing_period,
        batch=_batch(body.batch_settings),
        note=body.note,
        start_date_for_bill=wire_day(start),
        end_date_for_bill=wire_day(end),
        filters=tuple(QuickFilter(f.caption, f.operator, f.value) for f in quick),
        document=_as_sent(body),
    )


def _queue(db: Database, settings: Settings, jobs: TaskQueue) -> TaskQueue | None:
    """The queue runs go to when the workers run them (the PostgreSQL queue is the app's runner, never on SQLite);
    None to run them inside the request."""
    return jobs if not settings.run_jobs_inline and not db.is_sqlite else None


def _as_sent(body: BaseModel) -> dict[str, object]:
    """The request body as the task keeps it (`settings`): wire names, fields the client left out omitted."""
    return document(body, exclude_unset=True)


@router.post("/api/v3/billSplit/exec", response_model=ChargebackTaskResponse)
def execute_bill_split_processor(
    db: DatabaseDep,
    clock: ClockDep,
    app_settings: SettingsDep,
    jobs: JobsDep,
    body: ChargebackProcessorSettings,
    user: Runner,
    key: IdempotencyKeyHeader = None,
) -> ChargebackTaskResponse:
    """Process the bill split versions effective in a billing period; returns the finished (or queued) task."""
    queue = _queue(db, app_settings, jobs)

    def run() -> list[int]:
        task_id = processing.run_bill_split(db, settings_of(body), user, clock, queue=queue)
        return [task_id]

    (task_id,) = idempotency.tasks_once(db, user.user_id, key, "billSplit/exec", _as_sent(body), run, clock)
    return render(chargeback_tasks.get_task(db, task_id))


@router.post("/api/v3/calculatedBill/exec", response_model=ChargebackTaskResponse)
def execute_calculate_bill_processor(
    db: DatabaseDep,
    clock: ClockDep,
    app_settings: SettingsDep,
    jobs: JobsDep,
    body: ChargebackProcessorSettings,
    user: Runner,
    key: IdempotencyKeyHeader = None,
) -> ChargebackTaskResponse:
    """Process the calculated bill versions effective in a billing period; returns the finished (or queued) task."""
    queue = _queue(db, app_settings, jobs)

    def run() -> list[int]:
        task_id = processing.run_calculated_bills(db, settings_of(body), user, clock, queue=queue)
        return [task_id]

    (task_id,) = idempotency.tasks_once(db, user.user_id, key, "calculatedBill/exec", _as_sent(body), run, clock)
    return render(chargeback_tasks.get_task(db, task_id))


@router.post("/api/v3/chargebackWorkflowStep/{chargebackWorkflowStepId}/exec", response_model=ChargebackTaskResponse)
def execute_processor_by_workflow_step(
    db: DatabaseDep,
    clock: ClockDep,
    app_settings: SettingsDep,
    jobs: JobsDep,
    chargebackWorkflowStepId: int,
    body: ChargebackProcessorSettingsWithoutFilters,
    user: Runner,
    key: IdempotencyKeyHeader = None,
) -> ChargebackTaskResponse:
    """Process the versions assigned to one workflow step for a billing period."""
    queue = _queue(db, app_settings, jobs)
    settings = settings_of(body)

    def run() -> list[int]:
        task_id = processing.run_workflow_step(db, chargebackWorkflowStepId, settings, user, clock, queue=queue)
        return [task_id]

    operation = f"chargebackWorkflowStep/{chargebackWorkflowStepId}/exec"
    (task_id,) = idempotency.tasks_once(db, user.user_id, key, operation, _as_sent(body), run, clock)
    return render(chargeback_tasks.get_task(db, task_id))


@router.post("/api/v202304/chargebackWorkflow/{chargebackWorkflowId}/exec", response_model=list[ChargebackTaskResponse])
def execute_processor_by_workflow(
    db: DatabaseDep,
    clock: ClockDep,
    app_settings: SettingsDep,
    jobs: JobsDep,
    chargebackWorkflowId: int,
    user: Runner,
    body: Annotated[ChargebackProcessorSettingsWithoutFilters | None, Body()] = None,
    key: IdempotencyKeyHeader = None,
) -> list[ChargebackTaskResponse]:
    """Run every step of a workflow in order (one task per step); without a body, last month.

    Queued: every step's task answers Processing at once and one job runs them in step order.
    """
    settings = None if body is None else settings_of(body)
    queue = _queue(db, app_settings, jobs)

    def run() -> list[int]:
        task_ids = processing.run_workflow(db, chargebackWorkflowId, settings, user, clock, queue=queue)
        return task_ids

    document = {} if body is None else _as_sent(body)
    task_ids = idempotency.tasks_once(
        db, user.user_id, key, f"chargebackWorkflow/{chargebackWorkflowId}/exec", document, run, clock
    )
    return [render(row) for row in chargeback_tasks.get_tasks(db, task_ids)]


@router.post("/api/v202203/utilityPlatform/aggregations/exec", response_model=ChargebackTaskResponse)
def execute_processor_aggregations(
    db: DatabaseDep,
    clock: ClockDep,
    app_settings: SettingsDep,
    jobs: JobsDep,
    user: Runner,
    body: Annotated[ChargebackProcessorSettingsForAggregations | None, Body()] = None,
    key: IdempotencyKeyHeader = None,
) -> ChargebackTaskResponse:
    """Process aggregations over the billing periods ending at the given one (the current one when omitted).

    How many periods: APPORTION_AGGREGATION_PERIODS (default 12, domain.md §7 Q12). An empty body is `{}`.
    """
    wire = body or ChargebackProcessorSettingsForAggregations()
    settings = settings_of(wire)
    queue = _queue(db, app_settings, jobs)

    def run() -> list[int]:
        periods = app_settings.aggregation_periods
        task_id = processing.run_aggregations(db, settings, periods, user, clock, queue=queue)
        return [task_id]

    (task_id,) = idempotency.tasks_once(db, user.user_id, key, "aggregations/exec", _as_sent(wire), run, clock)
    return render(chargeback_tasks.get_task(db, task_id))
