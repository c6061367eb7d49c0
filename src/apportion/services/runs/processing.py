"""Run chargeback processors: bill split, calculated bills, a workflow step, a whole workflow, aggregations.

Every run is a chargeback task (domain.md §2.5, §4.7) written in one transaction together with its bills:
the task row (user, settings as sent, period, batch, begin time), the work, the per-version results
(ChargebackTaskVersion: source bill, bills created, error) and the finished counters and status. A version
that cannot run fails alone with its message; the rest of the task proceeds. An unexpected error rolls
the whole task back, so no partial run is ever stored. A workflow run is one task per step, in step
order, each in its own transaction, so later steps see the bills earlier steps made (§4.6).

Runs are inline and return the finished task by default (domain.md §7 Q16). Queued (a `queue` given, the
PostgreSQL task queue): the request validates as always and, in one transaction, stores the run with its plan
and its task(s) as Processing in its batch, then queues the run's first task (`_start`; a queue that refuses it
leaves the tasks Failed). A worker then runs `run_queued` (services/runs/queue_bodies.py), which takes the run's
tasks in order and does the same work in one transaction per task (`_work`) on the task row locked FOR UPDATE,
doing nothing for a task no longer Processing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, assert_never

from apportion.domain import filters, periods, texts
from apportion.domain.batch_modes import default_batch
from apportion.domain.errors import DomainError, NotFound, RuleViolation, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.domain.ids import known
from apportion.domain.runs import QuickFilter, RunKind, RunPlan
from apportion.domain.scoping import Scope
from apportion.domain.task_status import TaskStatus
from apportion.domain.versions import CALCULATION, SPLIT, ChargebackType
from apportion.runtime.memory import cyclic_gc_paused
from apportion.runtime.progress import Progress, shifted
from apportion.services.access.auth import Principal
from apportion.services.billing.batches import (
    BatchSettings,
    automatic_code,
    header_defaults,
    new_batch,
)
from apportion.services.runs.calculation_run import run_calculations
from apportion.services.runs.queue_interface import CHARGEBACK_RUN, TaskQueue
from apportion.services.runs.run_context import RunContext, VersionOutcome
from apportion.services.runs.split_run import run_splits
from apportion.store import lineage, locks, runs, split_inputs
from apportion.store import scoping as scoped
from apportion.store.chargeback_versions import (
    VersionSelection,
    load_calculated_versions,
    load_split_versions,
    out_of_scope,
    out_of_scope_for_bills,
)
from apportion.store.database import Database, UnitOfWork
from apportion.store.queries import batches as stored_batches
from apportion.store.queries.batches import BatchRecord
from apportion.store.runs import OpenTask, StepToRun

log = logging.getLogger("apportion.processing")

# domain.md §7 Q20: the QuickFilter captions the bill split and calculated bill processors accept.
QUICK_FILTERS = filters.specs(
    FieldSpec("accountCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("meterCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("calculateBillVersionID", FieldType.INTEGER, filters.NUMBER_OPS),
)

Clock = Callable[[], datetime]
RUN_STAGES = ("task opened", "versions run", "task recorded")
"""The progress steps of one task: opened with its batch, its versions run and bills written, counters stored.
The labels a progress report hears say what is happening in the task's own terms ("splitting 9 versions' bills
for 202611"), not these names."""


@dataclass(frozen=True)
class RunSettings:
    """A processor request: period (None = the processor's default), batch, note, bill dates and filters.

    `document` is the request body as sent; the task keeps it as its `settings` (domain.md §4.7).
    """

    billing_period: int | None = None
    batch: BatchSettings | None = None
    note: str | None = None
    start_date_for_bill: date | None = None
    end_date_for_bill: date | None = None
    filters: tuple[QuickFilter, ...] = ()
    document: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Job:
    chargeback_type: ChargebackType
    period: int
    work: Callable[[RunContext], list[VersionOutcome]]
    step_id: int | None = None
    is_aggregation: bool = False


def _checked(settings: RunSettings, default_period: int) -> int:
    """The run's period (validated) after the request's other field checks (400 naming the field)."""
    period = default_period if settings.billing_period is None else settings.billing_period
    errors: dict[str, list[str]] = {}
    if not periods.is_valid(period):
        errors["billingPeriod"] = [f"{period} is not a valid billing period (YYYYMM, month 01-12, 190001..300001)."]
    start, end = settings.start_date_for_bill, settings.end_date_for_bill
    if start is not None and end is not None and end <= start:
        errors["endDateForBill"] = ["endDateForBill must be after startDateForBill."]
    errors |= texts.too_long({"note": (settings.note, texts.MAX_NOTE)})
    if errors:
        raise ValidationFailed(errors)
    return period


