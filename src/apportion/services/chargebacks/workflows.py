"""Chargeback workflows and their steps: list, read, create, edit, delete, and assign versions to a step.

Rules (domain.md §2.4, §3.1, §7 Q18/Q19): a workflow has a name and at least one step, and the order of the
step list is the step order; a step is of type Split or Calculation, and its type never changes; step names are
unique per type across all workflows (compared case-insensitively, §7 Q5). An edit is a full replace: a step with
an id is updated, a step without one is created, and a step left out is deleted. A step that carries versions or
tasks cannot be deleted, and neither can its workflow (§7 Q18). Every check runs before the first write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from apportion.domain import periods
from apportion.domain.errors import NotFound, RuleViolation, ValidationFailed
from apportion.domain.ids import in_range, known, require
from apportion.domain.versions import CALCULATION, SPLIT
from apportion.store.database import Database, UnitOfWork
from apportion.store.queries import workflows as stored
from apportion.store.queries.workflows import Step as Step
from apportion.store.queries.workflows import StepWrite
from apportion.store.queries.workflows import Workflow as Workflow

STEPS = "chargebackWorkflowSteps"
STEP_TYPES = {SPLIT.lower(): SPLIT, CALCULATION.lower(): CALCULATION}


@dataclass(frozen=True)
class StepInput:
    """One ChargebackWorkflowStepCreate / ChargebackWorkflowStepEdit as received (`step_id` None = new step)."""

    info: str
    description: str
    step_type: str | None
    step_id: int | None = None


def canonical_step_type(raw: str | None, field: str) -> str:
    """'split' / 'Split' → 'Split'; 'calculation' → 'Calculation'; anything else is a 400 on `field`."""
    found = STEP_TYPES.get((raw or "").strip().lower())
    if found is None:
        raise ValidationFailed.single(field, f"'{raw}' is not a chargeback type; use one of Split, Calculation.")
    return found


def list_workflows(db: Database) -> list[Workflow]:
    """Every workflow with its steps, by id (two queries)."""
    with db.reading() as session:
        return stored.workflows(session)


def get_workflow(db: Database, workflow_id: int) -> Workflow:
    """One workflow with its steps, or NotFound."""
    with db.reading() as session:
        found = stored.workflows(session, [workflow_id]) if in_range(workflow_id) else []
    if not found:
        raise NotFound("Chargeback workflow", workflow_id)
    return found[0]


def list_steps(db: Database, step_type: str | None) -> list[Step]:
    """Every step (of one type when `step_type` is given), by workflow and order."""
    wanted = canonical_step_type(step_type, "chargebackWorkflowType") if step_type else None
    with db.reading() as session:
        return stored.steps_of_type(session, wanted)


def get_step(db: Database, step_id: int) -> Step:
    """One step with its workflow, or NotFound."""
    with db.reading() as session:
        found = stored.step(session, step_id) if in_range(step_id) else None
    if found is None:
        raise NotFound("Chargeback workflow step", step_id)
    return found


def _check_name(info: str, field: str, errors: dict[str, list[str]]) -> None:
    if not info.strip():
        errors.setdefault(field, []).append("The name is required.")


def _check_steps(
    session: UnitOfWork,
    info: str,
    steps: Sequence[StepInput] | None,
    current: dict[int, Step],
) -> list[StepWrite]:
    """Validate name and steps of a create (`current` empty) or an edit; the steps to write, in request order."""
    errors: dict[str, list[str]] = {}
    _check_name(info, "chargebackWorkflowInfo", errors)
    if not steps:
        raise ValidationFailed({**errors, STEPS: ["The list of steps cannot be empty."]})
    # §7 Q19: names are unique per type across every workflow; this workflow's own steps are all replaced.
    taken = stored.step_names_outside(session, current)
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
    return [
        StepWrite(step.info, step.description, kind, order, step.step_id)
        for order, (step, kind) in enumerate(zip(steps, types, strict=True), start=1)
    ]


def _step_type(
    step: StepInput,
    i: int,
    current: dict[int, Step],
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
    known_step = current.get(step.step_id)
    if known_step is None:
        errors.setdefault(id_field, []).append(f"Step {step.step_id} is not a step of this workflow.")
        return None
    if step.step_id in seen_ids:
        errors.setdefault(id_field, []).append(
            f"Step {step.step_id} already appears at {STEPS}[{seen_ids[step.step_id]}]."
        )
        return None
    seen_ids[step.step_id] = i
    if requested is not None and requested != known_step.step_type:
        errors.setdefault(type_field, []).append(
            f"Step {step.step_id} is a {known_step.step_type} step; the type of a step cannot change."
        )
        return None
    return known_step.step_type


def _name_taken() -> RuleViolation:
    """A name another request took since our check is a 400, as if we had seen it."""
    return RuleViolation("A step name was taken by another workflow meanwhile; try again.", field=STEPS)


def create_workflow(db: Database, info: str, steps: Sequence[StepInput] | None) -> int:
    """Create a workflow and its steps in list order; returns its id."""
    with db.transaction() as session:
        written = _check_steps(session, info, steps, {})
        workflow_id = stored.insert_workflow(session, info, written)
        if workflow_id is None:
            raise _name_taken()
        return workflow_id


def _load_workflow(session: UnitOfWork, workflow_id: int) -> dict[int, Step]:
    """The workflow's steps by id, its row locked; NotFound for an unknown workflow."""
    require(workflow_id, "Chargeback workflow")
    workflow = stored.lock_workflow(session, workflow_id)
    if workflow is None:
        raise NotFound("Chargeback workflow", workflow_id)
    return {s.step_id: s for s in workflow.steps}


