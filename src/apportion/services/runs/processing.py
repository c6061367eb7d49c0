"""Run chargeback processors: bill split, calculated bills, a workflow step, a whole workflow, aggregations.

Every run is a chargeback task (domain.md §2.5, §4.7) written in one transaction together with its bills:
the task row (user, settings as sent, period, batch, begin time), the work, the per-version results
(ChargebackTaskVersion: source bill, bills created, error) and the finished counters and status. A version
that cannot run fails alone with its message; the rest of the task proceeds. An unexpected error rolls
the whole task back, so no partial run is ever stored. A workflow run is one task per step, in step
order, each in its own transaction, so later steps see the bills earlier steps made (§4.6).

Runs are inline and return the finished task by default (domain.md §7 Q16). Queued (`queued=True`, the
PostgreSQL task queue): the request validates as always and commits the task(s) as Processing in its batch;
a worker then runs `run_queued_task` / `run_queued_workflow`, which do the same work in one transaction per
task (`_work`) on the task row locked FOR UPDATE, and do nothing for a task no longer Processing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, assert_never

from sqlalchemy import select
from sqlalchemy.orm import Session

from apportion.domain import filters, periods, texts
from apportion.domain.errors import DomainError, NotFound, RuleViolation, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.domain.task_status import TaskStatus
from apportion.domain.versions import CALCULATION, SPLIT, ChargebackType
from apportion.runtime.memory import cyclic_gc_paused
from apportion.runtime.progress import Progress, shifted
from apportion.services.access.auth import Principal
from apportion.services.billing.batches import (
    BatchSettings,
    automatic_code,
    header_defaults,
    open_batch_in,
    open_batches_of,
)
from apportion.services.runs.calculation_run import run_calculations
from apportion.services.runs.run_context import RunContext, VersionOutcome
from apportion.services.runs.split_run import run_splits
from apportion.store import lineage, locks
from apportion.store.bulk import insert_rows
from apportion.store.chargeback_versions import VersionSelection, load_calculated_versions, load_split_versions
from apportion.store.database import Database
from apportion.store.models.base import Base
from apportion.store.models.bills import Batch
from apportion.store.models.chargebacks import (
    ChargebackTask,
    ChargebackTaskVersion,
    ChargebackWorkflow,
    ChargebackWorkflowStep,
)

log = logging.getLogger("apportion.processing")

# domain.md §7 Q20: the QuickFilter captions the bill split and calculated bill processors accept.
QUICK_FILTERS = filters.specs(
    FieldSpec("accountCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("meterCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("calculateBillVersionID", FieldType.INTEGER, filters.NUMBER_OPS),
)

Clock = Callable[[], datetime]
RUN_STAGES = ("task opened", "versions run", "task recorded")
"""The progress steps of one task: opened with its batch, its versions run and bills written, counters stored."""


@dataclass(frozen=True)
class QuickFilter:
    """One QuickFilter of ChargebackProcessorSettings: caption, operator and value ('a|b' for lists)."""

    caption: str
    operator: str
    value: str


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


def _batch_for_run(session: Session, settings: BatchSettings | None, principal: Principal, now: datetime) -> Batch:
    """The batch all of a run's bills go into (domain.md §4.9 "Chargeback processors").

    With batchSettings: a new batch, as OpenBatch would make it (closeExistingBatch honoured). Without:
    the caller's one open batch, else a new batch with an automatic code (§7 Q13).
    """
    if settings is not None:
        return open_batch_in(session, settings, principal.user_id, now, prefix="batchSettings.")
    locks.lock_batches_of(session, principal.user_id)  # two runs at once find or make one batch, not two
    mine = open_batches_of(session, principal.user_id)
    if len(mine) == 1:
        return mine[0]
    code = automatic_code(session, principal.user_code, now)
    return open_batch_in(session, BatchSettings(code), principal.user_id, now)


def _status(outcomes: Sequence[VersionOutcome]) -> str:
    failed = {o.version_id for o in outcomes if o.error_message}
    if not failed:
        return TaskStatus.COMPLETED
    if failed == {o.version_id for o in outcomes}:
        return TaskStatus.FAILED
    return TaskStatus.COMPLETED_WITH_ERRORS


def _open_task(
    session: Session, job: _Job, settings: RunSettings, principal: Principal, now: datetime, batch_id: int | None
) -> ChargebackTask:
    """A Processing task row for the job in its batch (the given one, else as `_batch_for_run` picks it)."""
    batch = session.get(Batch, batch_id) if batch_id is not None else None
    if batch is None:
        batch = _batch_for_run(session, settings.batch, principal, now)
    task = ChargebackTask(
        chargeback_type=job.chargeback_type,
        is_aggregation=job.is_aggregation,
        billing_period=job.period,
        workflow_step_id=job.step_id,
        batch_id=batch.batch_id,
        settings=dict(settings.document),
        comment=settings.note,
        status=TaskStatus.PROCESSING,
        task_begin=now,
        user_id=principal.user_id,
    )
    session.add(task)
    session.flush()
    return task


def _work(
    session: Session,
    task: ChargebackTask,
    job: _Job,
    settings: RunSettings,
    clock: Clock,
    now: datetime,
    report: Progress,
) -> None:
    """Run an open task's versions and record their outcomes, counters, status and end, in the caller's session.

    The one body of every run, inline (`_run`) or queued (`run_queued_task`).
    """
    batch = session.get(Batch, task.batch_id) if task.batch_id is not None else None
    if batch is None:
        raise RuleViolation(f"The batch of chargeback task {task.task_id} no longer exists.")
    context = RunContext(
        session=session,
        task_id=task.task_id,
        user_id=task.user_id,
        batch_id=batch.batch_id,
        header=header_defaults(batch),
        now=now,
        start_date_for_bill=settings.start_date_for_bill,
        end_date_for_bill=settings.end_date_for_bill,
    )
    outcomes = job.work(context)
    report(2, len(RUN_STAGES), RUN_STAGES[1])
    rows = [
        {
            "task_id": task.task_id,
            "version_id": o.version_id,
            "source_bill_id": o.source_bill_id,
            "number_of_bills_created": len(o.bill_ids),
            "error_message": o.error_message,
        }
        for o in outcomes
    ]
    insert_rows(session, Base.metadata.tables[ChargebackTaskVersion.__tablename__], rows)
    ran = [(o.version_id, o.billing_period or task.billing_period) for o in outcomes if not o.error_message]
    lineage.resolve_reruns(session, task.task_id, ran, now)
    task.number_of_bills_created = sum(len(o.bill_ids) for o in outcomes)
    task.number_of_failed_versions = len({o.version_id for o in outcomes if o.error_message})
    task.status = _status(outcomes)
    task.task_end = clock()
    report(3, len(RUN_STAGES), RUN_STAGES[2])


def _silent(_done: int, _total: int, _label: str) -> None:
    return None


def _run(
    db: Database,
    job: _Job,
    settings: RunSettings,
    principal: Principal,
    clock: Clock,
    batch_id: int | None = None,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Run one task in one transaction; returns (task id, batch id). `progress` hears of each of RUN_STAGES."""
    report = progress or _silent
    with db.transaction() as session, cyclic_gc_paused():
        now = clock()
        task = _open_task(session, job, settings, principal, now, batch_id)
        report(1, len(RUN_STAGES), RUN_STAGES[0])
        _work(session, task, job, settings, clock, now, report)
        assert task.batch_id is not None  # set by _open_task
        return task.task_id, task.batch_id