def quick_filter_conditions(quick: Sequence[QuickFilter]) -> tuple[filters.Condition, ...]:
    """QuickFilters as filter conditions; a bad caption, operator or value is a 400 on `filters[i]`, and more
    QuickFilters or values than one filter may hold (filters.MAX_CONDITIONS, MAX_VALUES) a 400 on `filters`."""
    if len(quick) > filters.MAX_CONDITIONS:
        limit = filters.MAX_CONDITIONS
        raise ValidationFailed.single("filters", f"There are more than {limit} filters; at most {limit} are allowed.")
    if sum(item.value.count("|") + 1 for item in quick) > filters.MAX_VALUES:
        limit = filters.MAX_VALUES
        raise ValidationFailed.single(
            "filters", f"The filters have more than {limit} values; at most {limit} are allowed in all."
        )
    conditions: list[filters.Condition] = []
    for i, item in enumerate(quick):
        operator = " ".join(item.operator.split()).lower()
        values = item.value.split("|") if filters.VALUE_OPERATORS.get(operator) in ("list", "pair") else [item.value]
        quoted = "|".join("'" + v.replace("'", "''") + "'" for v in values)
        try:
            conditions.extend(filters.parse(f"{item.caption} {operator} {quoted}", QUICK_FILTERS))
        except ValidationFailed as problem:
            reasons = [reason for found in problem.errors.values() for reason in found]
            raise ValidationFailed({f"filters[{i}]": reasons}) from None
    return tuple(conditions)


def _batch_for_run(
    session: UnitOfWork, settings: BatchSettings | None, principal: Principal, now: datetime
) -> BatchRecord:
    """The batch all of a run's bills go into (domain.md §4.9 "Chargeback processors").

    With batchSettings: a new batch, as OpenBatch would make it (closeExistingBatch honoured). Without:
    the caller's one open batch, else a new batch with an automatic code (§7 Q13).
    """
    if settings is not None:
        return new_batch(session, settings, principal.user_id, now, prefix="batchSettings.")
    locks.lock_batches_of(session, principal.user_id)  # two runs at once find or make one batch, not two
    mine = stored_batches.open_batches_of(session, principal.user_id)
    chosen = default_batch([batch.batch_id for batch in mine])
    if chosen is not None:
        return next(batch for batch in mine if batch.batch_id == chosen)
    code = automatic_code(session, principal.user_code, now)
    return new_batch(session, BatchSettings(code), principal.user_id, now)


def _status(outcomes: Sequence[VersionOutcome]) -> TaskStatus:
    failed = {o.version_id for o in outcomes if o.error_message}
    if not failed:
        return TaskStatus.COMPLETED
    if failed == {o.version_id for o in outcomes}:
        return TaskStatus.FAILED
    return TaskStatus.COMPLETED_WITH_ERRORS


# The work a plan describes -----------------------------------------------------------------------------------------


OUT_OF_SCOPE = "Skipped: the version's source or a destination lies outside the topmost of the user who ran it."


def _skipped(ctx: RunContext, kind: str, selection: VersionSelection) -> list[VersionOutcome]:
    """An outcome with the reason for each version a scoped user's run leaves out (none for the whole tree)."""
    return [
        VersionOutcome(version_id, error_message=OUT_OF_SCOPE)
        for version_id in out_of_scope(ctx.session, kind, selection)
    ]


def _split_job(period: int, selection: VersionSelection, step_id: int | None = None) -> _Job:
    def work(ctx: RunContext) -> list[VersionOutcome]:
        versions = load_split_versions(ctx.session, selection)
        ctx.announce(f"splitting the bills of {_count(len(versions), 'version')} for {period}")
        return run_splits(ctx, versions, period) + _skipped(ctx, SPLIT, selection)

    return _Job(SPLIT, period, work, step_id)