def edit_workflow(db: Database, workflow_id: int, info: str, steps: Sequence[StepInput] | None) -> None:
    """Replace a workflow's name and steps: update steps with ids, add steps without, delete the rest."""
    with db.transaction() as session:
        current = _load_workflow(session, workflow_id)
        written = _check_steps(session, info, steps, current)
        kept = {s.step_id for s in written if s.step_id is not None}
        dropped = sorted(set(current) - kept)
        used = stored.steps_in_use(session, dropped)
        if used:
            step_id = min(used)
            raise RuleViolation(
                f"Step {step_id} '{current[step_id].info}' has {used[step_id]} and cannot be removed.",
                field=STEPS,
            )
        if not stored.replace_workflow(session, workflow_id, info, written, dropped):
            raise _name_taken()


def delete_workflow(db: Database, workflow_id: int) -> None:
    """Delete a workflow and its steps, unless a version or task refers to one of them (§7 Q18)."""
    with db.transaction() as session:
        current = _load_workflow(session, workflow_id)
        used = stored.steps_in_use(session, sorted(current))
        if used:
            step_id = min(used)
            raise RuleViolation(
                f"Chargeback workflow {workflow_id} cannot be deleted: step {step_id} "
                f"'{current[step_id].info}' has {used[step_id]}."
            )
        stored.delete_workflow(session, workflow_id)


def assign_versions(db: Database, step_id: int, billing_period: int, version_ids: Sequence[int] | None) -> Step:
    """Put the listed versions on the step (AssignVersionsToStep, domain.md §4.2).

    Each version must exist, be of the step's type and be effective in `billing_period`; any problem is a 400
    on `calculateBillVersionIds[i]` and nothing changes. Versions not listed keep their step.
    """
    periods.check(billing_period, "billingPeriod")
    field = "calculateBillVersionIds"
    with db.transaction() as session:
        require(step_id, "Chargeback workflow step")
        step = stored.step(session, step_id)
        if step is None:
            raise NotFound("Chargeback workflow step", step_id)
        wanted = list(version_ids or ())
        found = stored.versions_on_step(session, known(wanted))
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
        stored.put_versions_on_step(session, step_id, list(found))
    return get_step(db, step_id)
