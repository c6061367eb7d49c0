"""Chargeback tasks as typed values: list and read them with their user, reverser, batch and workflow step, the
per-version runs of a version, the failed versions' messages, and what reversing tasks reads and writes
(services.chargebacks.chargeback_tasks).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, RowMapping, and_, case, func, select, update
from sqlalchemy.orm import Session

from apportion.domain.filters import Condition
from apportion.domain.scoping import Scope
from apportion.domain.versions import AGGREGATION_TYPE_ID, CALCULATION_TYPE_ID, SPLIT, SPLIT_TYPE_ID
from apportion.store import scoping
from apportion.store.filtering import compile_filter
from apportion.store.models.bills import Batch, Bill
from apportion.store.models.chargebacks import (
    ChargebackTask,
    ChargebackTaskVersion,
    ChargebackWorkflowStep,
    DistributionVersion,
)
from apportion.store.models.users import User
from apportion.store.paging import AnySelect, InPage, TypedPage, page_by_keys
from apportion.store.queries.children import (
    UserChild,
    Values,
    WorkflowStepChild,
    join_user,
    join_workflow_step,
    user_at,
    workflow_step_at,
)
from apportion.store.queries.shaped import Shaped

_CHUNK = 5000  # ids per IN list, small enough for every backend


class ChargebackTaskListing(NamedTuple):
    """A chargeback task as ChargebackTaskResponse answers it, with its user, reverser, batch and step. A named
    tuple: the wire writer unpacks it by position (api.wire_rows.row_writer)."""

    task_id: int
    chargeback_type: str
    is_aggregation: bool
    billing_period: int
    workflow_step_id: int | None
    settings: Mapping[str, Any]
    comment: str | None
    status: str
    task_begin: datetime
    task_end: datetime | None
    number_of_bills_created: int
    number_of_failed_versions: int
    reversed_date: datetime | None
    batch_id: int | None
    batch_code: str | None
    user: UserChild | None
    reversed_by: UserChild | None
    workflow: WorkflowStepChild | None


@dataclass(frozen=True)
class TaskVersionRun:
    """One version's part in a task run: its source bill (split runs), bills created and error."""

    task_id: int
    source_bill_id: int | None
    number_of_bills_created: int
    error_message: str | None


@dataclass(frozen=True)
class TaskState:
    """What reversing a task checks: its status and whether, when and by whom it was reversed."""

    task_id: int
    status: str
    reversed_date: datetime | None
    reversed_by_code: str | None


@dataclass(frozen=True)
class VersionOwner:
    """A version's account, meter and chargeback type."""

    account_id: int
    meter_id: int
    chargeback_type: str


def _chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[start : start + _CHUNK] for start in range(0, len(ids), _CHUNK)]


_TASK_COLUMNS = (
    ChargebackTask.task_id,
    ChargebackTask.chargeback_type,
    ChargebackTask.is_aggregation,
    ChargebackTask.billing_period,
    ChargebackTask.workflow_step_id,
    ChargebackTask.settings,
    ChargebackTask.comment,
    ChargebackTask.status,
    ChargebackTask.task_begin,
    ChargebackTask.task_end,
    ChargebackTask.number_of_bills_created,
    ChargebackTask.number_of_failed_versions,
    ChargebackTask.reversed_date,
)


@cache
def _listings() -> Shaped[ChargebackTaskListing]:
    """Tasks with their user, reverser, batch and workflow step, read by column name, and where each child's
    columns start; built once."""
    statement: AnySelect = select(*_TASK_COLUMNS, Batch.batch_id, Batch.batch_code).outerjoin(
        Batch, Batch.batch_id == ChargebackTask.batch_id
    )
    at = [len(statement.selected_columns)]
    statement, read_user = join_user(statement, ChargebackTask.user_id)
    at.append(len(statement.selected_columns))
    statement, read_reverser = join_user(statement, ChargebackTask.reversed_by)
    at.append(len(statement.selected_columns))
    statement, read_step = join_workflow_step(statement, ChargebackTask.workflow_step_id)

    def read(row: RowMapping) -> ChargebackTaskListing:
        # By position, in the field order (cheaper than binding each by keyword).
        return ChargebackTaskListing(
            row["task_id"],
            row["chargeback_type"],
            bool(row["is_aggregation"]),
            row["billing_period"],
            row["workflow_step_id"],
            row["settings"],
            row["comment"],
            row["status"],
            row["task_begin"],
            row["task_end"],
            row["number_of_bills_created"],
            row["number_of_failed_versions"],
            row["reversed_date"],
            row["batch_id"],
            row["batch_code"],
            read_user(row),
            read_reverser(row),
            read_step(row),
        )

    return Shaped(statement, read, tuple(at))