def _calculation_job(period: int, selection: VersionSelection, step_id: int | None = None) -> _Job:
    def work(ctx: RunContext) -> list[VersionOutcome]:
        versions = load_calculated_versions(ctx.session, selection)
        ctx.announce(f"calculating the bills of {_count(len(versions), 'version')} for {period}")
        return run_calculations(ctx, versions, period) + _skipped(ctx, CALCULATION, selection)

    return _Job(CALCULATION, period, work, step_id)


def _bills_job(period: int, bill_ids: Sequence[int], today: date, scope: Scope) -> _Job:
    """The explicit split of named bills: for each billing period among them, the split run of the versions
    effective in that period, over those bills alone (the same engine and claims as the processor). A scoped
    user's run takes only its bills and versions in scope; a version on one of its bills that lies partly outside
    is skipped with the reason."""

    def work(ctx: RunContext) -> list[VersionOutcome]:
        outcomes: list[VersionOutcome] = []
        named = scoped.bills_among(ctx.session, scope, bill_ids)
        skipped: dict[int, VersionOutcome] = {}
        for source_period in split_inputs.source_periods(ctx.session, named):
            selection = VersionSelection(source_period, today=today, scope=scope)
            versions = load_split_versions(ctx.session, selection)
            ctx.announce(f"splitting {_count(len(named), 'named bill')} of {source_period}")
            for outcome in run_splits(ctx, versions, source_period, named):
                outcome.billing_period = source_period
                outcomes.append(outcome)
            for version_id in out_of_scope_for_bills(ctx.session, selection, named):
                skipped[version_id] = VersionOutcome(version_id, error_message=OUT_OF_SCOPE)
        return outcomes + list(skipped.values())

    return _Job(SPLIT, period, work)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _opened(job: _Job) -> str:
    """What a task does once opened, for a progress report."""
    what = f"step {job.step_id}" if job.step_id is not None else job.chargeback_type.lower()
    return f"{what}: reading the versions for {job.period}"


def _step_job(step: StepToRun, period: int, scope: Scope) -> _Job:
    selection = VersionSelection(period, step_id=step.step_id, scope=scope)
    step_type = ChargebackType(step.step_type)
    if step_type is ChargebackType.SPLIT:
        return _split_job(period, selection, step.step_id)
    if step_type is ChargebackType.CALCULATION:
        return _calculation_job(period, selection, step.step_id)
    assert_never(step_type)


def aggregation_periods(end: int, count: int) -> list[int]:
    """The `count` billing periods ending at `end` (domain.md §4.5 step 1): (202403, 3) -> 202401..202403."""
    return list(periods.span(periods.add_months(end, -(count - 1)), end))


def _aggregation_job(end: int, period_count: int, scope: Scope) -> _Job:
    covered = [p for p in aggregation_periods(end, period_count) if p >= periods.MIN_PERIOD]

    def work(ctx: RunContext) -> list[VersionOutcome]:
        outcomes: list[VersionOutcome] = []
        skipped: dict[int, VersionOutcome] = {}  # a version outside the scope is skipped once, not once a period
        for period in covered:
            selection = VersionSelection(period, aggregation_only=True, scope=scope)
            versions = load_calculated_versions(ctx.session, selection)
            outcomes.extend(run_calculations(ctx, versions, period))
            skipped.update((o.version_id, o) for o in _skipped(ctx, CALCULATION, selection))
        return outcomes + list(skipped.values())

    return _Job(CALCULATION, end, work, is_aggregation=True)


def _jobs(session: UnitOfWork, plan: RunPlan) -> list[_Job]:
    """The tasks' work of a run, in order, from its plan (NotFound for a step or workflow that is gone)."""
    period = plan.billing_period
    if plan.kind is RunKind.BILL_SPLIT or plan.kind is RunKind.CALCULATED_BILLS:
        conditions = quick_filter_conditions(plan.filters)
        # The request's day decides which versions count as effective, not the day a worker got to it.
        selection = VersionSelection(period, conditions=conditions, today=plan.requested_on, scope=plan.scope)
        split = plan.kind is RunKind.BILL_SPLIT
        return [_split_job(period, selection) if split else _calculation_job(period, selection)]
    if plan.kind is RunKind.STEP:
        assert plan.step_id is not None
        step = runs.step(session, plan.step_id)
        if step is None:
            raise NotFound("Chargeback workflow step", plan.step_id)
        return [_step_job(step, period, plan.scope)]
    if plan.kind is RunKind.WORKFLOW:
        assert plan.workflow_id is not None
        steps = runs.workflow_steps(session, plan.workflow_id)
        if steps is None:
            raise NotFound("Chargeback workflow", plan.workflow_id)
        return [_step_job(step, period, plan.scope) for step in steps]
    if plan.kind is RunKind.AGGREGATIONS:
        return [_aggregation_job(period, plan.period_count or 1, plan.scope)]
    if plan.kind is RunKind.BILLS:
        return [_bills_job(period, plan.bill_ids, plan.requested_on, plan.scope)]
    assert_never(plan.kind)


