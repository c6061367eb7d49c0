"""Bill import tasks as typed values: store one with its source file, find it by GUID, list tasks with their user,
batch and surviving bill count, read their files, and the writes of a task's run (claim, finish, fail).

Statuses are domain.task_status.TaskStatus; a task's `settings` and `output` are JSON documents with wire names.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, BinaryIO, NamedTuple, TypeAlias, cast

from sqlalchemy import LargeBinary, RowMapping, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from apportion.domain.filters import Condition
from apportion.domain.flags import FlagStatus
from apportion.domain.task_status import TaskStatus
from apportion.store import scoping
from apportion.store.filtering import compile_filter
from apportion.store.id_lists import among
from apportion.store.models.accounting import BillFlag
from apportion.store.models.bills import Batch, Bill
from apportion.store.models.imports import Task, TaskFile
from apportion.store.models.reference import Unit, UnitType
from apportion.store.models.users import User
from apportion.store.paging import AnySelect, TypedPage, paginate
from apportion.store.queries.children import UserChild
from apportion.store.scoping import Ids
from apportion.store.streams import SizedReader

SOURCE, KICKOUT = "source", "kickout"
"""The kinds of file kept with a task: the uploaded source, and kickout files of rows that failed."""

_TASK_COLUMNS = (
    Task.task_id,
    Task.task_guid,
    Task.task_type_code,
    Task.status,
    Task.user_id,
    Task.begin_date,
    Task.end_date,
    Task.message,
    Task.task_note,
    Task.settings,
    Task.output,
    Task.batch_id,
    Task.parent_task_id,
)


@dataclass(frozen=True)
class TaskRecord:
    """A task: GUID, type, status, owner, dates, message and note, the request's settings and the run's output
    (JSON documents with wire names), the batch its bills went into and the task it re-imports the kickouts of.
    The fields are in `_TASK_COLUMNS`' order."""

    task_id: int
    task_guid: str
    task_type_code: str
    status: str
    user_id: int
    begin_date: datetime
    end_date: datetime | None
    message: str | None
    task_note: str | None
    settings: dict[str, Any] | None
    output: dict[str, Any] | None
    batch_id: int | None
    parent_task_id: int | None


@dataclass(frozen=True)
class TaskListing:
    """A task as GET /api/v3/task answers it: with its user, its batch's code and how many of its bills remain."""

    task: TaskRecord
    user: UserChild
    batch_code: str | None
    current_success_count: int
    unresolved_flag_count: int = 0  # the task's live bills with an unresolved flag (audits flag them as imported)


TaskPage: TypeAlias = TypedPage[TaskListing]
"""One page of tasks and the number of tasks the filter matches."""


class KeptFile(NamedTuple):
    """A file kept with a task: its name, content and (for a kickout file) the kickout messages of its rows."""

    file_name: str
    content: bytes
    messages: list[str] | None


class FileMessages(NamedTuple):
    """A kickout file's name and the kickout messages of its rows."""

    file_name: str
    messages: list[str] | None


@dataclass(frozen=True)
class NewTask:
    """What storing a Queued task writes besides its id and status."""

    task_guid: str
    task_type_code: str
    user_id: int
    begin_date: datetime
    task_note: str | None
    settings: dict[str, Any]
    parent_task_id: int | None = None


def _record(row: Sequence[Any]) -> TaskRecord:
    return TaskRecord(*row[: len(_TASK_COLUMNS)])


# Reads -------------------------------------------------------------------------------------------------------------


def task_with_guid(session: Session, task_guid: str) -> TaskRecord | None:
    """The task with this GUID (as stored: lower case, with hyphens), or None."""
    row = session.execute(select(*_TASK_COLUMNS).where(Task.task_guid == task_guid)).first()
    return None if row is None else _record(row)


def files_of(session: Session, task_id: int, kind: str) -> list[KeptFile]:
    """The task's files of a kind (SOURCE, KICKOUT), in the order they were stored."""
    rows = session.execute(
        select(TaskFile.file_name, TaskFile.content, TaskFile.messages)
        .where(TaskFile.task_id == task_id, TaskFile.kind == kind)
        .order_by(TaskFile.task_file_id)
    )
    return [KeptFile(*row) for row in rows]


def kickout_messages(session: Session, task_id: int) -> list[FileMessages]:
    """Each kickout file's name and kickout messages, in the order they were stored (not their contents)."""
    rows = session.execute(
        select(TaskFile.file_name, TaskFile.messages)
        .where(TaskFile.task_id == task_id, TaskFile.kind == KICKOUT)
        .order_by(TaskFile.task_file_id)
    )
    return [FileMessages(name, messages) for name, messages in rows]