def _type_id() -> ColumnElement[int]:
    return case(
        (ChargebackTask.is_aggregation.is_(True), AGGREGATION_TYPE_ID),
        (ChargebackTask.chargeback_type == SPLIT, SPLIT_TYPE_ID),
        else_=CALCULATION_TYPE_ID,
    )


def task_page(
    session: Session,
    conditions: Sequence[Condition],
    page_number: int,
    page_size: int,
    today: date,
    scope: Scope = Scope.WHOLE,
    user_id: int | None = None,
) -> TypedPage[ChargebackTaskListing]:
    """One page of the tasks matching the conditions, newest first; for a scoped user, only those it sees
    (store.scoping.task_ids)."""
    targets = {
        "billingPeriod": ChargebackTask.billing_period,
        "calculateBillTypeID": _type_id(),
        "calculateBillWorkflowStepID": ChargebackTask.workflow_step_id,
        "status": ChargebackTask.status,
    }
    where = compile_filter(conditions, targets, today)
    visible = scoping.task_ids(scope, user_id)
    if visible is not None:
        where = and_(where, ChargebackTask.task_id.in_(visible))
    # Every join of the listing is an outer join on a key: the tasks alone have the same count.
    keys = select(ChargebackTask.task_id).where(where)
    ordered = keys.order_by(ChargebackTask.task_id.desc())
    statement, read = _listings_of_keys()
    return page_by_keys(read, session, statement, keys, ordered, page_number, page_size)


@cache
def _listings_of_keys() -> tuple[AnySelect, Callable[[Values], ChargebackTaskListing]]:
    """The listings of the tasks whose ids are PAGE_KEYS, newest first, and their reader by position; built once
    (store.paging.page_by_keys)."""
    listings = _listings()
    user, reverser, step = listings.at
    read_user, read_reverser, read_step = user_at(user), user_at(reverser), workflow_step_at(step)
    # _TASK_COLUMNS holds the listing's fields up to its batch, whose id and code follow them.
    aggregation = ChargebackTaskListing._fields.index("is_aggregation")
    children = ChargebackTaskListing._fields.index("user")

    def read(row: Values) -> ChargebackTaskListing:
        return ChargebackTaskListing._make(
            (
                *row[:aggregation],
                bool(row[aggregation]),
                *row[aggregation + 1 : children],
                read_user(row),
                read_reverser(row),
                read_step(row),
            )
        )

    statement = listings.statement.where(InPage(ChargebackTask.task_id))
    return statement.order_by(ChargebackTask.task_id.desc()), read


def task(session: Session, task_id: int) -> ChargebackTaskListing | None:
    """One task with its children, or None."""
    return _listings().one(session, ChargebackTask.task_id == task_id)


def tasks(session: Session, task_ids: Sequence[int]) -> dict[int, ChargebackTaskListing]:
    """The tasks with these ids, by id (one query per 5,000 ids)."""
    found: dict[int, ChargebackTaskListing] = {}
    for chunk in _chunks(list(task_ids)):
        found.update((t.task_id, t) for t in _listings().all(session, ChargebackTask.task_id.in_(chunk)))
    return found


def task_exists(session: Session, task_id: int) -> bool:
    """Whether the task exists."""
    return session.get(ChargebackTask, task_id) is not None


def set_comment(session: Session, task_id: int, comment: str) -> None:
    """Replace the task's comment."""
    session.execute(update(ChargebackTask).where(ChargebackTask.task_id == task_id).values(comment=comment))


def failed_versions(session: Session, task_id: int) -> list[tuple[int, str]]:
    """(version id, error message) of every failed version of the task, in the order they ran."""
    rows = session.execute(
        select(ChargebackTaskVersion.version_id, ChargebackTaskVersion.error_message)
        .where(ChargebackTaskVersion.task_id == task_id, ChargebackTaskVersion.error_message.is_not(None))
        .order_by(ChargebackTaskVersion.task_version_id)
    )
    return [(version_id, message or "") for version_id, message in rows]