def _open(db: Database, jobs: Sequence[_Job], settings: RunSettings, principal: Principal, clock: Clock) -> list[int]:
    """Commit one Processing task per job, in order, all in the first one's batch, for a worker to run."""
    task_ids: list[int] = []
    with db.transaction() as session:
        now = clock()
        batch_id: int | None = None
        for job in jobs:
            task = _open_task(session, job, settings, principal, now, batch_id)
            batch_id = task.batch_id
            task_ids.append(task.task_id)
    return task_ids


def _split_job(period: int, selection: VersionSelection, step_id: int | None = None) -> _Job:
    def work(ctx: RunContext) -> list[VersionOutcome]:
        return run_splits(ctx, load_split_versions(ctx.session, selection), period)

    return _Job(SPLIT, period, work, step_id)


def _calculation_job(period: int, selection: VersionSelection, step_id: int | None = None) -> _Job:
    def work(ctx: RunContext) -> list[VersionOutcome]:
        return run_calculations(ctx, load_calculated_versions(ctx.session, selection), period)

    return _Job(CALCULATION, period, work, step_id)


def _processor_job(chargeback_type: ChargebackType, period: int, quick: Sequence[QuickFilter], today: date) -> _Job:
    """The bill split or calculated bill processor: versions effective in the period, narrowed by QuickFilters."""
    return _job_of(
        chargeback_type, period, VersionSelection(period, conditions=quick_filter_conditions(quick), today=today)
    )