def currency_unit_codes(session: Session, currency_type_code: str) -> frozenset[str]:
    """Codes of the units of the given unit type (CURRENCY: a line column in one of them holds a cost)."""
    codes = session.execute(
        select(Unit.unit_code)
        .join(UnitType, UnitType.unit_type_id == Unit.unit_type_id)
        .where(UnitType.unit_type_code == currency_type_code)
    ).scalars()
    return frozenset(codes)


@cache
def _listing_select() -> AnySelect:
    """Tasks with their user (its columns keep their labels: GET /api/v3/task filters on `fullName`), batch code and
    surviving bill count; built once."""
    owner = aliased(User)
    success = (
        select(func.count(Bill.bill_id)).where(Bill.import_task_id == Task.task_id).correlate(Task).scalar_subquery()
    )
    flagged = (
        select(func.count(BillFlag.flag_id))
        .join(Bill, Bill.bill_id == BillFlag.bill_id)
        .where(
            Bill.import_task_id == Task.task_id,
            Bill.void.is_(False),
            BillFlag.status_id == FlagStatus.UNRESOLVED,
        )
        .correlate(Task)
        .scalar_subquery()
    )
    return (
        select(
            *_TASK_COLUMNS,
            owner.user_id.label("user_user_id"),
            owner.user_code.label("user_user_code"),
            owner.full_name.label("user_full_name"),
            Batch.batch_code.label("batch_code"),
            success.label("current_success_count"),
            flagged.label("unresolved_flag_count"),
        )
        .join(owner, owner.user_id == Task.user_id)
        .outerjoin(Batch, Batch.batch_id == Task.batch_id)
    )


def _listing(row: RowMapping) -> TaskListing:
    return TaskListing(
        task=TaskRecord(*(row[column.key] for column in _TASK_COLUMNS)),
        user=UserChild(row["user_user_id"], row["user_user_code"], row["user_full_name"]),
        batch_code=row["batch_code"],
        current_success_count=row["current_success_count"],
        unresolved_flag_count=row["unresolved_flag_count"],
    )


def _visible(statement: AnySelect, user_id: int | None, seen: Ids | None) -> AnySelect:
    """Only `user_id`'s own tasks (None: everyone's), and only those among `seen` (store.scoping.import_task_ids;
    None: no condition, for an unlimited user)."""
    statement = statement if user_id is None else statement.where(Task.user_id == user_id)
    return scoping.restrict(statement, Task.task_id, seen)


def task_listing(session: Session, task_id: int, visible_to: int | None, seen: Ids | None = None) -> TaskListing | None:
    """One task with its user, batch code and bill count; None if missing, not `visible_to`'s own task (None:
    everyone's tasks are visible), or not among `seen` (a scoped user's, store.scoping.import_task_ids)."""
    statement = _visible(_listing_select(), visible_to, seen).where(Task.task_id == task_id)
    row = session.execute(statement).mappings().first()
    return None if row is None else _listing(row)


def list_tasks(
    session: Session,
    task_type_code: str | None,
    conditions: Sequence[Condition],
    visible_to: int | None,
    page_number: int,
    page_size: int,
    today: date,
    seen: Ids | None = None,
) -> TaskPage:
    """One page of the tasks of a type (all types for None) meeting every condition, newest first; only
    `visible_to`'s own tasks unless it is None, and only those among `seen` (a scoped user's) unless it is None."""
    statement = _visible(_listing_select(), visible_to, seen)
    if task_type_code is not None:
        statement = statement.where(Task.task_type_code == task_type_code)
    owner = statement.selected_columns
    targets = {
        "taskId": Task.task_id,
        "status": Task.status,
        "batchId": Task.batch_id,
        "batchCode": Batch.batch_code,
        "beginDate": Task.begin_date,
        "endDate": Task.end_date,
        "fullName": owner.user_full_name,
        "userId": Task.user_id,
        "taskNote": Task.task_note,
    }
    statement = statement.where(compile_filter(conditions, targets, today)).order_by(Task.task_id.desc())
    page = paginate(session, statement, page_number, page_size)
    return TypedPage([_listing(row) for row in page.rows], page.total)


# Writes ------------------------------------------------------------------------------------------------------------


