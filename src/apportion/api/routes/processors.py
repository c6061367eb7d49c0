"""Routes: chargeback processors (bill split, calculated bills, workflow step, workflow, aggregations)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel

from apportion.api.deps import ClockDep, DatabaseDep, SettingsDep, requires
from apportion.api.routes.batches import batch_settings
from apportion.api.routes.chargeback_tasks import render
from apportion.api.schemas.base import wire_day
from apportion.api.schemas.contract import (
    BatchCreate,
    ChargebackProcessorSettings,
    ChargebackProcessorSettingsForAggregations,
    ChargebackProcessorSettingsWithoutFilters,
    ChargebackTaskResponse,
)
from apportion.services import chargeback_tasks, processing
from apportion.services.auth import Principal
from apportion.services.batches import BatchSettings

router = APIRouter(tags=["Chargeback processors"])

Runner = Annotated[Principal, Depends(requires("Chargebacks", "Run"))]


def _batch(body: BatchCreate | None) -> BatchSettings | None:
    if body is None:
        return None
    return batch_settings(body)


def _settings(
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
        filters=tuple(processing.QuickFilter(f.caption, f.operator, f.value) for f in quick),
        document=_as_sent(body),
    )


def _as_sent(body: BaseModel) -> dict[str, object]:
    """The request body as the task keeps it (`settings`): wire names, fields the client left out omitted."""
    return body.model_dump(mode="json", by_alias=True, exclude_unset=True)


@router.post("/api/v3/billSplit/exec", response_model=ChargebackTaskResponse)
def execute_bill_split_processor(
    db: DatabaseDep, clock: ClockDep, body: ChargebackProcessorSettings, user: Runner
) -> ChargebackTaskResponse:
    """Process the bill split versions effective in a billing period; returns the finished task."""
    task_id = processing.run_bill_split(db, _settings(body), user, clock)
    return render(chargeback_tasks.get_task(db, task_id))


@router.post("/api/v3/calculatedBill/exec", response_model=ChargebackTaskResponse)
def execute_calculate_bill_processor(
    db: DatabaseDep, clock: ClockDep, body: ChargebackProcessorSettings, user: Runner
) -> ChargebackTaskResponse:
    """Process the calculated bill versions effective in a billing period; returns the finished task."""
    task_id = processing.run_calculated_bills(db, _settings(body), user, clock)
    return render(chargeback_tasks.get_task(db, task_id))


@router.post("/api/v3/chargebackWorkflowStep/{chargebackWorkflowStepId}/exec", response_model=ChargebackTaskResponse)
def execute_processor_by_workflow_step(
    db: DatabaseDep,
    clock: ClockDep,
    chargebackWorkflowStepId: int,
    body: ChargebackProcessorSettingsWithoutFilters,
    user: Runner,
) -> ChargebackTaskResponse:
    """Process the versions assigned to one workflow step for a billing period."""
    task_id = processing.run_workflow_step(db, chargebackWorkflowStepId, _settings(body), user, clock)
    return render(chargeback_tasks.get_task(db, task_id))


@router.post("/api/v202304/chargebackWorkflow/{chargebackWorkflowId}/exec", response_model=list[ChargebackTaskResponse])
def execute_processor_by_workflow(
    db: DatabaseDep,
    clock: ClockDep,
    chargebackWorkflowId: int,
    user: Runner,
    body: Annotated[ChargebackProcessorSettingsWithoutFilters | None, Body()] = None,
) -> list[ChargebackTaskResponse]:
    """Run every step of a workflow in order (one task per step); without a body, last month."""
    settings = None if body is None else _settings(body)
    task_ids = processing.run_workflow(db, chargebackWorkflowId, settings, user, clock)
    return [render(row) for row in chargeback_tasks.get_tasks(db, task_ids)]


@router.post("/api/v202203/utilityPlatform/aggregations/exec", response_model=ChargebackTaskResponse)
def execute_processor_aggregations(
    db: DatabaseDep,
    clock: ClockDep,
    app_settings: SettingsDep,
    user: Runner,
    body: Annotated[ChargebackProcessorSettingsForAggregations | None, Body()] = None,
) -> ChargebackTaskResponse:
    """Process aggregations over the billing periods ending at the given one (the current one when omitted).

    How many periods: APPORTION_AGGREGATION_PERIODS (default 12, domain.md §7 Q12). An empty body is `{}`.
    """
    settings = _settings(body or ChargebackProcessorSettingsForAggregations())
    task_id = processing.run_aggregations(db, settings, app_settings.aggregation_periods, user, clock)
    return render(chargeback_tasks.get_task(db, task_id))