def _job_of(
    chargeback_type: ChargebackType, period: int, selection: VersionSelection, step_id: int | None = None
) -> _Job:
    if chargeback_type is ChargebackType.SPLIT:
        return _split_job(period, selection, step_id)
    if chargeback_type is ChargebackType.CALCULATION:
        return _calculation_job(period, selection, step_id)
    assert_never(chargeback_type)


def _start(
    db: Database,
    job: _Job,
    settings: RunSettings,
    principal: Principal,
    clock: Clock,
    queued: bool,
    progress: Progress | None = None,
) -> int:
    """Run the job now, or (queued) only commit its Processing task; the task's id."""
    if queued:
        return _open(db, [job], settings, principal, clock)[0]
    return _run(db, job, settings, principal, clock, progress=progress)[0]


def run_bill_split(
    db: Database, settings: RunSettings, principal: Principal, clock: Clock, *, queued: bool = False
) -> int:
    """POST /api/v3/billSplit/exec: split versions effective in the period (QuickFilters narrow them).

    Queued: the task is committed as Processing for `run_queued_task` (likewise for every processor below).
    """
    now = clock()
    period = _checked(settings, periods.of_date(now.date()))
    job = _processor_job(SPLIT, period, settings.filters, now.date())
    return _start(db, job, settings, principal, clock, queued)


def run_calculated_bills(
    db: Database, settings: RunSettings, principal: Principal, clock: Clock, *, queued: bool = False
) -> int:
    """POST /api/v3/calculatedBill/exec: calculated bill versions effective in the period."""
    now = clock()
    period = _checked(settings, periods.of_date(now.date()))
    job = _processor_job(CALCULATION, period, settings.filters, now.date())
    return _start(db, job, settings, principal, clock, queued)


def _step_job(step: ChargebackWorkflowStep, period: int) -> _Job:
    selection = VersionSelection(period, step_id=step.step_id)
    return _job_of(ChargebackType(step.step_type), period, selection, step.step_id)


def run_workflow_step(
    db: Database,
    step_id: int,
    settings: RunSettings,
    principal: Principal,
    clock: Clock,
    progress: Progress | None = None,
    *,
    queued: bool = False,
) -> int:
    """POST /api/v3/chargebackWorkflowStep/{id}/exec: the versions assigned to one step (domain.md §4.6)."""
    with db.reading() as session:
        step = session.get(ChargebackWorkflowStep, step_id)
    if step is None:
        raise NotFound("Chargeback workflow step", step_id)
    period = _checked(settings, periods.of_date(clock().date()))
    return _start(db, _step_job(step, period), settings, principal, clock, queued, progress)


