"""Chargeback tasks: list, read, comment, error log, per-version history, and reversal (void or delete).

Reversal (domain.md §4.7) voids or deletes every bill a task created, exported ones included, and resets a
split task's source bills to "not split" so they can be split again; the task records who reversed it and
when. A step's reversal applies the same to every task of that step in a billing period. Each reversal is
one transaction: all of it happens, or none.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from apportion.domain import filters, periods, texts
from apportion.domain.errors import NotFound, RuleViolation, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.domain.scoping import Scope
from apportion.domain.task_status import TaskStatus
from apportion.domain.versions import AGGREGATION_TYPE_ID as AGGREGATION_TYPE_ID
from apportion.domain.versions import CALCULATION_TYPE_ID as CALCULATION_TYPE_ID
from apportion.domain.versions import SPLIT_TYPE_ID as SPLIT_TYPE_ID
from apportion.importer.formulas import neutralise
from apportion.services.access.auth import Principal
from apportion.services.chargebacks import corrections
from apportion.services.chargebacks.corrections import Cause, Change
from apportion.services.runs.run_context import delete_bills_in
from apportion.store import lineage, runs
from apportion.store import scoping as scoped
from apportion.store.database import Database, DbSession, UnitOfWork
from apportion.store.paging import TypedPage
from apportion.store.queries import chargeback_tasks as stored
from apportion.store.queries.chargeback_tasks import ChargebackTaskListing as ChargebackTaskListing
from apportion.store.queries.chargeback_tasks import TaskState
from apportion.store.runs import TaskLine as TaskLine

FILTERS = filters.specs(
    FieldSpec(
        "billingPeriod",
        FieldType.DATE_PERIOD,
        frozenset(
            {"equals", "not equals", "less than", "between", "greater than", "less than equal", "greater than equal"}
        ),
    ),
    FieldSpec("calculateBillTypeID", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("calculateBillWorkflowStepID", FieldType.INTEGER, frozenset({"equals"})),
    FieldSpec("status", FieldType.STRING, filters.STRING_OPS),
)


@dataclass(frozen=True)
class VersionRun:
    """One run of a version (ChargebackTaskVersionResponse): the task, and the version's own source bill, counts,
    error and the bills it made in that run."""

    task: ChargebackTaskListing
    version_id: int
    source_bill_id: int | None
    number_of_bills_created: int
    error_message: str | None
    destination_bill_ids: list[int]


def _own(task: ChargebackTaskListing, viewer: Principal) -> bool:
    return task.user is not None and task.user.user_id == viewer.user_id


def _as_seen(
    session: DbSession, rows: Sequence[ChargebackTaskListing], viewer: Principal | None
) -> list[ChargebackTaskListing]:
    """The tasks as a scoped viewer sees them (docs/scoping.md): a task it did not start counts only the bills and
    failed versions in its scope. Unchanged, and nothing read, for an unlimited viewer."""
    if viewer is None or viewer.scope.whole:
        return list(rows)
    counts = scoped.task_counts(session, viewer.scope, [row.task_id for row in rows if not _own(row, viewer)])
    return [
        row
        if row.task_id not in counts
        else row._replace(
            number_of_bills_created=counts[row.task_id][0],
            number_of_failed_versions=counts[row.task_id][1],
        )
        for row in rows
    ]


def _visible(session: DbSession, task_id: int, viewer: Principal | None) -> bool:
    """Whether the viewer sees the task (always for an unlimited viewer: nothing is read)."""
    if viewer is None or viewer.scope.whole:
        return True
    return scoped.holds_task(session, viewer.scope, viewer.user_id, task_id)


def list_tasks(
    db: Database,
    filter_text: str | None,
    page_number: int,
    page_size: int,
    today: date,
    viewer: Principal | None = None,
) -> TypedPage[ChargebackTaskListing]:
    """One page of tasks matching the filter, newest first; for a scoped viewer, only the tasks it sees (it started
    them, or they ran a version or made a bill in its scope), counting what lies in its scope."""
    conditions = filters.parse(filter_text, FILTERS)
    scope, user_id = (Scope.WHOLE, None) if viewer is None else (viewer.scope, viewer.user_id)
    with db.reading() as session:
        page = stored.task_page(session, conditions, page_number, page_size, today, scope, user_id)
        return replace(page, rows=_as_seen(session, page.rows, viewer))


def recent_tasks(db: Database, step_id: int | None, billing_period: int | None, limit: int) -> list[TaskLine]:
    """The newest `limit` chargeback tasks, of one step and one period when given."""
    with db.reading() as session:
        return runs.recent_tasks(session, step_id, billing_period, limit)


def get_task(db: Database, task_id: int, viewer: Principal | None = None) -> ChargebackTaskListing:
    """One task with its children, or NotFound (also for a task a scoped viewer does not see)."""
    with db.reading() as session:
        found = stored.task(session, task_id)
        if found is None or not _visible(session, task_id, viewer):
            raise NotFound("Chargeback task", task_id)
        return _as_seen(session, [found], viewer)[0]


def require_visible(db: Database, task_id: int, viewer: Principal) -> None:
    """NotFound for a task the viewer does not see (docs/scoping.md); nothing is read for an unlimited viewer."""
    if viewer.scope.whole:
        return
    with db.reading() as session:
        if not _visible(session, task_id, viewer):
            raise NotFound("Chargeback task", task_id)


def get_tasks(db: Database, task_ids: Sequence[int], viewer: Principal | None = None) -> list[ChargebackTaskListing]:
    """Several tasks in the given order: those that exist and that the viewer sees."""
    with db.reading() as session:
        by_id = stored.tasks(session, task_ids)
        found = [by_id[i] for i in task_ids if i in by_id and _visible(session, i, viewer)]
        return _as_seen(session, found, viewer)


def update_comment(db: Database, task_id: int, comment: str) -> None:
    """PUT /api/v3/chargebackTask/{id}: replace the task's comment."""
    if errors := texts.too_long({"comment": (comment, texts.MAX_NOTE)}):
        raise ValidationFailed(errors)
    with db.transaction() as session:
        if not stored.task_exists(session, task_id):
            raise NotFound("Chargeback task", task_id)
        stored.set_comment(session, task_id, comment)


