"""Chargeback workflows and their steps: list, read, create, edit, delete, and assign versions to a step.

Rules (domain.md §2.4, §3.1, §7 Q18/Q19): a workflow has a name and at least one step, and the order of the
step list is the step order; a step is of type Split or Calculation, and its type never changes; step names are
unique per type across all workflows (compared case-insensitively, §7 Q5). An edit is a full replace: a step with
an id is updated, a step without one is created, and a step left out is deleted. A step that carries versions or
tasks cannot be deleted, and neither can its workflow (§7 Q18). Every check runs before the first write.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from apportion.domain import periods
from apportion.domain.errors import NotFound, RuleViolation, ValidationFailed
from apportion.domain.versions import CALCULATION, SPLIT
from apportion.services import ids
from apportion.store.database import Database
from apportion.store.models.chargebacks import (
    ChargebackTask,
    ChargebackWorkflow,
    ChargebackWorkflowStep,
    DistributionVersion,
)

STEPS = "chargebackWorkflowSteps"
STEP_TYPES = {SPLIT.lower(): SPLIT, CALCULATION.lower(): CALCULATION}


@dataclass(frozen=True)
class StepInput:
    """One ChargebackWorkflowStepCreate / ChargebackWorkflowStepEdit as received (`step_id` None = new step)."""

    info: str
    description: str
    step_type: str | None
    step_id: int | None = None


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


def canonical_step_type(raw: str | None, field: str) -> str:
    """'split' / 'Split' → 'Split'; 'calculation' → 'Calculation'; anything else is a 400 on `field`."""
    found = STEP_TYPES.get((raw or "").strip().lower())
    if found is None:
        raise ValidationFailed.single(field, f"'{raw}' is not a chargeback type; use one of Split, Calculation.")
    return found


def _steps_query(session: Session, *where: ColumnElement[bool]) -> list[Step]:
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


def _workflows(session: Session, workflow_ids: Iterable[int] | None = None) -> list[Workflow]:
    statement = select(ChargebackWorkflow).order_by(ChargebackWorkflow.workflow_id)
    step_filter: list[ColumnElement[bool]] = []
    if workflow_ids is not None:
        wanted = list(workflow_ids)
        statement = statement.where(ChargebackWorkflow.workflow_id.in_(wanted))
        step_filter.append(ChargebackWorkflowStep.workflow_id.in_(wanted))
    steps: dict[int, list[Step]] = {}
    for step in _steps_query(session, *step_filter):
        steps.setdefault(step.workflow_id, []).append(step)
    return [
        Workflow(w.workflow_id, w.workflow_info, tuple(steps.get(w.workflow_id, ())))
        for w in session.execute(statement).scalars()
    ]


def list_workflows(db: Database) -> list[Workflow]:
    """Every workflow with its steps, by id (two queries)."""
    with db.reading() as session:
        return _workflows(session)


def get_workflow(db: Database, workflow_id: int) -> Workflow:
    """One workflow with its steps, or NotFound."""
    with db.reading() as session:
        found = _workflows(session, [workflow_id]) if ids.in_range(workflow_id) else []
    if not found:
        raise NotFound("Chargeback workflow", workflow_id)
    return found[0]


def list_steps(db: Database, step_type: str | None) -> list[Step]:
    """Every step (of one type when `step_type` is given), by workflow and order."""
    wanted = canonical_step_type(step_type, "chargebackWorkflowType") if step_type else None
    with db.reading() as session:
        where = [ChargebackWorkflowStep.step_type == wanted] if wanted else []
        return _steps_query(session, *where)


def get_step(db: Database, step_id: int) -> Step:
    """One step with its workflow, or NotFound."""
    with db.reading() as session:
        found = _steps_query(session, ChargebackWorkflowStep.step_id == step_id) if ids.in_range(step_id) else []
    if not found:
        raise NotFound("Chargeback workflow step", step_id)
    return found[0]


def _check_name(info: str, field: str, errors: dict[str, list[str]]) -> None:
    if not info.strip():
        errors.setdefault(field, []).append("The name is required.")


def _check_steps(
    session: Session,
    info: str,
    steps: Sequence[StepInput] | None,
    current: dict[int, ChargebackWorkflowStep],
) -> list[str]:
    """Validate name and steps of a create (`current` empty) or an edit; the step types, in request order."""
    errors: dict[str, list[str]] = {}
    _check_name(info, "chargebackWorkflowInfo", errors)
    if not steps:
        raise ValidationFailed({**errors, STEPS: ["The list of steps cannot be empty."]})
    # §7 Q19: names are unique per type across every workflow; this workflow's own steps are all replaced.
    others = session.execute(
        select(ChargebackWorkflowStep.step_type, ChargebackWorkflowStep.step_info).where(
            ChargebackWorkflowStep.step_id.not_in(list(current))
        )
    )
    taken = {(kind, name.strip().lower()) for kind, name in others}
    seen: dict[tuple[str, str], int] = {}
    seen_ids: dict[int, int] = {}
    types: list[str] = []
    for i, step in enumerate(steps):
        path = f"{STEPS}[{i}]"
        _check_name(step.info, f"{path}.chargebackWorkflowStepInfo", errors)
        if not step.description.strip():
            errors.setdefault(f"{path}.chargebackWorkflowStepDescription", []).append("The description is required.")
        kind = _step_type(step, i, current, seen_ids, errors)
        types.append(kind or "")
        if kind is None:
            continue
        key = (kind, step.info.strip().lower())
        if key in seen:
            errors.setdefault(f"{path}.chargebackWorkflowStepInfo", []).append(
                f"The {kind} step name '{step.info}' is already used by {STEPS}[{seen[key]}]."
            )
        elif key in taken:
            errors.setdefault(f"{path}.chargebackWorkflowStepInfo", []).append(
                f"The {kind} step name '{step.info}' is already used by another workflow."
            )
        seen.setdefault(key, i)
    if errors:
        raise ValidationFailed(errors)
    return types


def _step_type(
    step: StepInput,
    i: int,
    current: dict[int, ChargebackWorkflowStep],
    seen_ids: dict[int, int],
    errors: dict[str, list[str]],
) -> str | None:
    """The step's type: the stored one for an existing step (it cannot change), else the requested one."""
    path = f"{STEPS}[{i}]"
    type_field = f"{path}.chargebackWorkflowStepType"
    requested = STEP_TYPES.get((step.step_type or "").strip().lower())
    if step.step_type is not None and requested is None:
        errors.setdefault(type_field, []).append(
            f"'{step.step_type}' is not a chargeback type; use one of Split, Calculation."
        )
        return None
    if step.step_id is None:
        if requested is None:
            errors.setdefault(type_field, []).append("The step type is required for a new step.")
        return requested
    id_field = f"{path}.chargebackWorkflowStepId"
    stored = current.get(step.step_id)
    if stored is None:
        errors.setdefault(id_field, []).append(f"Step {step.step_id} is not a step of this workflow.")
        return None
    if step.step_id in seen_ids:
        errors.setdefault(id_field, []).append(
            f"Step {step.step_id} already appears at {STEPS}[{seen_ids[step.step_id]}]."
        )
        return None
    seen_ids[step.step_id] = i
    if requested is not None and requested != stored.step_type:
        errors.setdefault(type_field, []).append(
            f"Step {step.step_id} is a {stored.step_type} step; the type of a step cannot change."
        )
        return None
    return stored.step_type


