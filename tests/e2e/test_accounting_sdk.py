"""The accounting hand-off through energycapsdk against the real server: workflow settings read and written with
the SDK's models. A deserialisation error here means our wire format is wrong."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from energycap.sdk import models

from tests.e2e.sdk_builders import linked_pair

pytestmark = pytest.mark.e2e


def _bills(sdk: Any, unique: Callable[[str], str], count: int, cost: float = 100.0) -> tuple[int, int, list[int]]:
    """An account with one meter and `count` monthly bills of 2024 entered through the SDK: (account, meter, ids)."""
    account_id, meter_id = linked_pair(sdk, unique, "Account", "Meter")
    ids = []
    for month in range(1, count + 1):
        line = models.BillMeterBodyLineCreate(
            observation_type_id=1, caption="Energy", value=1000, value_unit_id=1, cost=cost + month
        )
        created = sdk.create_bill(
            body=models.BillCreate(
                account_id=account_id,
                begin_date=datetime(2024, month, 1),
                end_date=datetime(2024, month + 1, 1),
                billing_period=202400 + month,
                manual_entry=True,
                meters=[models.BillMeterCreate(meter_id=meter_id, body_lines=[line])],
                account_body_lines=[],
            )
        )
        ids.append(created.bill_id)
    return account_id, meter_id, ids


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


def test_approve_and_hold_through_the_sdk(sdk: Any, unique: Callable[[str], str]) -> None:
    account_id, meter_id, bill_ids = _bills(sdk, unique, 2)
    result = sdk.bill_action_approve_method(models.BillActionApprove(ids=bill_ids, approve=True))
    assert (result.selected, result.updated) == (2, 2)
    bill = sdk.get_bill(bill_ids[0])
    assert bill.approved is True
    assert bill.approved_by.user_code == "admin"
    held = sdk.meter_bill_list_export_hold(meter_id, models.ListActionExportHold(export_hold=True))
    assert (held.selected, held.updated) == (2, 2)
    assert sdk.get_bill(bill_ids[1]).export_hold is True
    released = sdk.bill_action_export_hold_method(models.BillActionExportHold(ids=bill_ids, export_hold=False))
    assert released.updated == 2
    undone = sdk.account_bill_list_approve(account_id, models.ListActionApprove(approve=False))
    assert (undone.selected, undone.updated) == (2, 2)
    assert sdk.get_bill(bill_ids[0]).approve_date is None


def test_approve_export_and_unexport_by_guid_through_the_sdk(sdk: Any, unique: Callable[[str], str]) -> None:
    _account_id, _meter_id, bill_ids = _bills(sdk, unique, 3)
    approved = sdk.bill_action_approve_method(models.BillActionApprove(ids=bill_ids[:2], approve=True))
    assert approved.updated == 2
    sdk.bill_action_export_hold_method(models.BillActionExportHold(ids=[bill_ids[1]], export_hold=True))
    raw = sdk.export_bills_method(
        models.BillExport(bill_ids=bill_ids, export_mode="gl", mark_as_exported=True, export_note="SDK"), raw=True
    )
    guid = raw.response.headers["Ec-Guid"]
    text = raw.response.text
    assert text.startswith("L0:[BH] Bill header@")
    # Approval mode is off by default: the unapproved bill goes too, the held one does not.
    exported = [int(line.split(",")[1]) for line in text.splitlines() if line.startswith("L1:")]
    assert exported == [bill_ids[0], bill_ids[2]]
    bill = sdk.get_bill(bill_ids[0])
    assert bill.gl_exported is True
    assert bill.gl_exported_by.user_code == "admin"
    assert bill.exported is False
    assert sdk.get_bill(bill_ids[1]).gl_exported is False
    undone = sdk.unexport_bills_by_guid(guid)
    assert (undone.selected, undone.updated) == (2, 2)
    assert sdk.get_bill(bill_ids[0]).gl_exported is False
    assert sdk.get_bill(bill_ids[0]).gl_export_date is None
    again = sdk.unexport_bills(models.BillUnexport(bill_ids=bill_ids, export_mode="gl"))
    assert (again.selected, again.updated) == (3, 0)
    profile = sdk.export_bill_profile(export_mode="GL", raw=True)
    assert "Literal=L1:[BS] Bill summary@" in profile.response.text


def test_flag_types_and_a_bill_flag_through_the_sdk(sdk: Any, unique: Callable[[str], str]) -> None:
    _account_id, _meter_id, bill_ids = _bills(sdk, unique, 2)
    created = sdk.create_flag_type(models.FlagTypeCreate(flag_type_info=unique("T")[:32]))
    assert created.flag_type_id >= 100
    assert sdk.get_flag_types()[0].flag_type_id == 1
    assert sdk.get_flag("Bill", bill_ids[0]) is None  # 204: not flagged
    flag = sdk.edit_flag(
        "Bill",
        bill_ids[0],
        models.FlagEdit(
            flag_type_id=created.flag_type_id, comment="check", hold_from_export=True, release_export_hold=False
        ),
    )
    assert isinstance(flag, models.FlagResponse)
    assert flag.flag_status.flag_status_info == "Unresolved"
    assert sdk.get_bill(bill_ids[0]).export_hold is True
    result = sdk.flag_action(
        "Bill",
        models.FlagListAction(
            entity_ids=bill_ids,
            flag_action=models.FlagEdit(flag_status_id=2, hold_from_export=False, release_export_hold=True),
        ),
    )
    assert (result.selected, result.updated) == (2, 1)  # the unflagged bill has no type to be flagged with
    assert sdk.get_flag("Bill", bill_ids[0]).flag_status.flag_status_id == 2
    assert sdk.get_bill(bill_ids[0]).export_hold is False


def test_flag_summaries_through_the_sdk(sdk: Any, unique: Callable[[str], str]) -> None:
    _account_id, meter_id, bill_ids = _bills(sdk, unique, 1)
    created = sdk.create_flag_type(models.FlagTypeCreate(flag_type_info=unique("S")[:32]))
    sdk.edit_flag(
        "Bill",
        bill_ids[0],
        models.FlagEdit(
            flag_type_id=created.flag_type_id, cost_recovery=2.5, hold_from_export=False, release_export_hold=False
        ),
    )
    widget = sdk.bill_flag_summary_by_meter(1, page_size=1000)
    assert isinstance(widget, models.FlagWidget)
    assert widget.view_by == "Meter"
    assert meter_id in [row.item_id for row in widget.results]
    by_account = sdk.bill_flag_summary_by_account(1)
    assert by_account.flag_status == "Unresolved"
    assert by_account.flag_count >= 1


def _audit_request(response: Any) -> Any:
    """An AuditSettingsRequest carrying the settings of an AuditSettingsResponse (assignees as ids)."""
    settings = response.as_dict()
    for one in settings.values():
        one.pop("setting_code", None)
        one.pop("setting_description", None)
        one["assignees"] = [user["user_id"] for user in one.get("assignees", [])]
    return models.AuditSettingsRequest.from_dict(settings)


def test_audit_settings_round_trip_through_the_sdk(sdk: Any, unique: Callable[[str], str]) -> None:
    before = sdk.get_audit_settings()
    assert isinstance(before, models.AuditSettingsResponse)
    assert before.bill_ends_in_future.setting_status == "Check"
    assert before.due_date_too_long_after_bill_end.days == 60
    request = _audit_request(before)
    request.due_date_too_long_after_bill_end.days = 45
    request.bill_contains_line_item_descriptions.line_item_descriptions = ["Late fee"]
    try:
        saved = sdk.update_audit_settings(request)
        assert isinstance(saved, models.AuditSettingsResponse)
        assert saved.due_date_too_long_after_bill_end.days == 45
        assert saved.bill_contains_line_item_descriptions.line_item_descriptions == ["Late fee"]
        assert saved.bill_ends_in_future.setting_code == "billEndsInFuture"
        assert sdk.get_audit_settings().due_date_too_long_after_bill_end.days == 45
        account_id, _meter_id = linked_pair(sdk, unique, "Audited", "AuditedMeter")
        excluded = sdk.set_account_audit_exclusion(
            models.AccountAuditEnable(account_ids=[account_id], audit_enabled=False)
        )
        assert (excluded.selected, excluded.updated) == (1, 1)
        included = sdk.set_account_audit_exclusion(
            models.AccountAuditEnable(account_ids=[account_id], audit_enabled=True)
        )
        assert included.updated == 1
    finally:
        sdk.update_audit_settings(_audit_request(before))
