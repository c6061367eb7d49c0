"""Dry runs: what a run of a workflow step or a whole workflow would post for a period, without posting it.

The real engine runs (processing.run_in: the same task opening, split and calculation work, bill writer, lineage
and conservation records as an inline run) inside one unit of work that is always rolled back
(`Database.rehearsal`). Before the run it reads the steps' live chargeback bills for the period; after it, the
bills the run wrote, the live bills again, each task's outcome and each split task's conservation record; then
everything is rolled back. domain/previews.py compares the live bills before and after per destination.

Nothing stays: no task, run, batch, bill, lineage or re-run record, and the data revision is unchanged, so kept
answers (the digest cache) stay valid. On PostgreSQL the ids the run drew from sequences are skipped later.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from apportion.domain import previews
from apportion.domain.previews import BillFigure, Difference, Summary
from apportion.domain.runs import RunPlan
from apportion.domain.source_split import Left
from apportion.runtime.progress import Progress
from apportion.services.access.auth import Principal
from apportion.services.runs import processing
from apportion.services.runs.processing import Clock, RunSettings
from apportion.store import lineage, runs
from apportion.store.database import Database
from apportion.store.lineage import ConservationRow
from apportion.store.queries import bill_rows
from apportion.store.queries.bill_rows import BillRow
from apportion.store.runs import TaskResult

ZERO = Decimal(0)


@dataclass(frozen=True)
class TaskPreview:
    """One task the run would record: its outcome, and for a split task the conservation total (source =
    allocated + left, to the cent)."""

    result: TaskResult
    conservation: ConservationRow | None


@dataclass(frozen=True)
class Preview:
    """A dry run's answer: the period, the tasks, the bills it would create, and the difference from what is live."""

    billing_period: int
    step_ids: tuple[int, ...]
    tasks: tuple[TaskPreview, ...]
    bills: tuple[BillRow, ...]
    differences: tuple[Difference, ...]
    summary: Summary


def _figures(rows: list[BillRow]) -> list[BillFigure]:
    return [
        BillFigure(r.version_id or 0, r.account_code, r.meter_codes[0] if r.meter_codes else None, r.total_cost, r.use)
        for r in rows
    ]


def _total(rows: list[ConservationRow], task_id: int) -> ConservationRow | None:
    if not rows:
        return None
    return ConservationRow(
        task_id,
        sum((r.source_amount for r in rows), ZERO),
        sum((r.allocated for r in rows), ZERO),
        {reason: sum((r.left.get(reason, ZERO) for r in rows), ZERO) for reason in Left},
        sum((r.rounding for r in rows), ZERO),
    )


def _preview(
    db: Database,
    plan: RunPlan,
    settings: RunSettings,
    principal: Principal,
    clock: Clock,
    progress: Progress | None,
) -> Preview:
    with db.rehearsal() as session:
        step_ids = processing.plan_steps(session, plan)
        live = bill_rows.live_of_steps(step_ids, plan.billing_period)
        before = list(bill_rows.stream(session, live))
        task_ids = processing.run_in(session, plan, settings, principal, clock, progress)
        after = list(bill_rows.stream(session, live))
        made = tuple(bill_rows.stream(session, bill_rows.of_tasks(task_ids)))
        tasks = tuple(
            TaskPreview(result, _total(lineage.conservation_of(session, result.task_id), result.task_id))
            for result in runs.task_results(session, task_ids)
        )
    differences = tuple(previews.compare(_figures(before), _figures(after)))
    return Preview(plan.billing_period, tuple(step_ids), tasks, made, differences, previews.summarise(differences))


def preview_step(
    db: Database,
    step_id: int,
    settings: RunSettings,
    principal: Principal,
    clock: Clock,
    progress: Progress | None = None,
) -> Preview:
    """POST /apportion/v1/chargebackWorkflowStep/{id}/dryRun: a run of one step for a period, rolled back."""
    plan = processing.step_plan(db, step_id, settings, clock)
    return _preview(db, plan, settings, principal, clock, progress)


def preview_workflow(
    db: Database,
    workflow_id: int,
    settings: RunSettings,
    principal: Principal,
    clock: Clock,
    progress: Progress | None = None,
) -> Preview:
    """POST /apportion/v1/chargebackWorkflow/{id}/dryRun: every step in order (a later step sees the bills of the
    earlier ones, as in a real run), rolled back."""
    plan = processing.workflow_plan(db, workflow_id, settings, clock)
    return _preview(db, plan, settings, principal, clock, progress)
