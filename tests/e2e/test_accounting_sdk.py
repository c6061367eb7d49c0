"""The accounting hand-off through energycapsdk against the real server: workflow settings read and written with
the SDK's models. A deserialisation error here means our wire format is wrong."""

from __future__ import annotations

from typing import Any

import pytest
from energycap.sdk import models

pytestmark = pytest.mark.e2e


def _headers(required: bool = False) -> models.BatchWorkflowChild:
    def child() -> models.BillHeaderWorkflowChild:
        return models.BillHeaderWorkflowChild(use_field=True, required=required)

    return models.BatchWorkflowChild(
        due_date=child(),
        statement_date=child(),
        invoice_number=child(),
        control_code=child(),
        next_reading=child(),
        account_period_name=child(),
        account_period_year=child(),
    )


def _stream(point: str) -> models.ExportWorkflowChild:
    return models.ExportWorkflowChild(export_mode_enabled=True, can_export=point, include_udfs=False)


def test_workflow_settings_round_trip_through_the_sdk(sdk: Any) -> None:
    before = sdk.get_workflow()
    assert isinstance(before, models.WorkflowSettingsResponse)
    assert before.batch.batch_mode_enabled is True
    try:
        saved = sdk.edit_workflow(
            models.WorkflowSettingsRequest(
                batch=_headers(required=True),
                approval=models.ApprovalWorkflowRequestChild(confirm_edit_delete=False),
                ap_export=_stream("after approval"),
                gl_export=_stream("after batch"),
                chargeback=models.ChargebackWorkflowSettings(allow_advanced_chargeback_settings=False),
                bill_import=models.BillImportWorkflowSettings(error_handling="MarkBatchPending"),
            )
        )
        assert saved.ap_export.can_export == "after approval"
        assert saved.gl_export.can_export == "after batch"
        assert saved.batch.due_date.required is True
        assert saved.bill_import.error_handling == "MarkBatchPending"
        assert sdk.get_export_workflow(export_mode="GL").can_export == "after batch"
        approval = sdk.get_approval_workflow()
        assert isinstance(approval, models.ApprovalWorkflowSettings)
        assert approval.confirm_edit_delete is False
        assert approval.maximum_approval_amount is None
    finally:
        sdk.edit_workflow(
            models.WorkflowSettingsRequest(
                batch=_headers(),
                approval=models.ApprovalWorkflowRequestChild(confirm_edit_delete=True),
                ap_export=_stream("after entry"),
                gl_export=_stream("after entry"),
                chargeback=models.ChargebackWorkflowSettings(allow_advanced_chargeback_settings=True),
                bill_import=models.BillImportWorkflowSettings(error_handling="ProcessValidBills"),
            )
        )