def run_workflow(
    db: Database,
    workflow_id: int,
    settings: RunSettings | None,
    principal: Principal,
    clock: Clock,
    progress: Progress | None = None,
    *,
    queued: bool = False,
) -> list[int]:
    """POST /api/v202304/chargebackWorkflow/{id}/exec: one task per step in step order, all bills in one batch.

    Without settings the last month is processed (SDK docstring); the first task opens the batch the
    later steps reuse. Queued: every step's task is committed as Processing at once, in step order, for
    `run_queued_workflow` (given the first task's id) to run one after another.
    """
    with db.reading() as session:
        workflow = session.get(ChargebackWorkflow, workflow_id)
        steps = list(
            session.execute(
                select(ChargebackWorkflowStep)
                .where(ChargebackWorkflowStep.workflow_id == workflow_id)
                .order_by(ChargebackWorkflowStep.step_order, ChargebackWorkflowStep.step_id)
            ).scalars()
        )
    if workflow is None:
        raise NotFound("Chargeback workflow", workflow_id)
    settings = settings or RunSettings()
    period = _checked(settings, periods.prior(periods.of_date(clock().date())))
    if queued:
        return _open(db, [_step_job(step, period) for step in steps], settings, principal, clock)
    task_ids: list[int] = []
    batch_id: int | None = None
    total = len(steps) * len(RUN_STAGES)
    for number, step in enumerate(steps):
        part = shifted(progress, number * len(RUN_STAGES), total)
        task_id, batch_id = _run(db, _step_job(step, period), settings, principal, clock, batch_id, part)
        task_ids.append(task_id)
    return task_ids


def aggregation_periods(end: int, count: int) -> list[int]:
    """The `count` billing periods ending at `end` (domain.md §4.5 step 1): (202403, 3) -> 202401..202403."""
    return list(periods.span(periods.add_months(end, -(count - 1)), end))


def _aggregation_job(end: int, period_count: int) -> _Job:
    covered = [p for p in aggregation_periods(end, period_count) if p >= periods.MIN_PERIOD]

    def work(ctx: RunContext) -> list[VersionOutcome]:
        outcomes: list[VersionOutcome] = []
        for period in covered:
            versions = load_calculated_versions(ctx.session, VersionSelection(period, aggregation_only=True))
            outcomes.extend(run_calculations(ctx, versions, period))
        return outcomes

    return _Job(CALCULATION, end, work, is_aggregation=True)


def run_aggregations(
    db: Database,
    settings: RunSettings,
    period_count: int,
    principal: Principal,
    clock: Clock,
    *,
    queued: bool = False,
) -> int:
    """POST /api/v202203/utilityPlatform/aggregations/exec: aggregate versions over a range of periods.

    One Calculation task for the range ending at the given period (the current one when omitted); each
    period's aggregate versions replace their earlier bills, so a re-run is idempotent (§4.5, §7 Q12).
    Queued, the worker covers its own APPORTION_AGGREGATION_PERIODS (one setting for every process).
    """
    end = _checked(settings, periods.of_date(clock().date()))
    return _start(db, _aggregation_job(end, period_count), settings, principal, clock, queued)


# Queued runs -----------------------------------------------------------------------------------------------------

UNEXPECTED_ERROR = "The run stopped on an unexpected error; no bills were written."


def _day(value: object) -> date | None:
    return datetime.fromisoformat(value).date() if isinstance(value, str) else None


def _settings_of(task: ChargebackTask) -> RunSettings:
    """What a queued task's work needs of its request, read back from the settings it keeps (wire names)."""
    document: dict[str, Any] = dict(task.settings or {})
    quick = tuple(
        QuickFilter(str(item.get("caption")), str(item.get("operator")), str(item.get("value")))
        for item in document.get("filters") or ()
    )
    return RunSettings(
        billing_period=task.billing_period,
        note=task.comment,
        start_date_for_bill=_day(document.get("startDateForBill")),
        end_date_for_bill=_day(document.get("endDateForBill")),
        filters=quick,
        document=document,
    )


def _queued_job(session: Session, task: ChargebackTask, period_count: int) -> _Job:
    """The job the request built for this task, built again from the task row (the same constructors)."""
    if task.is_aggregation:
        return _aggregation_job(task.billing_period, period_count)
    if task.workflow_step_id is not None:
        step = session.get(ChargebackWorkflowStep, task.workflow_step_id)
        if step is None:
            raise NotFound("Chargeback workflow step", task.workflow_step_id)
        return _step_job(step, task.billing_period)
    # The request's day decides which versions count as effective, not the day the worker got to it.
    quick = _settings_of(task).filters
    return _processor_job(ChargebackType(task.chargeback_type), task.billing_period, quick, task.task_begin.date())


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
        for task_id in task_ids:
            task = session.get(ChargebackTask, task_id, with_for_update=True)
            if task is not None and task.status == TaskStatus.PROCESSING:
                task.status, task.task_end = TaskStatus.FAILED, now
                task.comment = (f"{task.comment}\n{message}" if task.comment else message)[:4000]