def _plan(
    kind: RunKind,
    period: int,
    settings: RunSettings,
    today: date,
    *,
    step_id: int | None = None,
    workflow_id: int | None = None,
    period_count: int | None = None,
    bill_ids: tuple[int, ...] = (),
) -> RunPlan:
    return RunPlan(
        kind=kind,
        billing_period=period,
        requested_on=today,
        note=settings.note,
        start_date_for_bill=settings.start_date_for_bill,
        end_date_for_bill=settings.end_date_for_bill,
        filters=settings.filters,
        step_id=step_id,
        workflow_id=workflow_id,
        period_count=period_count,
        bill_ids=bill_ids,
    )


# One task's work ---------------------------------------------------------------------------------------------------


def _open_task(
    session: UnitOfWork,
    run_id: int,
    job: _Job,
    settings: RunSettings,
    principal: Principal,
    now: datetime,
    batch_id: int | None,
) -> tuple[int, int]:
    """A Processing task of the run for the job in its batch (the given one, else as `_batch_for_run` picks it);
    (task id, batch id)."""
    batch = stored_batches.batch(session, batch_id) if batch_id is not None else None
    if batch is None:
        batch = _batch_for_run(session, settings.batch, principal, now)
    task_id = runs.open_task(
        session,
        run_id=run_id,
        chargeback_type=job.chargeback_type,
        is_aggregation=job.is_aggregation,
        billing_period=job.period,
        step_id=job.step_id,
        batch_id=batch.batch_id,
        settings=settings.document,
        comment=settings.note,
        user_id=principal.user_id,
        now=now,
    )
    return task_id, batch.batch_id


def _work(
    session: UnitOfWork,
    task: OpenTask,
    job: _Job,
    plan: RunPlan,
    clock: Clock,
    now: datetime,
    report: Progress,
) -> None:
    """Run an open task's versions and record their outcomes, counters, status and end, in the caller's session.

    The one body of every run, inline (`_run`) or queued (`run_queued`).
    """
    batch = stored_batches.batch(session, task.batch_id) if task.batch_id is not None else None
    if batch is None:
        raise RuleViolation(f"The batch of chargeback task {task.task_id} no longer exists.")
    context = RunContext(
        session=session,
        task_id=task.task_id,
        user_id=task.user_id,
        batch_id=batch.batch_id,
        header=header_defaults(batch),
        now=now,
        start_date_for_bill=plan.start_date_for_bill,
        end_date_for_bill=plan.end_date_for_bill,
        progress=lambda label: report(1, len(RUN_STAGES), label),
    )
    outcomes = job.work(context)
    made = sum(len(o.bill_ids) for o in outcomes)
    report(2, len(RUN_STAGES), f"recording {_count(made, 'bill')} and {_count(len(outcomes), 'outcome')}")
    runs.record_outcomes(
        session,
        task.task_id,
        ((o.version_id, o.source_bill_id, len(o.bill_ids), o.error_message) for o in outcomes),
    )
    ran = [(o.version_id, o.billing_period or task.billing_period) for o in outcomes if not o.error_message]
    lineage.resolve_reruns(session, task.task_id, ran, now)
    runs.finish_task(
        session,
        task.task_id,
        bills_created=made,
        failed_versions=len({o.version_id for o in outcomes if o.error_message}),
        status=_status(outcomes),
        end=clock(),
    )
    report(3, len(RUN_STAGES), f"{_status(outcomes).lower()}: {_count(made, 'bill')}")


def _silent(_done: int, _total: int, _label: str) -> None:
    return None


# Inline and queued runs --------------------------------------------------------------------------------------------


