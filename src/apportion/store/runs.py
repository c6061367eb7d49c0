"""Chargeback runs and their tasks as a run writes and reads them, as typed values.

A run (chargeback_runs) is one processor request with its plan (domain/runs.py); its tasks (chargeback_tasks) are
opened Processing, locked while they run, and finished with their counters and status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from apportion.domain.runs import RunPlan
from apportion.domain.task_status import TaskStatus
from apportion.store.bulk import insert_columns
from apportion.store.id_lists import among
from apportion.store.models.base import Base
from apportion.store.models.bills import Batch
from apportion.store.models.chargebacks import (
    ChargebackRun,
    ChargebackTask,
    ChargebackTaskVersion,
    ChargebackWorkflow,
    ChargebackWorkflowStep,
)

VERSIONS = Base.metadata.tables[ChargebackTaskVersion.__tablename__]
MAX_COMMENT = 4000


@dataclass(frozen=True)
class OpenTask:
    """A task as its run needs it: what it runs, for which period, into which batch, for whom, and its state."""

    task_id: int
    run_id: int | None
    chargeback_type: str
    is_aggregation: bool
    billing_period: int
    workflow_step_id: int | None
    batch_id: int | None
    user_id: int
    status: str
    task_begin: datetime
    comment: str | None


def create_run(session: Session, plan: RunPlan, user_id: int, now: datetime) -> int:
    """A run row for the request; its id."""
    run = ChargebackRun(kind=plan.kind.value, plan=plan.to_document(), user_id=user_id, created_date=now)
    session.add(run)
    session.flush()
    return run.run_id


def open_task(
    session: Session,
    *,
    run_id: int,
    chargeback_type: str,
    is_aggregation: bool,
    billing_period: int,
    step_id: int | None,
    batch_id: int,
    settings: Mapping[str, Any],
    comment: str | None,
    user_id: int,
    now: datetime,
) -> int:
    """A Processing task of the run in its batch; its id. `settings` is the request body as sent (the wire's)."""
    task = ChargebackTask(
        run_id=run_id,
        chargeback_type=chargeback_type,
        is_aggregation=is_aggregation,
        billing_period=billing_period,
        workflow_step_id=step_id,
        batch_id=batch_id,
        settings=dict(settings),
        comment=comment,
        status=TaskStatus.PROCESSING,
        task_begin=now,
        user_id=user_id,
    )
    session.add(task)
    session.flush()
    return task.task_id


def _open_task(row: ChargebackTask) -> OpenTask:
    return OpenTask(
        row.task_id,
        row.run_id,
        row.chargeback_type,
        row.is_aggregation,
        row.billing_period,
        row.workflow_step_id,
        row.batch_id,
        row.user_id,
        row.status,
        row.task_begin,
        row.comment,
    )


def lock_task(session: Session, task_id: int) -> OpenTask | None:
    """The task, locked until the transaction ends (a second run of it waits here for the first to finish)."""
    row = session.get(ChargebackTask, task_id, with_for_update=True)
    return None if row is None else _open_task(row)


def record_outcomes(
    session: Session, task_id: int, outcomes: Iterable[tuple[int, int | None, int, str | None]]
) -> None:
    """The task's per-version results: (version, source bill, bills created, error message)."""
    rows = list(outcomes)
    if not rows:
        return
    # By column, transposed in C: a run records one outcome per version (thousands).
    version_ids, source_bill_ids, created, errors = zip(*rows, strict=True)
    columns = {
        "task_id": [task_id] * len(rows),
        "version_id": version_ids,
        "source_bill_id": source_bill_ids,
        "number_of_bills_created": created,
        "error_message": errors,
    }
    insert_columns(session, VERSIONS, columns, len(rows))


def finish_task(
    session: Session, task_id: int, *, bills_created: int, failed_versions: int, status: str, end: datetime
) -> None:
    """The task's counters, status and end."""
    session.execute(
        update(ChargebackTask)
        .where(ChargebackTask.task_id == task_id)
        .values(
            number_of_bills_created=bills_created,
            number_of_failed_versions=failed_versions,
            status=status,
            task_end=end,
        )
    )


def fail_tasks(session: Session, task_ids: Sequence[int], now: datetime, message: str) -> None:
    """Mark those of the tasks still Processing Failed at `now`, with the message added to their comment."""
    for task_id in task_ids:
        task = session.get(ChargebackTask, task_id, with_for_update=True)
        if task is not None and task.status == TaskStatus.PROCESSING:
            task.status, task.task_end = TaskStatus.FAILED, now
            task.comment = (f"{task.comment}\n{message}" if task.comment else message)[:MAX_COMMENT]


def run_of(session: Session, task_id: int) -> tuple[int, RunPlan] | None:
    """The run a task belongs to and its plan (None for a task written before runs were kept)."""
    found = session.execute(
        select(ChargebackRun.run_id, ChargebackRun.plan)
        .join(ChargebackTask, ChargebackTask.run_id == ChargebackRun.run_id)
        .where(ChargebackTask.task_id == task_id)
    ).first()
    return None if found is None else (found.run_id, RunPlan.from_document(dict(found.plan)))


def tasks_of_run(session: Session, run_id: int) -> list[int]:
    """The run's tasks in the order they were opened (a workflow's in step order)."""
    rows = session.execute(
        select(ChargebackTask.task_id).where(ChargebackTask.run_id == run_id).order_by(ChargebackTask.task_id)
    )
    return list(rows.scalars())


def statuses(session: Session, task_ids: Sequence[int]) -> list[str]:
    """The tasks' statuses, each row locked first (so a run still holding one is waited for)."""
    if not task_ids:
        return []
    rows = session.execute(
        select(ChargebackTask.status)
        .where(among(ChargebackTask.task_id, task_ids))
        .order_by(ChargebackTask.task_id)
        .with_for_update()
    )
    return list(rows.scalars())


class StepToRun(NamedTuple):
    """A workflow step as a run needs it: its id and type."""

    step_id: int
    step_type: str


def step(session: Session, step_id: int) -> StepToRun | None:
    """The step's id and type, or None."""
    row = session.execute(
        select(ChargebackWorkflowStep.step_id, ChargebackWorkflowStep.step_type).where(
            ChargebackWorkflowStep.step_id == step_id
        )
    ).first()
    return None if row is None else StepToRun(row.step_id, row.step_type)


def workflow_steps(session: Session, workflow_id: int) -> list[StepToRun] | None:
    """The workflow's steps in step order, or None when there is no such workflow."""
    if session.get(ChargebackWorkflow, workflow_id) is None:
        return None
    rows = session.execute(
        select(ChargebackWorkflowStep.step_id, ChargebackWorkflowStep.step_type)
        .where(ChargebackWorkflowStep.workflow_id == workflow_id)
        .order_by(ChargebackWorkflowStep.step_order, ChargebackWorkflowStep.step_id)
    )
    return [StepToRun(row.step_id, row.step_type) for row in rows]


@dataclass(frozen=True)
class TaskResult:
    """A finished task as a dry run reports it: what it ran, its outcome and its versions' error messages."""

    task_id: int
    workflow_step_id: int | None
    chargeback_type: str
    billing_period: int
    status: str
    bills_created: int
    failed_versions: int
    errors: tuple[tuple[int, str], ...]


def task_results(session: Session, task_ids: Sequence[int]) -> list[TaskResult]:
    """The tasks' outcomes in id order, each with (version id, message) for its failed versions."""
    if not task_ids:
        return []
    errors: dict[int, list[tuple[int, str]]] = {}
    failed = session.execute(
        select(ChargebackTaskVersion.task_id, ChargebackTaskVersion.version_id, ChargebackTaskVersion.error_message)
        .where(among(ChargebackTaskVersion.task_id, task_ids), ChargebackTaskVersion.error_message.is_not(None))
        .order_by(ChargebackTaskVersion.task_id, ChargebackTaskVersion.version_id)
    )
    for task_id, version_id, message in failed:
        errors.setdefault(task_id, []).append((version_id, message or ""))
    rows = session.execute(
        select(
            ChargebackTask.task_id,
            ChargebackTask.workflow_step_id,
            ChargebackTask.chargeback_type,
            ChargebackTask.billing_period,
            ChargebackTask.status,
            ChargebackTask.number_of_bills_created,
            ChargebackTask.number_of_failed_versions,
        )
        .where(among(ChargebackTask.task_id, task_ids))
        .order_by(ChargebackTask.task_id)
    )
    return [
        TaskResult(
            row.task_id,
            row.workflow_step_id,
            row.chargeback_type,
            row.billing_period,
            row.status,
            row.number_of_bills_created,
            row.number_of_failed_versions,
            tuple(errors.get(row.task_id, ())),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class TaskLine:
    """A chargeback task as a list of tasks shows it."""

    task_id: int
    billing_period: int
    chargeback_type: str
    step_id: int | None
    step_info: str | None
    status: str
    bills_created: int
    failed_versions: int
    batch_code: str | None
    begin: datetime
    reversed: bool


def recent_tasks(session: Session, step_id: int | None, billing_period: int | None, limit: int) -> list[TaskLine]:
    """The newest `limit` chargeback tasks (by id), of one step and one period when given."""
    statement = (
        select(
            ChargebackTask.task_id,
            ChargebackTask.billing_period,
            ChargebackTask.chargeback_type,
            ChargebackTask.workflow_step_id,
            ChargebackWorkflowStep.step_info,
            ChargebackTask.status,
            ChargebackTask.number_of_bills_created,
            ChargebackTask.number_of_failed_versions,
            Batch.batch_code,
            ChargebackTask.task_begin,
            ChargebackTask.reversed_date,
        )
        .outerjoin(ChargebackWorkflowStep, ChargebackWorkflowStep.step_id == ChargebackTask.workflow_step_id)
        .outerjoin(Batch, Batch.batch_id == ChargebackTask.batch_id)
        .order_by(ChargebackTask.task_id.desc())
        .limit(limit)
    )
    if step_id is not None:
        statement = statement.where(ChargebackTask.workflow_step_id == step_id)
    if billing_period is not None:
        statement = statement.where(ChargebackTask.billing_period == billing_period)
    return [TaskLine(*row[:10], reversed=row.reversed_date is not None) for row in session.execute(statement)]
