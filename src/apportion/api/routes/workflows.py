"""Routes: chargeback workflows (GET/POST /api/v3/chargebackWorkflow, GET/PUT/DELETE …/{chargebackWorkflowId}) and
workflow steps (GET /api/v3/chargebackWorkflowStep, GET …/{chargebackWorkflowStepId}, PUT
…/{chargebackWorkflowStepId}/billingPeriod/{billingPeriod}/version)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends, Query, Response

from apportion.api.deps import DatabaseDep, requires
from apportion.api.schemas.contract import (
    AssignVersionsToStep,
    ChargebackWorkflowBase,
    ChargebackWorkflowCreate,
    ChargebackWorkflowEdit,
    ChargebackWorkflowResponse,
    ChargebackWorkflowStep,
    ChargebackWorkflowStepChild,
    ChargebackWorkflowStepCreate,
    ChargebackWorkflowStepEdit,
)
from apportion.api.wire import WireRouter
from apportion.services.access.auth import Principal
from apportion.services.chargebacks import workflows

router = WireRouter(tags=["Chargeback workflows"])

# domain.md Appendix A: reads need ChargebacksModule (View), changes Chargebacks (Manage).
Viewer = Annotated[Principal, Depends(requires("ChargebacksModule", "View"))]
Manager = Annotated[Principal, Depends(requires("Chargebacks", "Manage"))]


def render_workflow(workflow: workflows.Workflow) -> ChargebackWorkflowResponse:
    """Wire form of a workflow and its steps in order."""
    return ChargebackWorkflowResponse(
        chargeback_workflow_id=workflow.workflow_id,
        chargeback_workflow_info=workflow.info,
        chargeback_workflow_steps=[
            ChargebackWorkflowStep(
                chargeback_workflow_step_id=step.step_id,
                chargeback_workflow_step_info=step.info,
                chargeback_workflow_step_description=step.description,
                chargeback_workflow_step_type=step.step_type,
                chargeback_workflow_step_order=step.order,
            )
            for step in workflow.steps
        ],
    )


def render_step(step: workflows.Step) -> ChargebackWorkflowStepChild:
    """Wire form of a step with its workflow."""
    return ChargebackWorkflowStepChild(
        chargeback_workflow_step_id=step.step_id,
        chargeback_workflow_step_info=step.info,
        chargeback_workflow_step_description=step.description,
        chargeback_workflow_step_type=step.step_type,
        chargeback_workflow_step_order=step.order,
        chargeback_workflow=ChargebackWorkflowBase(
            chargeback_workflow_id=step.workflow_id, chargeback_workflow_info=step.workflow_info
        ),
    )


def _steps(
    steps: Sequence[ChargebackWorkflowStepCreate | ChargebackWorkflowStepEdit] | None,
) -> list[workflows.StepInput] | None:
    if steps is None:
        return None
    return [
        workflows.StepInput(
            info=s.chargeback_workflow_step_info,
            description=s.chargeback_workflow_step_description,
            step_type=s.chargeback_workflow_step_type,
            step_id=s.chargeback_workflow_step_id if isinstance(s, ChargebackWorkflowStepEdit) else None,
        )
        for s in steps
    ]


@router.get("/api/v3/chargebackWorkflow", response_model=list[ChargebackWorkflowResponse])
def get_chargeback_workflows(db: DatabaseDep, _: Viewer) -> list[ChargebackWorkflowResponse]:
    """Get a list of chargeback workflows."""
    return [render_workflow(w) for w in workflows.list_workflows(db)]


@router.post("/api/v3/chargebackWorkflow", response_model=ChargebackWorkflowResponse)
def create_chargeback_workflow(
    db: DatabaseDep, body: ChargebackWorkflowCreate, _: Manager
) -> ChargebackWorkflowResponse:
    """Create a chargeback workflow (200, as the SDK expects)."""
    workflow_id = workflows.create_workflow(db, body.chargeback_workflow_info, _steps(body.chargeback_workflow_steps))
    return render_workflow(workflows.get_workflow(db, workflow_id))


@router.get("/api/v3/chargebackWorkflow/{chargebackWorkflowId}", response_model=ChargebackWorkflowResponse)
def get_chargeback_workflow(db: DatabaseDep, chargebackWorkflowId: int, _: Viewer) -> ChargebackWorkflowResponse:
    """Get a chargeback workflow."""
    return render_workflow(workflows.get_workflow(db, chargebackWorkflowId))


@router.put("/api/v3/chargebackWorkflow/{chargebackWorkflowId}", response_model=ChargebackWorkflowResponse)
def edit_chargeback_workflow(
    db: DatabaseDep, chargebackWorkflowId: int, body: ChargebackWorkflowEdit, _: Manager
) -> ChargebackWorkflowResponse:
    """Edit a chargeback workflow: its name and the full, ordered list of steps."""
    workflows.edit_workflow(
        db, chargebackWorkflowId, body.chargeback_workflow_info, _steps(body.chargeback_workflow_steps)
    )
    return render_workflow(workflows.get_workflow(db, chargebackWorkflowId))


@router.delete("/api/v3/chargebackWorkflow/{chargebackWorkflowId}", status_code=204)
def delete_chargeback_workflow(db: DatabaseDep, chargebackWorkflowId: int, _: Manager) -> Response:
    """Delete a chargeback workflow (204, as the SDK expects)."""
    workflows.delete_workflow(db, chargebackWorkflowId)
    return Response(status_code=204)


@router.get("/api/v3/chargebackWorkflowStep", response_model=list[ChargebackWorkflowStepChild])
def get_chargeback_workflow_steps(
    db: DatabaseDep,
    _: Viewer,
    chargeback_workflow_type: Annotated[
        str | None, Query(alias="chargebackWorkflowType", description="split or calculation; all steps when absent")
    ] = None,
) -> list[ChargebackWorkflowStepChild]:
    """Get a list of chargeback workflow steps, optionally of one type."""
    return [render_step(s) for s in workflows.list_steps(db, chargeback_workflow_type)]


@router.get("/api/v3/chargebackWorkflowStep/{chargebackWorkflowStepId}", response_model=ChargebackWorkflowStepChild)
def get_chargeback_workflow_step(
    db: DatabaseDep, chargebackWorkflowStepId: int, _: Viewer
) -> ChargebackWorkflowStepChild:
    """Get a single chargeback workflow step."""
    return render_step(workflows.get_step(db, chargebackWorkflowStepId))


@router.put(
    "/api/v3/chargebackWorkflowStep/{chargebackWorkflowStepId}/billingPeriod/{billingPeriod}/version",
    response_model=ChargebackWorkflowStepChild,
)
def assign_versions_to_step(
    db: DatabaseDep,
    chargebackWorkflowStepId: int,
    billingPeriod: int,
    _: Manager,
    body: AssignVersionsToStep | None = None,
) -> ChargebackWorkflowStepChild:
    """Assign bill split or calculated bill versions, effective in the billing period, to a step of their type."""
    version_ids = body.calculate_bill_version_ids if body is not None else None
    return render_step(workflows.assign_versions(db, chargebackWorkflowStepId, billingPeriod, version_ids))
