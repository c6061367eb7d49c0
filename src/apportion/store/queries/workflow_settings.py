"""The bill workflow settings as the domain's value: read (defaults until first saved) and save (one row, id 1)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from apportion.domain.workflow import (
    CanExport,
    HeaderSetting,
    ImportErrorHandling,
    StreamSetting,
    WorkflowSettings,
)
from apportion.store.models.accounting import WorkflowBillHeader, WorkflowSetting

_ROW_ID = 1


def load(session: Session) -> WorkflowSettings:
    """The saved settings, or the domain's defaults for what was never saved."""
    defaults = WorkflowSettings()
    headers = dict(defaults.headers)
    for name, use_field, required in session.execute(
        select(WorkflowBillHeader.header_name, WorkflowBillHeader.use_field, WorkflowBillHeader.required)
    ):
        if name in headers:
            headers[name] = HeaderSetting(use_field=use_field, required=required)
    row = session.get(WorkflowSetting, _ROW_ID)
    if row is None:
        return WorkflowSettings(headers=tuple(headers.items()))
    return WorkflowSettings(
        approval_mode_enabled=row.approval_mode_enabled,
        confirm_edit_delete=row.confirm_edit_delete,
        maximum_approval_amount=row.maximum_approval_amount,
        ap=StreamSetting(row.ap_export_enabled, CanExport(row.ap_can_export), row.ap_include_udfs),
        gl=StreamSetting(row.gl_export_enabled, CanExport(row.gl_can_export), row.gl_include_udfs),
        headers=tuple(headers.items()),
        allow_advanced_chargeback_settings=row.allow_advanced_chargeback_settings,
        import_error_handling=ImportErrorHandling(row.import_error_handling),
    )


def save(session: Session, settings: WorkflowSettings) -> None:
    """Store the whole set (replacing what was saved)."""
    values = {
        "approval_mode_enabled": settings.approval_mode_enabled,
        "confirm_edit_delete": settings.confirm_edit_delete,
        "maximum_approval_amount": settings.maximum_approval_amount,
        "ap_export_enabled": settings.ap.export_mode_enabled,
        "ap_can_export": settings.ap.can_export.value,
        "ap_include_udfs": settings.ap.include_udfs,
        "gl_export_enabled": settings.gl.export_mode_enabled,
        "gl_can_export": settings.gl.can_export.value,
        "gl_include_udfs": settings.gl.include_udfs,
        "allow_advanced_chargeback_settings": settings.allow_advanced_chargeback_settings,
        "import_error_handling": settings.import_error_handling.value,
    }
    row = session.get(WorkflowSetting, _ROW_ID, with_for_update=True)
    if row is None:
        session.add(WorkflowSetting(setting_id=_ROW_ID, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)
    session.execute(delete(WorkflowBillHeader))
    session.add_all(
        WorkflowBillHeader(header_name=name, use_field=header.use_field, required=header.required)
        for name, header in settings.headers
    )
    session.flush()
