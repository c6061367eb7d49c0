"""Routes: bill workflow settings (GET/PUT /api/v3/workflow, GET /api/v3/workflow/approval, GET
/api/v3/workflow/export; operations.md §8, accounting.md §2.2), and Apportion's extension that switches approval
mode and sets the approval limit (PUT /apportion/v1/workflow/approval), which EnergyCAP's PUT cannot write."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query
from pydantic import Field

from apportion.api.deps import DatabaseDep, requires
from apportion.api.schemas.base import WireModel
from apportion.api.schemas.contract import (
    ApprovalWorkflowChild,
    ApprovalWorkflowSettings,
    BatchWorkflowSettings,
    BillHeaderWorkflowChild,
    BillImportWorkflowSettings,
    ChargebackWorkflowSettings,
    ExportWorkflowChild,
    ExportWorkflowSettings,
    WorkflowSettingsRequest,
    WorkflowSettingsResponse,
)
from apportion.api.wire import WireRouter
from apportion.domain import workflow
from apportion.domain.workflow import HEADER_FIELDS, HeaderSetting, StreamSetting, WorkflowChange, WorkflowSettings
from apportion.services.access.auth import Principal
from apportion.services.accounting import workflow_settings

router = WireRouter(tags=["Bill workflow"])
# accounting.md §6 and §9 D13: reading needs BillsAndBatches (View); changing needs BillWorkflowSettings (Manage).
Viewer = Annotated[Principal, Depends(requires("BillsAndBatches", "View"))]
Manager = Annotated[Principal, Depends(requires("BillWorkflowSettings", "Manage"))]
_SNAKE = {
    "dueDate": "due_date",
    "statementDate": "statement_date",
    "invoiceNumber": "invoice_number",
    "controlCode": "control_code",
    "nextReading": "next_reading",
    "accountPeriodName": "account_period_name",
    "accountPeriodYear": "account_period_year",
}


class ApprovalModeRequest(WireModel):
    """PUT /apportion/v1/workflow/approval: approval mode on or off and the approval limit; an absent field is
    left as it is, `maximumApprovalAmount: null` removes the limit."""

    approval_mode_enabled: bool | None = Field(None, alias="approvalModeEnabled")
    maximum_approval_amount: int | None = Field(None, alias="maximumApprovalAmount")


def _stream(setting: StreamSetting) -> ExportWorkflowChild:
    return ExportWorkflowChild(
        export_mode_enabled=setting.export_mode_enabled,
        can_export=setting.can_export.value,
        include_udfs=setting.include_udfs,
    )


def render(settings: WorkflowSettings) -> WorkflowSettingsResponse:
    """WorkflowSettingsResponse of the settings; Apportion always keeps bills in batches (batchModeEnabled)."""
    headers = {
        _SNAKE[name]: BillHeaderWorkflowChild(use_field=header.use_field, required=header.required)
        for name, header in settings.headers
    }
    return WorkflowSettingsResponse(
        batch=BatchWorkflowSettings(batch_mode_enabled=True, **headers),
        approval=ApprovalWorkflowChild(
            approval_mode_enabled=settings.approval_mode_enabled, confirm_edit_delete=settings.confirm_edit_delete
        ),
        ap_export=_stream(settings.ap),
        gl_export=_stream(settings.gl),
        chargeback=ChargebackWorkflowSettings(
            allow_advanced_chargeback_settings=settings.allow_advanced_chargeback_settings
        ),
        bill_import=BillImportWorkflowSettings(error_handling=settings.import_error_handling.value),
    )


def render_approval(settings: WorkflowSettings) -> ApprovalWorkflowSettings:
    """ApprovalWorkflowSettings of the settings."""
    return ApprovalWorkflowSettings(
        approval_mode_enabled=settings.approval_mode_enabled,
        confirm_edit_delete=settings.confirm_edit_delete,
        maximum_approval_amount=settings.maximum_approval_amount,
    )


def _stream_change(child: ExportWorkflowChild | None, field: str) -> StreamSetting | None:
    if child is None:
        return None
    point = workflow.parse_can_export(child.can_export, f"{field}.canExport")
    return StreamSetting(child.export_mode_enabled, point, child.include_udfs)


def change_of(body: WorkflowSettingsRequest) -> WorkflowChange:
    """The domain's change from a WorkflowSettingsRequest (every batch header field is required on the wire)."""
    headers = tuple(
        (name, HeaderSetting(use_field=bool(child.use_field), required=bool(child.required)))
        for name in HEADER_FIELDS
        if (child := getattr(body.batch, _SNAKE[name])) is not None
    )
    handling = body.bill_import.error_handling if body.bill_import is not None else None
    return WorkflowChange(
        headers=headers,
        confirm_edit_delete=body.approval.confirm_edit_delete,
        ap=_stream_change(body.ap_export, "apExport"),
        gl=_stream_change(body.gl_export, "glExport"),
        allow_advanced_chargeback_settings=(
            body.chargeback.allow_advanced_chargeback_settings if body.chargeback is not None else None
        ),
        import_error_handling=workflow.parse_error_handling(handling) if handling is not None else None,
    )


@router.get("/api/v3/workflow", response_model=WorkflowSettingsResponse)
def get_workflow(db: DatabaseDep, _: Viewer) -> WorkflowSettingsResponse:
    """Get bill workflow settings."""
    return render(workflow_settings.get_settings(db))


@router.put("/api/v3/workflow", response_model=WorkflowSettingsResponse)
def edit_workflow(db: DatabaseDep, body: WorkflowSettingsRequest, _: Manager) -> WorkflowSettingsResponse:
    """Update bill workflow settings; approval mode and the approval limit are not writable here (accounting.md
    §2.2), see PUT /apportion/v1/workflow/approval."""
    return render(workflow_settings.edit_settings(db, change_of(body)))


@router.get("/api/v3/workflow/approval", response_model=ApprovalWorkflowSettings)
def get_approval_workflow(db: DatabaseDep, _: Viewer) -> ApprovalWorkflowSettings:
    """Get approval workflow settings."""
    return render_approval(workflow_settings.get_settings(db))


@router.get("/api/v3/workflow/export", response_model=ExportWorkflowSettings)
def get_export_workflow(
    db: DatabaseDep,
    _: Viewer,
    export_mode: Annotated[str | None, Query(alias="exportMode", description="AP or GL (case-insensitive)")] = None,
) -> ExportWorkflowSettings:
    """Get export workflow settings of one stream (AP when exportMode is absent, as the export profile)."""
    mode = workflow.parse_export_mode(export_mode or "ap")
    stream = workflow_settings.get_settings(db).stream(mode)
    return ExportWorkflowSettings(export_mode_enabled=stream.export_mode_enabled, can_export=stream.can_export.value)


@router.put("/apportion/v1/workflow/approval", response_model=ApprovalWorkflowSettings, tags=["Apportion: accounting"])
def edit_approval_workflow(db: DatabaseDep, body: ApprovalModeRequest, _: Manager) -> ApprovalWorkflowSettings:
    """Switch approval mode and set the approval limit (Apportion's extension: EnergyCAP's PUT /api/v3/workflow
    cannot write them). Needs BillWorkflowSettings (Manage)."""
    clear = "maximum_approval_amount" in body.model_fields_set and body.maximum_approval_amount is None
    settings = workflow_settings.edit_approval(db, body.approval_mode_enabled, body.maximum_approval_amount, clear)
    return render_approval(settings)