def create_workflow(db: Database, info: str, steps: Sequence[StepInput] | None) -> int:
    """Create a workflow and its steps in list order; returns its id."""
    with db.transaction() as session:
        types = _check_steps(session, info, steps, {})
        workflow = ChargebackWorkflow(workflow_info=info)
        session.add(workflow)
        session.flush()
        for order, (step, kind) in enumerate(zip(steps or (), types, strict=True), start=1):
            session.add(_new_step(workflow.workflow_id, step, kind, order))
        _flush_names(session)
        return workflow.workflow_id


def _flush_names(session: Session) -> None:
    """Write pending steps; a name another request took since our check is a 400, as if we had seen it."""
    try:
        session.flush()
    except IntegrityError:
        # Only the unique (type, name) index can fail here; the transaction rolls back as the error leaves it.
        raise RuleViolation("A step name was taken by another workflow meanwhile; try again.", field=STEPS) from None


def _new_step(workflow_id: int, step: StepInput, kind: str, order: int) -> ChargebackWorkflowStep:
    return ChargebackWorkflowStep(
        workflow_id=workflow_id,
        step_info=step.info,
        step_description=step.description,
        step_type=kind,
        step_order=order,
    )


def _steps_in_use(session: Session, step_ids: Sequence[int]) -> dict[int, str]:
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


