"""The accounting hand-off: the system's bill workflow settings and the record of every bill export (accounting.md)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from apportion.store.models.base import Base, Money


class WorkflowSetting(Base):
    """The one row of bill workflow settings (id 1); absent until the first change, the domain's defaults answer."""

    __tablename__ = "workflow_settings"

    setting_id: Mapped[int] = mapped_column(primary_key=True)
    approval_mode_enabled: Mapped[bool]
    confirm_edit_delete: Mapped[bool]
    maximum_approval_amount: Mapped[int | None]
    ap_export_enabled: Mapped[bool]
    ap_can_export: Mapped[str] = mapped_column(String(32))
    ap_include_udfs: Mapped[bool]
    gl_export_enabled: Mapped[bool]
    gl_can_export: Mapped[str] = mapped_column(String(32))
    gl_include_udfs: Mapped[bool]
    allow_advanced_chargeback_settings: Mapped[bool]
    import_error_handling: Mapped[str] = mapped_column(String(32))


class WorkflowBillHeader(Base):
    """A batch header field's workflow setting (BillHeaderWorkflowChild), one row per field once saved."""

    __tablename__ = "workflow_bill_headers"

    header_name: Mapped[str] = mapped_column(String(32), primary_key=True)
    use_field: Mapped[bool]
    required: Mapped[bool]


class BillExport(Base):
    """One PUT /api/v3/bill/export: its Ec-Guid, stream, whether it marked bills, who, when, and its totals."""

    __tablename__ = "bill_exports"

    export_id: Mapped[int] = mapped_column(primary_key=True)
    export_guid: Mapped[str] = mapped_column(String(36), unique=True)
    export_mode: Mapped[str] = mapped_column(String(8))
    marked: Mapped[bool]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"), index=True)
    created_date: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(String(4000))
    file_name: Mapped[str] = mapped_column(String(255))
    bill_count: Mapped[int]
    total: Mapped[Decimal] = mapped_column(Money)


class BillExportItem(Base):
    """A bill in an export that marked bills. `reversal` is a voided bill posted back (docs/accounting.md);
    `undone` is set when the bill is unexported. The bill id is no key: the export's history outlives the bill."""

    __tablename__ = "bill_export_items"

    export_id: Mapped[int] = mapped_column(ForeignKey("bill_exports.export_id", ondelete="CASCADE"), primary_key=True)
    bill_id: Mapped[int] = mapped_column(primary_key=True, index=True)
    reversal: Mapped[bool] = mapped_column(primary_key=True, default=False)
    total: Mapped[Decimal] = mapped_column(Money)
    undone: Mapped[bool] = mapped_column(default=False, server_default=false())

    __table_args__ = (Index("ix_bill_export_items_bill_undone", "bill_id", "undone"),)


class FlagType(Base):
    """A user-created flag type. Its wire id is `flag_type_key + 99` (user types get ids from 100, accounting.md §9
    D2); the system type Audit Exception (id 1) is the domain's and is not stored."""

    __tablename__ = "flag_types"

    flag_type_key: Mapped[int] = mapped_column(primary_key=True)
    flag_type_info: Mapped[str] = mapped_column(String(32))


class BillFlag(Base):
    """The one flag a bill may carry: its type (wire id), status (1 unresolved, 2 resolved), cost recovered, who and
    when."""

    __tablename__ = "bill_flags"

    flag_id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.bill_id", ondelete="CASCADE"), unique=True)
    flag_type_id: Mapped[int] = mapped_column(index=True)
    status_id: Mapped[int]
    cost_recovery: Mapped[Decimal | None] = mapped_column(Money)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.user_id"), index=True)
    created_date: Mapped[datetime]
    modified_by: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"), index=True)
    modified_date: Mapped[datetime | None]


class BillFlagAssignee(Base):
    """A user a bill's flag is assigned to."""

    __tablename__ = "bill_flag_assignees"

    flag_id: Mapped[int] = mapped_column(ForeignKey("bill_flags.flag_id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True, index=True)


class BillFlagEvent(Base):
    """The history of a flag: what was done (action id and name), a description, the comment, who and when."""

    __tablename__ = "bill_flag_events"

    event_id: Mapped[int] = mapped_column(primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("bill_flags.flag_id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int]
    action_info: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(String(255))
    comment: Mapped[str | None] = mapped_column(String(4000))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.user_id"), index=True)
    created_date: Mapped[datetime]


class BillList(Base):
    """A saved bill list, the `listId` of EnergyCAP's list actions: its bills are named one by one (members) or by a
    filter of GET /api/v3/bill (`filter_text`), which is evaluated each time the list is used."""

    __tablename__ = "bill_lists"

    list_id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    filter_text: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.user_id", ondelete="SET NULL"), index=True)
    created_date: Mapped[datetime]


class BillListMember(Base):
    """A bill named by a saved list (a bill deleted leaves its lists)."""

    __tablename__ = "bill_list_members"

    list_id: Mapped[int] = mapped_column(ForeignKey("bill_lists.list_id", ondelete="CASCADE"), primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.bill_id", ondelete="CASCADE"), primary_key=True, index=True)


class AuditSetting(Base):
    """One audit's saved setting (accounting.md §2.4), keyed by its wire name; absent until first saved, when the
    domain's defaults answer (§9 D8). `items` holds its line-item descriptions or observation type codes,
    `threshold` its percent, days or bills, `sensitivity` an outlier audit's level."""

    __tablename__ = "audit_settings"

    setting_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    setting_status: Mapped[str] = mapped_column(String(8))
    minimum_cost: Mapped[int]
    items: Mapped[list[str] | None] = mapped_column(JSON)
    threshold: Mapped[int | None]
    sensitivity: Mapped[str | None] = mapped_column(String(16))


class AuditSettingAssignee(Base):
    """A user a failed audit's flag is assigned to."""

    __tablename__ = "audit_setting_assignees"

    setting_code: Mapped[str] = mapped_column(
        ForeignKey("audit_settings.setting_code", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True, index=True)


class BillFlagIssue(Base):
    """A failed audit on a flagged bill (flagIssues): the audit's issue type id and whether the issue is resolved.
    Issues stay on a resolved flag as its record (accounting.md §2.3)."""

    __tablename__ = "bill_flag_issues"

    flag_id: Mapped[int] = mapped_column(ForeignKey("bill_flags.flag_id", ondelete="CASCADE"), primary_key=True)
    issue_type_id: Mapped[int] = mapped_column(primary_key=True)
    resolved: Mapped[bool]
