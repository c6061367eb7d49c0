"""Routes: dry runs of a workflow step or a whole workflow, under /apportion/v1 (Apportion's extension).

The body is the one the real run takes (ChargebackProcessorSettingsWithoutFilters), checked the same way, under the
same permission (Chargebacks: Run). The engine runs in a unit of work that is rolled back (services/runs/previews.py):
the answer is the bills it would create, each split task's conservation, and the difference from what is live.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Body

from apportion.api.deps import ClockDep, DatabaseDep
from apportion.api.routes.lineage import PREFIX, conservation_line
from apportion.api.routes.processors import Runner, settings_of
from apportion.api.schemas.contract import ChargebackProcessorSettingsWithoutFilters
from apportion.api.schemas.extension import (
    DryRunBill,
    DryRunDifference,
    DryRunError,
    DryRunResponse,
    DryRunSummary,
    DryRunTask,
)
from apportion.api.wire import WireRouter
from apportion.services.runs import previews
from apportion.services.runs.processing import RunSettings

router = WireRouter(tags=["Apportion: dry runs"])


def render(preview: previews.Preview) -> DryRunResponse:
    """A dry run's answer on the wire."""
    summary = preview.summary
    return DryRunResponse(
        dry_run=True,
        billing_period=preview.billing_period,
        workflow_step_ids=list(preview.step_ids),
        summary=DryRunSummary(
            new=summary.new,
            changed=summary.changed,
            unchanged=summary.unchanged,
            voided=summary.voided,
            live_cost=summary.live_cost,
            new_cost=summary.new_cost,
            difference=summary.difference,
        ),
        tasks=[
            DryRunTask(
                workflow_step_id=t.result.workflow_step_id,
                chargeback_type=t.result.chargeback_type,
                billing_period=t.result.billing_period,
                status=t.result.status,
                bills_created=t.result.bills_created,
                failed_versions=t.result.failed_versions,
                errors=[DryRunError(version_id=v, message=m) for v, m in t.result.errors],
                conservation=conservation_line(t.conservation, None) if t.conservation is not None else None,
            )
            for t in preview.tasks
        ],
        differences=[
            DryRunDifference(
                version_id=d.version_id,
                account_code=d.account_code,
                meter_code=d.meter_code,
                change=d.change.value,
                live_cost=d.live_cost,
                new_cost=d.new_cost,
                difference=d.difference,
                live_bills=d.live_bills,
                new_bills=d.new_bills,
            )
            for d in preview.differences
        ],
        bills=[
            DryRunBill(
                account_code=b.account_code,
                account_info=b.account_info,
                meter_codes=list(b.meter_codes),
                billing_period=b.billing_period,
                begin_date=b.begin_date,
                end_date=b.end_date,
                use=b.use,
                use_unit_code=b.use_unit_code,
                total_cost=b.total_cost,
                version_id=b.version_id,
                workflow_step_id=b.workflow_step_id,
                source_bill_id=b.source_bill_id,
            )
            for b in preview.bills
        ],
    )


@router.post(f"{PREFIX}/chargebackWorkflowStep/{{chargebackWorkflowStepId}}/dryRun", response_model=DryRunResponse)
def dry_run_workflow_step(
    db: DatabaseDep,
    clock: ClockDep,
    chargebackWorkflowStepId: int,
    body: ChargebackProcessorSettingsWithoutFilters,
    user: Runner,
) -> DryRunResponse:
    """What running the step for the period would post: its bills, conservation and the difference from what is
    live (new, changed by how much, unchanged, voided). Nothing is written."""
    preview = previews.preview_step(db, chargebackWorkflowStepId, settings_of(body), user, clock)
    return render(preview)


@router.post(f"{PREFIX}/chargebackWorkflow/{{chargebackWorkflowId}}/dryRun", response_model=DryRunResponse)
def dry_run_workflow(
    db: DatabaseDep,
    clock: ClockDep,
    chargebackWorkflowId: int,
    user: Runner,
    body: Annotated[ChargebackProcessorSettingsWithoutFilters | None, Body()] = None,
) -> DryRunResponse:
    """What running every step of the workflow in order would post (without a body: last month). Nothing is
    written."""
    settings = RunSettings() if body is None else settings_of(body)
    return render(previews.preview_workflow(db, chargebackWorkflowId, settings, user, clock))
