"""Chargeback workflows and their steps as typed values: read them, the facts an edit checks (names taken, steps
in use), the create, edit and delete writes, and putting versions on a step (services.chargebacks.workflows).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from apportion.store.models.chargebacks import (
    ChargebackTask,
    ChargebackWorkflow,
    ChargebackWorkflowStep,
    DistributionVersion,
)


@dataclass(frozen=True)
class Step:
    """A stored step with its workflow's id and name (ChargebackWorkflowStep / ChargebackWorkflowStepChild)."""

    step_id: int
    info: str
    description: str
    step_type: str
    order: int
    workflow_id: int
    workflow_info: str


@dataclass(frozen=True)
class Workflow:
    """A stored workflow with its steps in order."""

    workflow_id: int
    info: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class StepWrite:
    """A step as an edit writes it: `step_id` None for a new step; `order` is its place in the list (from 1)."""

    info: str
    description: str
    step_type: str
    order: int
    step_id: int | None = None


@dataclass(frozen=True)
class VersionOnStep:
    """What assigning a version to a step checks: its type and the periods it is effective in."""

    version_id: int
    chargeback_type: str
    begin_period: int
    end_period: int | None


def steps(session: Session, *where: ColumnElement[bool]) -> list[Step]:
    """The steps matching `where`, by workflow and order."""
    statement = (
        select(ChargebackWorkflowStep, ChargebackWorkflow.workflow_info)
        .join(ChargebackWorkflow, ChargebackWorkflow.workflow_id == ChargebackWorkflowStep.workflow_id)
        .where(*where)
        .order_by(ChargebackWorkflowStep.workflow_id, ChargebackWorkflowStep.step_order)
    )
    return [
        Step(s.step_id, s.step_info, s.step_description, s.step_type, s.step_order, s.workflow_id, info)
        for s, info in session.execute(statement)
    ]


def steps_of_type(session: Session, step_type: str | None) -> list[Step]:
    """Every step (of one type when `step_type` is given), by workflow and order."""
    return steps(session, ChargebackWorkflowStep.step_type == step_type) if step_type else steps(session)


def step(session: Session, step_id: int) -> Step | None:
    """One step with its workflow, or None."""
    found = steps(session, ChargebackWorkflowStep.step_id == step_id)
    return found[0] if found else None


def workflows(session: Session, workflow_ids: Iterable[int] | None = None) -> list[Workflow]:
    """The workflows (all, or those of `workflow_ids`) with their steps, by id (two queries)."""
    statement = select(ChargebackWorkflow).order_by(ChargebackWorkflow.workflow_id)
    step_filter: list[ColumnElement[bool]] = []
    if workflow_ids is not None:
        wanted = list(workflow_ids)
        statement = statement.where(ChargebackWorkflow.workflow_id.in_(wanted))
        step_filter.append(ChargebackWorkflowStep.workflow_id.in_(wanted))
    by_workflow: dict[int, list[Step]] = {}
    for found in steps(session, *step_filter):
        by_workflow.setdefault(found.workflow_id, []).append(found)
    return [
        Workflow(w.workflow_id, w.workflow_info, tuple(by_workflow.get(w.workflow_id, ())))
        for w in session.execute(statement).scalars()
    ]


def lock_workflow(session: Session, workflow_id: int) -> Workflow | None:
    """The workflow with its steps, its row locked (FOR UPDATE on PostgreSQL) for an edit or delete; or None."""
    if session.get(ChargebackWorkflow, workflow_id, with_for_update=True) is None:
        return None
    found = workflows(session, [workflow_id])
    return found[0] if found else None


def step_names_outside(session: Session, step_ids: Iterable[int]) -> set[tuple[str, str]]:
    """(type, lower-cased name) of every step not among `step_ids` (names are unique per type, domain.md §7 Q19)."""
    others = session.execute(
        select(ChargebackWorkflowStep.step_type, ChargebackWorkflowStep.step_info).where(
            ChargebackWorkflowStep.step_id.not_in(list(step_ids))
        )
    )
    return {(kind, name.strip().lower()) for kind, name in others}


