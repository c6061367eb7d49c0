"""Import tasks as a runner sees them: putting a task whose runner died back in the queue, and finding them all."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from apportion.domain.task_status import TaskStatus
from apportion.store.models.imports import Task


def requeue(session: Session, task_id: int) -> bool:
    """Processing -> Queued for one import; False when it is not Processing (finished, or never started)."""
    result = session.execute(
        update(Task)
        .where(Task.task_id == task_id, Task.status == TaskStatus.PROCESSING)
        .values(status=TaskStatus.QUEUED)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def requeue_all(session: Session) -> list[int]:
    """Every Processing import back to Queued; the ids of every Queued import, oldest first."""
    session.execute(update(Task).where(Task.status == TaskStatus.PROCESSING).values(status=TaskStatus.QUEUED))
    found = session.execute(select(Task.task_id).where(Task.status == TaskStatus.QUEUED).order_by(Task.task_id))
    return list(found.scalars())