def _load_workflow(session: Session, workflow_id: int) -> tuple[ChargebackWorkflow, dict[int, ChargebackWorkflowStep]]:
    ids.require(workflow_id, "Chargeback workflow")
    workflow = session.get(ChargebackWorkflow, workflow_id, with_for_update=True)
    if workflow is None:
        raise NotFound("Chargeback workflow", workflow_id)
    statement = select(ChargebackWorkflowStep).where(ChargebackWorkflowStep.workflow_id == workflow_id)
    return workflow, {s.step_id: s for s in session.execute(statement).scalars()}


def edit_workflow(db: Database, workflow_id: int, info: str, steps: Sequence[StepInput] | None) -> None:
    """Replace a workflow's name and steps: update steps with ids, add steps without, delete the rest."""
    with db.transaction() as session:
        workflow, current = _load_workflow(session, workflow_id)
        types = _check_steps(session, info, steps, current)
        kept = {s.step_id for s in steps or () if s.step_id is not None}
        dropped = sorted(set(current) - kept)
        used = _steps_in_use(session, dropped)
        if used:
            step_id = min(used)
            raise RuleViolation(
                f"Step {step_id} '{current[step_id].step_info}' has {used[step_id]} and cannot be removed.",
                field=STEPS,
            )
        if dropped:
            session.execute(delete(ChargebackWorkflowStep).where(ChargebackWorkflowStep.step_id.in_(dropped)))
        # Renames may swap names between steps: park the kept steps on names no step can have first, so the
        # unique (type, name) index never sees two equal names half-way through.
        for step_id in kept:
            current[step_id].step_info = f"\u2063{step_id}"
        session.flush()
        workflow.workflow_info = info
        for order, (step, kind) in enumerate(zip(steps or (), types, strict=True), start=1):
            if step.step_id is None:
                session.add(_new_step(workflow_id, step, kind, order))
                continue
            row = current[step.step_id]
            row.step_info = step.info
            row.step_description = step.description
            row.step_order = order
        _flush_names(session)


def delete_workflow(db: Database, workflow_id: int) -> None:
    """Delete a workflow and its steps, unless a version or task refers to one of them (§7 Q18)."""
    with db.transaction() as session:
        _workflow, current = _load_workflow(session, workflow_id)
        used = _steps_in_use(session, sorted(current))
        if used:
            step_id = min(used)
            raise RuleViolation(
                f"Chargeback workflow {workflow_id} cannot be deleted: step {step_id} "
                f"'{current[step_id].step_info}' has {used[step_id]}."
            )
        session.execute(delete(ChargebackWorkflowStep).where(ChargebackWorkflowStep.workflow_id == workflow_id))
        session.execute(delete(ChargebackWorkflow).where(ChargebackWorkflow.workflow_id == workflow_id))


def assign_versions(db: Database, step_id: int, billing_period: int, version_ids: Sequence[int] | None) -> Step:
    """Put the listed versions on the step (AssignVersionsToStep, domain.md §4.2).

    Each version must exist, be of the step's type and be effective in `billing_period`; any problem is a 400
    on `calculateBillVersionIds[i]` and nothing changes. Versions not listed keep their step.
    """
    periods.check(billing_period, "billingPeriod")
    field = "calculateBillVersionIds"
    with db.transaction() as session:
        ids.require(step_id, "Chargeback workflow step")
        step = session.get(ChargebackWorkflowStep, step_id)
        if step is None:
            raise NotFound("Chargeback workflow step", step_id)
        wanted = list(version_ids or ())
        statement = select(DistributionVersion).where(DistributionVersion.version_id.in_(ids.known(wanted)))
        found = {v.version_id: v for v in session.execute(statement).scalars()}
        errors: dict[str, list[str]] = {}
        for i, version_id in enumerate(wanted):
            version = found.get(version_id)
            if version is None:
                reason = f"Version {version_id} was not found."
            elif version.chargeback_type != step.step_type:
                reason = (
                    f"Version {version_id} is a {version.chargeback_type} version; "
                    f"step {step_id} is a {step.step_type} step."
                )
            elif not periods.is_effective(billing_period, version.begin_period, version.end_period):
                reason = f"Version {version_id} is not effective in billing period {billing_period}."
            else:
                continue
            errors.setdefault(f"{field}[{i}]", []).append(reason)
        if errors:
            raise ValidationFailed(errors)
        if found:
            session.execute(
                update(DistributionVersion)
                .where(DistributionVersion.version_id.in_(list(found)))
                .values(workflow_step_id=step_id)
            )
    return get_step(db, step_id)