def error_rows(db: Database, task_id: int, viewer: Principal | None = None) -> list[tuple[int, str]]:
    """(version id, error message) of every failed version of the task, in the order they ran; for a scoped viewer
    of a task it did not start, only the versions in its scope."""
    with db.reading() as session:
        if not stored.task_exists(session, task_id) or not _visible(session, task_id, viewer):
            raise NotFound("Chargeback task", task_id)
        rows = stored.failed_versions(session, task_id)
        if viewer is None or viewer.scope.whole:
            return rows
        task = stored.task(session, task_id)
        if task is not None and _own(task, viewer):
            return rows
        seen = scoped.versions_among(session, viewer.scope, [version_id for version_id, _ in rows])
        return [row for row in rows if row[0] in seen]


def error_file(db: Database, task_id: int, viewer: Principal | None = None) -> str:
    """The task's error log: CSV text with a header row and one row per failed version.

    A message a spreadsheet would run as a formula (it may quote a code someone typed) gets a quote in front, as
    in kickout files (importer.formulas).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["versionId", "errorMessage"])
    writer.writerows((version_id, neutralise(message or "")) for version_id, message in error_rows(db, task_id, viewer))
    return out.getvalue()


def version_history(db: Database, account_id: int, meter_id: int, version_id: int, kind: str) -> list[VersionRun]:
    """Every task run of a version on the account+meter: the task, the source bill and bills created.

    GET …/billSplit/{v}/chargebackTask and …/calculatedBill/{v}/chargebackTask (ChargebackTaskVersionResponse).
    """
    with db.reading() as session:
        owner = stored.version_owner(session, version_id)
        if owner is None or (owner.account_id, owner.meter_id, owner.chargeback_type) != (account_id, meter_id, kind):
            raise NotFound(f"{kind} version", version_id)
        runs = stored.version_runs(session, version_id)
        task_ids = sorted({run.task_id for run in runs})
        tasks = stored.tasks(session, task_ids)
        bills = stored.bills_by_run(session, task_ids, version_id)
    return [
        VersionRun(
            task=tasks[run.task_id],
            version_id=version_id,
            source_bill_id=run.source_bill_id,
            number_of_bills_created=run.number_of_bills_created,
            error_message=run.error_message,
            destination_bill_ids=bills.get((run.task_id, run.source_bill_id), []),
        )
        for run in runs
    ]


def _reverse(session: UnitOfWork, tasks: Sequence[TaskState], *, delete: bool, user_id: int, now: datetime) -> None:
    """Void or delete the tasks' bills, undo what was made from them, and mark each task reversed.

    Split sources go back to "not split" only for the split bills this reversal undid (chargebacks.corrections):
    a source whose split bills were already voided by an earlier change was reset then, and one split again by a
    later task keeps that split.
    """
    for task in tasks:
        if task.status == TaskStatus.PROCESSING:
            raise RuleViolation(
                f"Chargeback task {task.task_id} is still processing; void or delete it once it has finished."
            )
    made = stored.bills_of_tasks(session, [task.task_id for task in tasks])
    bill_ids = [bill_id for bill_id, _void in made]
    live = [bill_id for bill_id, void in made if not void]
    for task in tasks:
        if task.reversed_date is not None:
            continue  # voided before: what was made from its bills was undone then; deleting them is all that is left
        change = Change(Cause.TASK_REVERSED, user_id, now, chargeback_task_id=task.task_id, deleting=delete)
        corrections.undo_dependents(session, sorted(stored.bills_of_task(session, task.task_id) & set(live)), change)
    if delete:
        delete_bills_in(session, bill_ids)
    else:
        lineage.void_bills(session, live)
    stored.mark_reversed(session, [task.task_id for task in tasks if task.reversed_date is None], user_id, now)


def _already_reversed(task: TaskState) -> RuleViolation:
    by = f" by {task.reversed_by_code}" if task.reversed_by_code is not None else ""
    when = f"{task.reversed_date:%Y-%m-%d %H:%M:%S}" if task.reversed_date is not None else "earlier"
    return RuleViolation(f"Chargeback task {task.task_id} was already reversed on {when}{by}.")


def reverse_task(db: Database, task_id: int, *, delete: bool, user_id: int, now: datetime) -> None:
    """POST /api/v3/chargebackTask/{id}/void or /delete (domain.md §4.7); a task is reversed once.

    The task row is locked first (FOR UPDATE on PostgreSQL; SQLite's write transactions run one at a time), so of
    several reversals fired at once one reverses it and the others are refused, saying when and by whom.
    """
    with db.transaction() as session:
        task = stored.lock_task(session, task_id)
        if task is None:
            raise NotFound("Chargeback task", task_id)
        if task.reversed_date is not None:
            raise _already_reversed(task)
        _reverse(session, [task], delete=delete, user_id=user_id, now=now)


def reverse_step(
    db: Database, step_id: int, billing_period: int | None, *, delete: bool, user_id: int, now: datetime
) -> None:
    """POST /api/v3/chargebackWorkflowStep/{id}/void or /delete: every run of the step in the period (void skips
    runs already reversed; delete also removes the void bills of runs voided before).

    Without a billing period, the latest period in which the step has tasks (domain.md §7 Q10).
    """
    if billing_period is not None:
        periods.check(billing_period)
    with db.transaction() as session:
        if not stored.step_exists(session, step_id):
            raise NotFound("Chargeback workflow step", step_id)
        if billing_period is None:
            billing_period = stored.latest_period(session, step_id)
        tasks = stored.lock_step_tasks(session, step_id, billing_period)
        # Deleting a period's runs also deletes the void bills of runs voided before; voiding skips those runs.
        _reverse(
            session,
            [task for task in tasks if delete or task.reversed_date is None],
            delete=delete,
            user_id=user_id,
            now=now,
        )