def version_owner(session: Session, version_id: int) -> VersionOwner | None:
    """The version's account, meter and type, or None."""
    dv = DistributionVersion
    row = session.execute(
        select(dv.account_id, dv.meter_id, dv.chargeback_type).where(dv.version_id == version_id)
    ).first()
    return None if row is None else VersionOwner(*row)


def version_runs(session: Session, version_id: int) -> list[TaskVersionRun]:
    """Every run of the version, by task and the order the run recorded them."""
    tv = ChargebackTaskVersion
    statement = (
        select(tv.task_id, tv.source_bill_id, tv.number_of_bills_created, tv.error_message)
        .where(tv.version_id == version_id)
        .order_by(tv.task_id, tv.task_version_id)
    )
    return [TaskVersionRun(*row) for row in session.execute(statement)]


def bills_by_run(session: Session, task_ids: Sequence[int], version_id: int) -> dict[tuple[int, int | None], list[int]]:
    """The bills the version made in each of the tasks, by (task, source bill), in id order."""
    bills: dict[tuple[int, int | None], list[int]] = {}
    for chunk in _chunks(list(task_ids)):
        found = session.execute(
            select(Bill.chargeback_task_id, Bill.source_bill_id, Bill.bill_id)
            .where(Bill.chargeback_task_id.in_(chunk), Bill.chargeback_version_id == version_id)
            .order_by(Bill.bill_id)
        )
        for task_id, source_id, bill_id in found:
            bills.setdefault((task_id or 0, source_id), []).append(bill_id)
    return bills


# Reversal ---------------------------------------------------------------------------------------------------------


def _states(session: Session, *where: ColumnElement[bool]) -> list[TaskState]:
    """The tasks matching `where`, by id, their rows locked (FOR UPDATE on PostgreSQL)."""
    locked = list(
        session.execute(
            select(ChargebackTask.task_id).where(*where).order_by(ChargebackTask.task_id).with_for_update()
        ).scalars()
    )
    if not locked:
        return []
    statement = (
        select(ChargebackTask.task_id, ChargebackTask.status, ChargebackTask.reversed_date, User.user_code)
        .outerjoin(User, User.user_id == ChargebackTask.reversed_by)
        .where(ChargebackTask.task_id.in_(locked))
        .order_by(ChargebackTask.task_id)
    )
    return [TaskState(*row) for row in session.execute(statement)]


def lock_task(session: Session, task_id: int) -> TaskState | None:
    """The task's reversal state, its row locked; or None."""
    found = _states(session, ChargebackTask.task_id == task_id)
    return found[0] if found else None


def lock_step_tasks(session: Session, step_id: int, billing_period: int | None) -> list[TaskState]:
    """The step's tasks in the period, by id, their rows locked."""
    return _states(session, ChargebackTask.workflow_step_id == step_id, ChargebackTask.billing_period == billing_period)


def step_exists(session: Session, step_id: int) -> bool:
    """Whether the workflow step exists."""
    return session.get(ChargebackWorkflowStep, step_id) is not None


def latest_period(session: Session, step_id: int) -> int | None:
    """The latest billing period in which the step has tasks, or None."""
    return session.execute(
        select(func.max(ChargebackTask.billing_period)).where(ChargebackTask.workflow_step_id == step_id)
    ).scalar_one_or_none()


def bills_of_tasks(session: Session, task_ids: Sequence[int]) -> list[tuple[int, bool]]:
    """(bill id, void) of every bill the tasks created."""
    found: list[tuple[int, bool]] = []
    for chunk in _chunks(list(task_ids)):
        statement = select(Bill.bill_id, Bill.void).where(Bill.chargeback_task_id.in_(chunk))
        found.extend((bill_id, bool(void)) for bill_id, void in session.execute(statement))
    return found


def bills_of_task(session: Session, task_id: int) -> set[int]:
    """The ids of the bills the task created."""
    return set(session.execute(select(Bill.bill_id).where(Bill.chargeback_task_id == task_id)).scalars())


def mark_reversed(session: Session, task_ids: Sequence[int], user_id: int, now: datetime) -> None:
    """Record who reversed the tasks and when."""
    for chunk in _chunks(list(task_ids)):
        session.execute(
            update(ChargebackTask)
            .where(ChargebackTask.task_id.in_(chunk))
            .values(reversed_by=user_id, reversed_date=now)
        )