def insert_task(session: Session, new: NewTask) -> TaskRecord:
    """Store a Queued task."""
    values: dict[str, Any] = {
        "task_guid": new.task_guid,
        "task_type_code": new.task_type_code,
        "status": TaskStatus.QUEUED,
        "user_id": new.user_id,
        "begin_date": new.begin_date,
        "end_date": None,
        "message": None,
        "task_note": new.task_note,
        "settings": new.settings,
        "output": None,
        "batch_id": None,
        "parent_task_id": new.parent_task_id,
    }
    task_id = session.execute(insert(Task).values(values).returning(Task.task_id)).scalar_one()
    return TaskRecord(task_id=task_id, **values)


def add_file(
    session: Session,
    task_id: int,
    kind: str,
    file_name: str,
    content: bytes,
    messages: list[str] | None = None,
    row_count: int = 0,
) -> None:
    """Keep a file with a task."""
    session.execute(
        insert(TaskFile).values(
            task_id=task_id, kind=kind, file_name=file_name, content=content, messages=messages, row_count=row_count
        )
    )


def claim(session: Session, task_id: int) -> bool:
    """Queued -> Processing with one conditional UPDATE; False when the task is gone or not Queued."""
    claimed = session.execute(
        update(Task)
        .where(Task.task_id == task_id, Task.status == TaskStatus.QUEUED)
        .values(status=TaskStatus.PROCESSING)
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


def locked_task(session: Session, task_id: int) -> TaskRecord | None:
    """The task, its row locked until the transaction ends (PostgreSQL; SQLite's writers run one at a time)."""
    row = session.execute(select(*_TASK_COLUMNS).where(Task.task_id == task_id).with_for_update()).first()
    return None if row is None else _record(row)


def void_replaced(session: Session, bill_ids: Sequence[int]) -> None:
    """Void the existing bills an import replaces (domain.md §7 Q14)."""
    if bill_ids:
        session.execute(update(Bill).where(among(Bill.bill_id, sorted(bill_ids))).values(void=True))


def finish(
    session: Session,
    task_id: int,
    status: str,
    now: datetime,
    message: str,
    output: dict[str, Any],
    batch_id: int | None,
) -> None:
    """Record how a task's run ended: its status, end, message, output and the batch its bills went into (None:
    no bills, no batch)."""
    values: dict[str, Any] = {"status": status, "end_date": now, "message": message, "output": output}
    if batch_id is not None:
        values["batch_id"] = batch_id
    session.execute(update(Task).where(Task.task_id == task_id).values(values))


def fail(session: Session, task_id: int, now: datetime, message: str) -> None:
    """Mark a Processing task Failed with its reason (not a task another run has since finished)."""
    task = locked_task(session, task_id)
    if task is not None and task.status == TaskStatus.PROCESSING:
        session.execute(
            update(Task).where(Task.task_id == task_id).values(status=TaskStatus.FAILED, end_date=now, message=message)
        )


# Reading a kept file as a stream -------------------------------------------------------------------------------

_PIECE = 1024 * 1024


class StoredFile(SizedReader):
    """A kept file read in pieces of its stored bytes (`substr` on SQLite's BLOB and PostgreSQL's bytea), seekable.

    An import reads its upload through this (wrapped in a buffer) instead of loading the whole content, so its
    memory does not grow with the file.
    """

    def __init__(self, session: Session, task_file_id: int, size: int) -> None:
        super().__init__(size)
        self.session, self.task_file_id = session, task_file_id

    def readinto(self, buffer: Any) -> int:
        wanted = min(len(buffer), self.size - self.position)
        if wanted <= 0:
            return 0
        piece = self.session.execute(
            select(func.substr(TaskFile.content, self.position + 1, wanted, type_=LargeBinary)).where(
                TaskFile.task_file_id == self.task_file_id
            )
        ).scalar_one()
        data = bytes(piece)
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)


class OpenedFile(NamedTuple):
    """A kept file opened for reading: its name, size in bytes and a buffered, seekable stream of its content."""

    file_name: str
    size: int
    stream: BinaryIO


def open_file(session: Session, task_id: int, kind: str) -> OpenedFile | None:
    """The task's first file of a kind, opened as a stream read from the database in pieces (None: there is none).

    The stream reads through `session`, so it is used inside the same unit of work.
    """
    row = session.execute(
        select(TaskFile.task_file_id, TaskFile.file_name, func.length(TaskFile.content))
        .where(TaskFile.task_id == task_id, TaskFile.kind == kind)
        .order_by(TaskFile.task_file_id)
        .limit(1)
    ).first()
    if row is None:
        return None
    task_file_id, file_name, size = row
    stream = io.BufferedReader(StoredFile(session, task_file_id, int(size or 0)), buffer_size=_PIECE)
    return OpenedFile(file_name, int(size or 0), cast(BinaryIO, stream))