def _run_queued(db: Database, task_id: int, clock: Clock, period_count: int) -> bool:
    """Run a queued task unless it is no longer Processing; False when it ended Failed on an error."""
    try:
        with db.transaction() as session, cyclic_gc_paused():
            # Locked until the commit: a second run of the task (its job retried after the worker was taken for
            # dead) waits here for the first to commit or roll back, then finds it finished, or runs it itself.
            task = session.get(ChargebackTask, task_id, with_for_update=True)
            if task is None or task.status != TaskStatus.PROCESSING:
                return True
            job = _queued_job(session, task, period_count)
            _work(session, task, job, _settings_of(task), clock, clock(), _silent)
            return True
    except DomainError as error:
        fail_tasks(db, [task_id], clock(), _describe(error))
        return False
    except Exception:
        log.exception("chargeback task %s failed", task_id)
        fail_tasks(db, [task_id], clock(), UNEXPECTED_ERROR)
        raise


def run_queued_task(db: Database, task_id: int, clock: Clock, period_count: int) -> None:
    """The body of a queued chargeback task: Processing -> Completed | Completed with errors | Failed.

    The same work as an inline run, in one transaction: an error rolls its bills back and leaves the task
    Failed with the message in its comment (an unexpected error is raised again, for the queue to log).
    `period_count`: the aggregation periods setting, for an aggregation task.
    """
    _run_queued(db, task_id, clock, period_count)


def workflow_run_tasks(db: Database, first_task_id: int) -> list[int]:
    """The tasks a queued workflow exec opened, in step order, given the first one's id."""
    with db.reading() as session:
        first = session.get(ChargebackTask, first_task_id)
        if first is None or first.workflow_step_id is None:
            return []
        workflow_id = (
            select(ChargebackWorkflowStep.workflow_id)
            .where(ChargebackWorkflowStep.step_id == first.workflow_step_id)
            .scalar_subquery()
        )
        steps = select(ChargebackWorkflowStep.step_id).where(ChargebackWorkflowStep.workflow_id == workflow_id)
        # `_open` made them in one transaction with one clock reading: same batch, user and begin, rising ids.
        found = session.execute(
            select(ChargebackTask.task_id)
            .where(
                ChargebackTask.task_id >= first_task_id,
                ChargebackTask.batch_id == first.batch_id,
                ChargebackTask.user_id == first.user_id,
                ChargebackTask.task_begin == first.task_begin,
                ChargebackTask.workflow_step_id.in_(steps),
            )
            .order_by(ChargebackTask.task_id)
        )
        return list(found.scalars())


def run_queued_workflow(db: Database, first_task_id: int, clock: Clock, period_count: int) -> None:
    """The body of a queued workflow exec: its step tasks one after another, each in its own transaction.

    A later step sees the bills of the earlier ones, as inline. Tasks already finished (by an earlier run of
    the job) are skipped; once a step fails on an error the later steps are marked Failed, not run.
    """
    task_ids = workflow_run_tasks(db, first_task_id)
    for number, task_id in enumerate(task_ids):
        rest = task_ids[number + 1 :]
        try:
            ok = _run_queued(db, task_id, clock, period_count)
        except Exception:
            fail_tasks(db, rest, clock(), f"Not run: the task of an earlier step ({task_id}) failed.")
            raise
        if not ok:
            fail_tasks(db, rest, clock(), f"Not run: the task of an earlier step ({task_id}) failed.")
            return


def still_processing(db: Database, task_ids: Sequence[int]) -> bool:
    """Whether any of the tasks is still Processing, once no live run holds them (their row locks are waited for)."""
    if not task_ids:
        return False
    with db.transaction() as session:
        statuses = session.execute(
            select(ChargebackTask.status)
            .where(ChargebackTask.task_id.in_(task_ids))
            .order_by(ChargebackTask.task_id)
            .with_for_update()
        ).scalars()
        return TaskStatus.PROCESSING in list(statuses)
