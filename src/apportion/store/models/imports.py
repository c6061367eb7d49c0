"""Bill import: profiles, GUID tasks and the files kept with them (sources and kickouts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from apportion.store.models.base import NEVER_REUSED_KEYS, Base


class BillImportProfile(Base):
    """A saved column mapping for profile-mapped bill import files."""

    __tablename__ = "bill_import_profiles"

    profile_id: Mapped[int] = mapped_column(primary_key=True)
    profile_code: Mapped[str] = mapped_column(String(64), unique=True)
    profile_info: Mapped[str | None] = mapped_column(String(255))
    column_mapping: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"), index=True)
    created_date: Mapped[datetime | None]


class Task(Base):
    """A GUID-identified background task (bill imports); `output` holds its summary figures."""

    __tablename__ = "tasks"
    __table_args__ = NEVER_REUSED_KEYS

    task_id: Mapped[int] = mapped_column(primary_key=True)
    task_guid: Mapped[str] = mapped_column(String(36), unique=True)
    task_type_code: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"), index=True)
    begin_date: Mapped[datetime]
    end_date: Mapped[datetime | None]
    message: Mapped[str | None] = mapped_column(String(4000))
    task_note: Mapped[str | None] = mapped_column(String(4000))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    output: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.batch_id", ondelete="SET NULL"), index=True)
    parent_task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.task_id"), index=True)


class TaskFile(Base):
    """A file kept with a task: the uploaded source, or a kickout file of rows that failed."""

    __tablename__ = "task_files"

    task_file_id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.task_id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    messages: Mapped[list[str] | None] = mapped_column(JSON)
    row_count: Mapped[int] = mapped_column(default=0)