def _run(
    db: Database, plan: RunPlan, settings: RunSettings, principal: Principal, clock: Clock, progress: Progress | None
) -> list[int]:
    """Run the plan's tasks now, each in its own transaction, all in one batch (the first task's); their ids.

    `progress` hears of each of RUN_STAGES of every task, as parts of one whole.
    """
    with db.reading() as session:
        jobs = _jobs(session, plan)
    task_ids: list[int] = []
    run_id: int | None = None
    batch_id: int | None = None
    total = len(jobs) * len(RUN_STAGES)
    for number, job in enumerate(jobs):
        report = shifted(progress, number * len(RUN_STAGES), total) or _silent
        with db.transaction() as session, cyclic_gc_paused():
            now = clock()
            if run_id is None:
                run_id = runs.create_run(session, plan, principal.user_id, now)
            task_id, batch_id = _open_task(session, run_id, job, settings, principal, now, batch_id)
            report(1, len(RUN_STAGES), _opened(job))
            task = runs.lock_task(session, task_id)
            assert task is not None
            _work(session, task, job, plan, clock, now, report)
        task_ids.append(task_id)
    return task_ids


def run_in(
    session: UnitOfWork,
    plan: RunPlan,
    settings: RunSettings,
    principal: Principal,
    clock: Clock,
    progress: Progress | None = None,
) -> list[int]:
    """Run the plan's tasks one after another in the caller's unit of work (a dry run's, rolled back after); their
    ids. The same body as an inline run (`_open_task`, `_work`): a later step sees the bills of the earlier ones."""
    plan = replace(plan, scope=principal.scope)
    jobs = _jobs(session, plan)
    task_ids: list[int] = []
    batch_id: int | None = None
    total = len(jobs) * len(RUN_STAGES)
    now = clock()
    run_id = runs.create_run(session, plan, principal.user_id, now)
    with cyclic_gc_paused():
        for number, job in enumerate(jobs):
            report = shifted(progress, number * len(RUN_STAGES), total) or _silent
            task_id, batch_id = _open_task(session, run_id, job, settings, principal, now, batch_id)
            report(1, len(RUN_STAGES), _opened(job))
            task = runs.lock_task(session, task_id)
            assert task is not None
            _work(session, task, job, plan, clock, now, report)
            task_ids.append(task_id)
    return task_ids


def plan_steps(session: UnitOfWork, plan: RunPlan) -> list[int]:
    """The workflow steps a step or workflow plan runs, in order (empty for the other processors)."""
    if plan.step_id is not None:
        return [plan.step_id]
    if plan.workflow_id is not None:
        return [step.step_id for step in runs.workflow_steps(session, plan.workflow_id) or []]
    return []


def _open(db: Database, plan: RunPlan, settings: RunSettings, principal: Principal, clock: Clock) -> list[int]:
    """Commit the run with one Processing task per job, in order, all in the first one's batch, for a worker."""
    task_ids: list[int] = []
    with db.transaction() as session:
        now = clock()
        jobs = _jobs(session, plan)
        run_id = runs.create_run(session, plan, principal.user_id, now)
        batch_id: int | None = None
        for job in jobs:
            task_id, batch_id = _open_task(session, run_id, job, settings, principal, now, batch_id)
            task_ids.append(task_id)
    return task_ids


def _start(
    db: Database,
    plan: RunPlan,
    settings: RunSettings,
    principal: Principal,
    clock: Clock,
    queue: TaskQueue | None,
    progress: Progress | None = None,
) -> list[int]:
    """Run the plan now, or (with a queue) commit its run and Processing tasks and queue them; the task ids.

    A queued run whose job cannot be queued would stay Processing for ever: its tasks are marked Failed before
    the error (a lost database: a 503) is raised again. The plan keeps the principal's scope: a scoped user's run
    takes only the versions wholly in its topmost, queued or not.
    """
    plan = replace(plan, scope=principal.scope)
    if queue is None:
        return _run(db, plan, settings, principal, clock, progress)
    task_ids = _open(db, plan, settings, principal, clock)
    if task_ids:
        try:
            queue.enqueue(CHARGEBACK_RUN, task_ids[0])
        except Exception:
            with contextlib.suppress(Exception):
                fail_tasks(db, task_ids, clock(), "The run could not be queued; nothing was run.")
            raise
    return task_ids


