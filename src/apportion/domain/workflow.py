"""Bill workflow settings (accounting.md §2.2): approval mode, when bills may be exported on each stream, the batch
header fields, the chargeback dialog switch and how bill imports handle errors. One system-wide set; the defaults
below answer until someone saves a change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from apportion.domain.errors import ValidationFailed


class ExportMode(StrEnum):
    """The two export streams of the SDK's BillExport (accounting.md §2.1): accounts payable and general ledger."""

    AP = "ap"
    GL = "gl"


class CanExport(StrEnum):
    """ExportWorkflowChild.canExport: the point at which a bill may be exported on a stream."""

    NEVER = "never"
    AFTER_ENTRY = "after entry"
    AFTER_BATCH = "after batch"
    AFTER_APPROVAL = "after approval"
    AFTER_BATCH_APPROVAL = "after batch approval"


class ImportErrorHandling(StrEnum):
    """BillImportWorkflowSettings.errorHandling (domain.md Q27)."""

    MARK_BATCH_PENDING = "MarkBatchPending"
    PROCESS_VALID_BILLS = "ProcessValidBills"


# BatchWorkflowChild's seven bill header fields, in the SDK's order (wire names).
HEADER_FIELDS = (
    "dueDate",
    "statementDate",
    "invoiceNumber",
    "controlCode",
    "nextReading",
    "accountPeriodName",
    "accountPeriodYear",
)


@dataclass(frozen=True)
class HeaderSetting:
    """BillHeaderWorkflowChild: whether a batch header field is offered, and whether it must be filled."""

    use_field: bool = True
    required: bool = False


@dataclass(frozen=True)
class StreamSetting:
    """ExportWorkflowChild: one export stream's switch, its export point and whether custom fields go out."""

    export_mode_enabled: bool = True
    can_export: CanExport = CanExport.AFTER_ENTRY
    include_udfs: bool = False

    @property
    def needs_approval(self) -> bool:
        """accounting.md §9 D7: the export point names approval."""
        return self.can_export in (CanExport.AFTER_APPROVAL, CanExport.AFTER_BATCH_APPROVAL)

    @property
    def needs_closed_batch(self) -> bool:
        """accounting.md §9 D7: the export point names the batch."""
        return self.can_export in (CanExport.AFTER_BATCH, CanExport.AFTER_BATCH_APPROVAL)


def _default_headers() -> dict[str, HeaderSetting]:
    return {name: HeaderSetting() for name in HEADER_FIELDS}


@dataclass(frozen=True)
class WorkflowSettings:
    """The whole set. Defaults (accounting.md §9 D3): approval mode off, nothing auto-approved, both streams on
    and open to bills after entry, no amount limit, imports process their valid bills."""

    approval_mode_enabled: bool = False
    confirm_edit_delete: bool = True
    maximum_approval_amount: int | None = None
    ap: StreamSetting = StreamSetting()
    gl: StreamSetting = StreamSetting()
    headers: tuple[tuple[str, HeaderSetting], ...] = tuple(_default_headers().items())
    allow_advanced_chargeback_settings: bool = True
    import_error_handling: ImportErrorHandling = ImportErrorHandling.PROCESS_VALID_BILLS

    def stream(self, mode: ExportMode) -> StreamSetting:
        """The setting of one export stream."""
        return self.ap if mode is ExportMode.AP else self.gl

    def header(self, name: str) -> HeaderSetting:
        """One batch header field's setting."""
        return dict(self.headers)[name]

    def approval_required(self, mode: ExportMode) -> bool:
        """accounting.md §9 D7: export needs approved bills when approval mode is on or the export point says so."""
        return self.approval_mode_enabled or self.stream(mode).needs_approval


def parse_export_mode(value: str | None, field: str = "exportMode") -> ExportMode:
    """`ap` or `gl`, case-insensitively (the list variants say so, accounting.md §3.3 item 4); else 400."""
    text = (value or "").strip().lower()
    if text not in {mode.value for mode in ExportMode}:
        raise ValidationFailed.single(field, f"{field} must be one of ap, gl (got {value!r}).")
    return ExportMode(text)


def parse_can_export(value: str, field: str) -> CanExport:
    """One of the five export points; anything else is a 400 naming the field."""
    if value not in {point.value for point in CanExport}:
        allowed = ", ".join(point.value for point in CanExport)
        raise ValidationFailed.single(field, f"{field} must be one of {allowed} (got {value!r}).")
    return CanExport(value)


def parse_error_handling(value: str, field: str = "billImport.errorHandling") -> ImportErrorHandling:
    """MarkBatchPending or ProcessValidBills; anything else is a 400 naming the field."""
    if value not in {choice.value for choice in ImportErrorHandling}:
        raise ValidationFailed.single(field, f"{field} must be one of MarkBatchPending, ProcessValidBills.")
    return ImportErrorHandling(value)


@dataclass(frozen=True)
class WorkflowChange:
    """What PUT /api/v3/workflow may change (WorkflowSettingsRequest): `batch` and `approval` are required, the
    others are left as they are when absent."""

    headers: tuple[tuple[str, HeaderSetting], ...]
    confirm_edit_delete: bool
    ap: StreamSetting | None = None
    gl: StreamSetting | None = None
    allow_advanced_chargeback_settings: bool | None = None
    import_error_handling: ImportErrorHandling | None = None


def apply_change(current: WorkflowSettings, change: WorkflowChange) -> WorkflowSettings:
    """The settings after a PUT: approval mode and the approval limit are not writable there (accounting.md §2.2)."""
    unknown = sorted({name for name, _ in change.headers} - set(HEADER_FIELDS))
    if unknown:
        raise ValidationFailed.single("batch", f"Unknown batch header fields: {', '.join(unknown)}.")
    headers = {**dict(current.headers), **dict(change.headers)}
    return replace(
        current,
        headers=tuple((name, headers[name]) for name in HEADER_FIELDS),
        confirm_edit_delete=change.confirm_edit_delete,
        ap=change.ap if change.ap is not None else current.ap,
        gl=change.gl if change.gl is not None else current.gl,
        allow_advanced_chargeback_settings=(
            change.allow_advanced_chargeback_settings
            if change.allow_advanced_chargeback_settings is not None
            else current.allow_advanced_chargeback_settings
        ),
        import_error_handling=change.import_error_handling or current.import_error_handling,
    )


MAX_APPROVAL_AMOUNT = 2**31 - 1
"""The largest maximumApprovalAmount: an int32, as EnergyCAP's model types it and our column stores it."""


def set_approval(
    current: WorkflowSettings, enabled: bool | None, maximum_amount: int | None, clear_maximum: bool
) -> WorkflowSettings:
    """Apportion's extension (PUT /apportion/v1/workflow/approval): switch approval mode, set or clear the limit.

    A negative limit is refused: "maximum total cost that a user can approve" cannot be below zero; so is one past
    MAX_APPROVAL_AMOUNT, the largest the stored (32-bit) integer holds.
    """
    if maximum_amount is not None and maximum_amount < 0:
        raise ValidationFailed.single("maximumApprovalAmount", "maximumApprovalAmount must not be negative.")
    if maximum_amount is not None and maximum_amount > MAX_APPROVAL_AMOUNT:
        raise ValidationFailed.single(
            "maximumApprovalAmount", f"maximumApprovalAmount must be at most {MAX_APPROVAL_AMOUNT:,}."
        )
    return replace(
        current,
        approval_mode_enabled=current.approval_mode_enabled if enabled is None else enabled,
        maximum_approval_amount=None
        if clear_maximum
        else (maximum_amount if maximum_amount is not None else current.maximum_approval_amount),
    )
