"""The bill workflow settings as pure values: defaults, what a PUT may change, the approval extension, parsing."""

from __future__ import annotations

import pytest

from apportion.domain import workflow
from apportion.domain.errors import ValidationFailed
from apportion.domain.workflow import (
    CanExport,
    ExportMode,
    HeaderSetting,
    ImportErrorHandling,
    StreamSetting,
    WorkflowChange,
    WorkflowSettings,
)


def test_the_defaults_leave_approval_off_and_both_streams_open_after_entry() -> None:
    settings = WorkflowSettings()
    assert settings.approval_mode_enabled is False
    assert settings.maximum_approval_amount is None
    for mode in ExportMode:
        assert settings.stream(mode) == StreamSetting(True, CanExport.AFTER_ENTRY, False)
        assert settings.approval_required(mode) is False
    assert settings.import_error_handling is ImportErrorHandling.PROCESS_VALID_BILLS
    assert [name for name, _ in settings.headers] == list(workflow.HEADER_FIELDS)


@pytest.mark.parametrize(
    ("point", "approval", "batch"),
    [
        (CanExport.NEVER, False, False),
        (CanExport.AFTER_ENTRY, False, False),
        (CanExport.AFTER_BATCH, False, True),
        (CanExport.AFTER_APPROVAL, True, False),
        (CanExport.AFTER_BATCH_APPROVAL, True, True),
    ],
)
def test_each_export_point_names_what_it_needs(point: CanExport, approval: bool, batch: bool) -> None:
    stream = StreamSetting(True, point, False)
    assert (stream.needs_approval, stream.needs_closed_batch) == (approval, batch)
    settings = WorkflowSettings(gl=stream)
    assert settings.approval_required(ExportMode.GL) is approval
    assert WorkflowSettings(approval_mode_enabled=True, gl=stream).approval_required(ExportMode.GL) is True


def test_a_change_keeps_what_it_leaves_out_and_cannot_switch_approval_mode() -> None:
    current = WorkflowSettings(approval_mode_enabled=True, maximum_approval_amount=500)
    change = WorkflowChange(
        headers=(("dueDate", HeaderSetting(use_field=True, required=True)),),
        confirm_edit_delete=False,
        gl=StreamSetting(True, CanExport.AFTER_BATCH_APPROVAL, True),
        import_error_handling=ImportErrorHandling.MARK_BATCH_PENDING,
    )
    after = workflow.apply_change(current, change)
    assert after.approval_mode_enabled is True
    assert after.maximum_approval_amount == 500
    assert after.confirm_edit_delete is False
    assert after.ap == current.ap
    assert after.gl.can_export is CanExport.AFTER_BATCH_APPROVAL
    assert after.header("dueDate") == HeaderSetting(True, True)
    assert after.header("controlCode") == HeaderSetting()
    assert after.import_error_handling is ImportErrorHandling.MARK_BATCH_PENDING
    assert after.allow_advanced_chargeback_settings is True


def test_the_approval_extension_sets_clears_and_refuses_a_negative_limit() -> None:
    on = workflow.set_approval(WorkflowSettings(), True, 1000, clear_maximum=False)
    assert (on.approval_mode_enabled, on.maximum_approval_amount) == (True, 1000)
    kept = workflow.set_approval(on, None, None, clear_maximum=False)
    assert (kept.approval_mode_enabled, kept.maximum_approval_amount) == (True, 1000)
    cleared = workflow.set_approval(on, False, None, clear_maximum=True)
    assert (cleared.approval_mode_enabled, cleared.maximum_approval_amount) == (False, None)
    for amount in (-1, workflow.MAX_APPROVAL_AMOUNT + 1):
        with pytest.raises(ValidationFailed) as refused:
            workflow.set_approval(on, None, amount, clear_maximum=False)
        assert "maximumApprovalAmount" in refused.value.errors


def test_parsing_names_the_field_and_accepts_modes_in_any_case() -> None:
    assert workflow.parse_export_mode("GL") is ExportMode.GL
    assert workflow.parse_export_mode(" ap ") is ExportMode.AP
    for bad in (None, "", "payment", "a p"):
        with pytest.raises(ValidationFailed) as refused:
            workflow.parse_export_mode(bad)
        assert "exportMode" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        workflow.parse_can_export("after lunch", "glExport.canExport")
    assert "glExport.canExport" in refused.value.errors
    with pytest.raises(ValidationFailed):
        workflow.parse_error_handling("Ignore")