def run_bill_split(
    db: Database, settings: RunSettings, principal: Principal, clock: Clock, *, queue: TaskQueue | None = None
) -> int:
    """POST /api/v3/billSplit/exec: split versions effective in the period (QuickFilters narrow them).

    With a queue the task is committed as Processing and queued (likewise for every processor below).
    """
    today = clock().date()
    period = _checked(settings, periods.of_date(today))
    quick_filter_conditions(settings.filters)  # a bad filter is a 400 now, not a failed task later
    (task_id,) = _start(db, _plan(RunKind.BILL_SPLIT, period, settings, today), settings, principal, clock, queue)
    return task_id


def split_bills(
    db: Database,
    bill_ids: Sequence[int],
    settings: RunSettings,
    principal: Principal,
    clock: Clock,
    *,
    queue: TaskQueue | None = None,
) -> int:
    """POST /api/v3/bill/split and /api/v3/list/{listId}/split: split the named bills now, by the split versions
    effective in each bill's billing period, through the processor's own run (`run_splits`, its claims and
    lineage): one Split task, one transaction. A bill already split, void, an accrual, unknown or on no split
    version is left as it is (accounting.md §9 D5). The task's period is the latest among the bills that could be
    split (the current one when there are none); each bill is split for its own period.
    """
    wanted = tuple(sorted(set(known(bill_ids))))
    today = clock().date()
    with db.reading() as session:
        found = split_inputs.source_periods(session, scoped.bills_among(session, principal.scope, wanted))
    period = _checked(settings, found[-1] if found else periods.of_date(today))
    plan = _plan(RunKind.BILLS, period, settings, today, bill_ids=wanted)
    (task_id,) = _start(db, plan, settings, principal, clock, queue)
    return task_id


def run_calculated_bills(
    db: Database, settings: RunSettings, principal: Principal, clock: Clock, *, queue: TaskQueue | None = None
) -> int:
    """POST /api/v3/calculatedBill/exec: calculated bill versions effective in the period."""
    today = clock().date()
    period = _checked(settings, periods.of_date(today))
    quick_filter_conditions(settings.filters)
    plan = _plan(RunKind.CALCULATED_BILLS, period, settings, today)
    (task_id,) = _start(db, plan, settings, principal, clock, queue)
    return task_id


def run_workflow_step(
    db: Database,
    step_id: int,
    settings: RunSettings,
    principal: Principal,
    clock: Clock,
    progress: Progress | None = None,
    *,
    queue: TaskQueue | None = None,
) -> int:
    """POST /api/v3/chargebackWorkflowStep/{id}/exec: the versions assigned to one step (domain.md §4.6)."""
    plan = step_plan(db, step_id, settings, clock)
    (task_id,) = _start(db, plan, settings, principal, clock, queue, progress)
    return task_id


def step_plan(db: Database, step_id: int, settings: RunSettings, clock: Clock) -> RunPlan:
    """The plan of a run of one workflow step (NotFound for an unknown step, ValidationFailed for bad settings)."""
    with db.reading() as session:
        if runs.step(session, step_id) is None:
            raise NotFound("Chargeback workflow step", step_id)
    today = clock().date()
    period = _checked(settings, periods.of_date(today))
    return _plan(RunKind.STEP, period, settings, today, step_id=step_id)


def run_workflow(
    db: Database,
    workflow_id: int,
    settings: RunSettings | None,
    principal: Principal,
    clock: Clock,
    progress: Progress | None = None,
    *,
    queue: TaskQueue | None = None,
) -> list[int]:
    """POST /api/v202304/chargebackWorkflow/{id}/exec: one task per step in step order, all bills in one batch.

    Without settings the last month is processed (SDK docstring); the first task opens the batch the later
    steps reuse. With a queue every step's task is committed as Processing at once, in step order, and one job
    runs them one after another.
    """
    settings = settings or RunSettings()
    plan = workflow_plan(db, workflow_id, settings, clock)
    return _start(db, plan, settings, principal, clock, queue, progress)


def workflow_plan(db: Database, workflow_id: int, settings: RunSettings, clock: Clock) -> RunPlan:
    """The plan of a run of a whole workflow; without a period, last month's."""
    with db.reading() as session:
        if runs.workflow_steps(session, workflow_id) is None:
            raise NotFound("Chargeback workflow", workflow_id)
    today = clock().date()
    period = _checked(settings, periods.prior(periods.of_date(today)))
    return _plan(RunKind.WORKFLOW, period, settings, today, workflow_id=workflow_id)