def steps_in_use(session: Session, step_ids: Sequence[int]) -> dict[int, str]:
    """The steps among `step_ids` that versions or tasks refer to, with what refers to them."""
    if not step_ids:
        return {}
    used: dict[int, str] = {}
    for column, what in (
        (ChargebackTask.workflow_step_id, "chargeback tasks"),
        (DistributionVersion.workflow_step_id, "versions"),
    ):
        for step_id in session.execute(select(column).where(column.in_(step_ids)).distinct()).scalars():
            if step_id is not None:
                used[step_id] = what
    return used


def _new_step(workflow_id: int, step: StepWrite) -> ChargebackWorkflowStep:
    return ChargebackWorkflowStep(
        workflow_id=workflow_id,
        step_info=step.info,
        step_description=step.description,
        step_type=step.step_type,
        step_order=step.order,
    )


def _flushed(session: Session) -> bool:
    """Write what is pending; False when the unique (type, name) index refused a step name."""
    try:
        session.flush()
    except IntegrityError:
        # Only the unique (type, name) index can fail here; the caller raises and the transaction rolls back.
        return False
    return True


def insert_workflow(session: Session, info: str, new_steps: Sequence[StepWrite]) -> int | None:
    """A new workflow and its steps; its id, or None when another request took a step name meanwhile."""
    workflow = ChargebackWorkflow(workflow_info=info)
    session.add(workflow)
    session.flush()
    session.add_all(_new_step(workflow.workflow_id, s) for s in new_steps)
    return workflow.workflow_id if _flushed(session) else None


def replace_workflow(
    session: Session, workflow_id: int, info: str, written: Sequence[StepWrite], dropped: Sequence[int]
) -> bool:
    """Rename the workflow, delete the `dropped` steps, update the steps with ids and add those without.

    False when another request took a step name meanwhile (nothing is to be kept then).
    """
    if dropped:
        session.execute(delete(ChargebackWorkflowStep).where(ChargebackWorkflowStep.step_id.in_(list(dropped))))
    kept = {s.step_id: s for s in written if s.step_id is not None}
    current = {
        row.step_id: row
        for row in session.execute(
            select(ChargebackWorkflowStep).where(ChargebackWorkflowStep.step_id.in_(list(kept)))
        ).scalars()
    }
    # Renames may swap names between steps: park the kept steps on names no step can have first, so the
    # unique (type, name) index never sees two equal names half-way through.
    for step_id, row in current.items():
        row.step_info = f"\u2063{step_id}"
    session.flush()
    session.execute(
        update(ChargebackWorkflow).where(ChargebackWorkflow.workflow_id == workflow_id).values(workflow_info=info)
    )
    for written_step in written:
        if written_step.step_id is None:
            session.add(_new_step(workflow_id, written_step))
            continue
        row = current[written_step.step_id]
        row.step_info = written_step.info
        row.step_description = written_step.description
        row.step_order = written_step.order
    return _flushed(session)


def delete_workflow(session: Session, workflow_id: int) -> None:
    """Delete the workflow and its steps."""
    session.execute(delete(ChargebackWorkflowStep).where(ChargebackWorkflowStep.workflow_id == workflow_id))
    session.execute(delete(ChargebackWorkflow).where(ChargebackWorkflow.workflow_id == workflow_id))


def versions_on_step(session: Session, version_ids: Sequence[int]) -> dict[int, VersionOnStep]:
    """Those of the versions that exist, by id, with their type and effective periods."""
    dv = DistributionVersion
    statement = select(dv.version_id, dv.chargeback_type, dv.begin_period, dv.end_period).where(
        dv.version_id.in_(list(version_ids))
    )
    return {row.version_id: VersionOnStep(*row) for row in session.execute(statement)}


def put_versions_on_step(session: Session, step_id: int, version_ids: Sequence[int]) -> None:
    """Set the workflow step of the versions."""
    if version_ids:
        session.execute(
            update(DistributionVersion)
            .where(DistributionVersion.version_id.in_(list(version_ids)))
            .values(workflow_step_id=step_id)
        )