def run_aggregations(
    db: Database,
    settings: RunSettings,
    period_count: int,
    principal: Principal,
    clock: Clock,
    *,
    queue: TaskQueue | None = None,
) -> int:
    """POST /api/v202203/utilityPlatform/aggregations/exec: aggregate versions over a range of periods.

    One Calculation task for the `period_count` periods ending at the given period (the current one when omitted);
    each period's aggregate versions replace their earlier bills, so a re-run is idempotent (§4.5, §7 Q12).
    """
    today = clock().date()
    end = _checked(settings, periods.of_date(today))
    plan = _plan(RunKind.AGGREGATIONS, end, settings, today, period_count=period_count)
    (task_id,) = _start(db, plan, settings, principal, clock, queue)
    return task_id


# Queued runs, on a worker ------------------------------------------------------------------------------------------

UNEXPECTED_ERROR = "The run stopped on an unexpected error; no bills were written."
NO_RUN = "This task was queued before runs were kept with their plans; void it and run it again."


def _describe(error: DomainError) -> str:
    if isinstance(error, ValidationFailed):
        reasons = "; ".join(f"{name}: {' '.join(texts)}" for name, texts in error.errors.items())
        return f"{error.message} {reasons}".strip()
    return error.message


def fail_tasks(db: Database, task_ids: Sequence[int], now: datetime, message: str) -> None:
    """Mark those of the tasks still Processing Failed at `now`, the message added to their comment.

    The comment is the one free text a chargeback task shows (GET /chargebackTask/{id}); the note is kept.
    """
    with db.transaction() as session:
        runs.fail_tasks(session, task_ids, now, message)


def _run_queued_task(db: Database, task_id: int, job_number: int, plan: RunPlan, clock: Clock) -> bool:
    """Run one queued task of a run unless it is no longer Processing; False when it ended Failed on an error."""
    try:
        with db.transaction() as session, cyclic_gc_paused():
            # Locked until the commit: a second run of the task (its job retried after the worker was taken for
            # dead) waits here for the first to commit or roll back, then finds it finished, or runs it itself.
            task = runs.lock_task(session, task_id)
            if task is None or task.status != TaskStatus.PROCESSING:
                return True
            job = _jobs(session, plan)[job_number]
            _work(session, task, job, plan, clock, clock(), _silent)
            return True
    except DomainError as error:
        fail_tasks(db, [task_id], clock(), _describe(error))
        return False
    except Exception:
        log.exception("chargeback task %s failed", task_id)
        fail_tasks(db, [task_id], clock(), UNEXPECTED_ERROR)
        raise


def run_queued(db: Database, task_id: int, clock: Clock) -> None:
    """The body of a queued run, given its first task: its tasks one after another, each in its own transaction.

    Processing -> Completed | Completed with errors | Failed, as inline. A later step sees the bills of the earlier
    ones; tasks already finished (by an earlier run of the job) are skipped; once a task fails on an error the
    later ones are marked Failed, not run; an unexpected error is raised again, for the queue to log.
    """
    with db.reading() as session:
        found = runs.run_of(session, task_id)
        task_ids = runs.tasks_of_run(session, found[0]) if found is not None else []
    if found is None:
        fail_tasks(db, [task_id], clock(), NO_RUN)
        return
    plan = found[1]
    for number, queued_task in enumerate(task_ids):
        rest = task_ids[number + 1 :]
        try:
            ok = _run_queued_task(db, queued_task, number, plan, clock)
        except Exception:
            fail_tasks(db, rest, clock(), f"Not run: the task of an earlier step ({queued_task}) failed.")
            raise
        if not ok:
            fail_tasks(db, rest, clock(), f"Not run: the task of an earlier step ({queued_task}) failed.")
            return


def run_tasks(db: Database, task_id: int) -> list[int]:
    """The tasks of the run a task belongs to, in order (the task alone when it has no run)."""
    with db.reading() as session:
        found = runs.run_of(session, task_id)
        return runs.tasks_of_run(session, found[0]) if found is not None else [task_id]


def still_processing(db: Database, task_ids: Sequence[int]) -> bool:
    """Whether any of the tasks is still Processing, once no live run holds them (their row locks are waited for)."""
    if not task_ids:
        return False
    with db.transaction() as session:
        return TaskStatus.PROCESSING in runs.statuses(session, task_ids)
