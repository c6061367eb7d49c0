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
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import RowMapping, case, func, select
from sqlalchemy.orm import Session, aliased

from apportion.domain import filters, periods, texts
from apportion.domain.errors import NotFound, RuleViolation, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.domain.task_status import TaskStatus
from apportion.domain.versions import SPLIT
from apportion.importer.formulas import neutralise
from apportion.services.chargebacks import corrections
from apportion.services.chargebacks.corrections import Cause, Change
from apportion.services.child_columns import join_workflow_step_child
from apportion.services.runs.run_context import chunks, delete_bills_in
from apportion.store import lineage, runs
from apportion.store.database import Database
from apportion.store.filtering import compile_filter
from apportion.store.models.bills import Batch, Bill
from apportion.store.models.chargebacks import (
    ChargebackTask,
    ChargebackTaskVersion,
    ChargebackWorkflowStep,
    DistributionVersion,
)
from apportion.store.models.users import User
from apportion.store.paging import AnySelect, Page, paginate
from apportion.store.runs import TaskLine as TaskLine

# domain.md §7 Q3: 1 = Calculation, 2 = Split, 3 = Aggregation.
CALCULATION_TYPE_ID, SPLIT_TYPE_ID, AGGREGATION_TYPE_ID = 1, 2, 3

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


def _type_id() -> Any:
    return case(
        (ChargebackTask.is_aggregation.is_(True), AGGREGATION_TYPE_ID),
        (ChargebackTask.chargeback_type == SPLIT, SPLIT_TYPE_ID),
        else_=CALCULATION_TYPE_ID,
    )


@cache
def _select() -> AnySelect:
    """A task with its user, reverser, batch and workflow step, as labelled columns (built once)."""
    user, reverser = aliased(User), aliased(User)
    statement = (
        select(
            ChargebackTask,
            user.user_id.label("user_user_id"),
            user.user_code.label("user_user_code"),
            user.full_name.label("user_full_name"),
            reverser.user_id.label("reversed_user_id"),
            reverser.user_code.label("reversed_user_code"),
            reverser.full_name.label("reversed_full_name"),
            Batch.batch_id.label("batch_id"),
            Batch.batch_code.label("batch_code"),
        )
        .join(user, user.user_id == ChargebackTask.user_id)
        .outerjoin(reverser, reverser.user_id == ChargebackTask.reversed_by)
        .outerjoin(Batch, Batch.batch_id == ChargebackTask.batch_id)
    )
    return join_workflow_step_child(statement, ChargebackTask.workflow_step_id, "workflow")


def list_tasks(db: Database, filter_text: str | None, page_number: int, page_size: int, today: date) -> Page:
    """One page of tasks matching the filter, newest first."""
    conditions = filters.parse(filter_text, FILTERS)
    targets = {
        "billingPeriod": ChargebackTask.billing_period,
        "calculateBillTypeID": _type_id(),
        "calculateBillWorkflowStepID": ChargebackTask.workflow_step_id,
        "status": ChargebackTask.status,
    }
    statement = _select().where(compile_filter(conditions, targets, today)).order_by(ChargebackTask.task_id.desc())
    with db.reading() as session:
        return paginate(session, statement, page_number, page_size)


def recent_tasks(db: Database, step_id: int | None, billing_period: int | None, limit: int) -> list[TaskLine]:
    """The newest `limit` chargeback tasks, of one step and one period when given."""
    with db.reading() as session:
        return runs.recent_tasks(session, step_id, billing_period, limit)


def get_task(db: Database, task_id: int) -> RowMapping:
    """One task with its children, or NotFound."""
    with db.reading() as session:
        row = session.execute(_select().where(ChargebackTask.task_id == task_id)).mappings().one_or_none()
    if row is None:
        raise NotFound("Chargeback task", task_id)
    return row


def get_tasks(db: Database, task_ids: Sequence[int]) -> list[RowMapping]:
    """Several tasks in the given order (one query)."""
    with db.reading() as session:
        rows = session.execute(_select().where(ChargebackTask.task_id.in_(task_ids))).mappings().all()
    by_id = {row["ChargebackTask"].task_id: row for row in rows}
    return [by_id[i] for i in task_ids]


def update_comment(db: Database, task_id: int, comment: str) -> None:
    """PUT /api/v3/chargebackTask/{id}: replace the task's comment."""
    if errors := texts.too_long({"comment": (comment, texts.MAX_NOTE)}):
        raise ValidationFailed(errors)
    with db.transaction() as session:
        task = session.get(ChargebackTask, task_id)
        if task is None:
            raise NotFound("Chargeback task", task_id)
        task.comment = comment


def error_rows(db: Database, task_id: int) -> list[tuple[int, str]]:
    """(version id, error message) of every failed version of the task, in the order they ran."""
    with db.reading() as session:
        if session.get(ChargebackTask, task_id) is None:
            raise NotFound("Chargeback task", task_id)
        rows = session.execute(
            select(ChargebackTaskVersion.version_id, ChargebackTaskVersion.error_message)
            .where(ChargebackTaskVersion.task_id == task_id, ChargebackTaskVersion.error_message.is_not(None))
            .order_by(ChargebackTaskVersion.task_version_id)
        )
        return [(version_id, message or "") for version_id, message in rows]


def error_file(db: Database, task_id: int) -> str:
    """The task's error log: CSV text with a header row and one row per failed version.

    A message a spreadsheet would run as a formula (it may quote a code someone typed) gets a quote in front, as
    in kickout files (importer.formulas).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["versionId", "errorMessage"])
    writer.writerows((version_id, neutralise(message or "")) for version_id, message in error_rows(db, task_id))
    return out.getvalue()


def version_history(db: Database, account_id: int, meter_id: int, version_id: int, kind: str) -> list[dict[str, Any]]:
    """Every task run of a version on the account+meter: the task's row, the source bill and bills created.

    GET …/billSplit/{v}/chargebackTask and …/calculatedBill/{v}/chargebackTask (ChargebackTaskVersionResponse).
    """
    with db.reading() as session:
        version = session.get(DistributionVersion, version_id)
        if version is None or (version.account_id, version.meter_id, version.chargeback_type) != (
            account_id,
            meter_id,
            kind,
        ):
            raise NotFound(f"{kind} version", version_id)
        runs = list(
            session.execute(
                select(ChargebackTaskVersion)
                .where(ChargebackTaskVersion.version_id == version_id)
                .order_by(ChargebackTaskVersion.task_id, ChargebackTaskVersion.task_version_id)
            ).scalars()
        )
        task_ids = sorted({run.task_id for run in runs})
        tasks = {row["ChargebackTask"].task_id: row for row in _rows(session, task_ids)}
        bills: dict[tuple[int, int | None], list[int]] = {}
        for chunk in chunks(task_ids):
            found = session.execute(
                select(Bill.chargeback_task_id, Bill.source_bill_id, Bill.bill_id)
                .where(Bill.chargeback_task_id.in_(chunk), Bill.chargeback_version_id == version_id)
                .order_by(Bill.bill_id)
            )
            for task_id, source_id, bill_id in found:
                bills.setdefault((task_id or 0, source_id), []).append(bill_id)
    return [
        {
            "task": tasks[run.task_id],
            "version_id": version_id,
            "source_bill_id": run.source_bill_id,
            "number_of_bills_created": run.number_of_bills_created,
            "error_message": run.error_message,
            "destination_bill_ids": bills.get((run.task_id, run.source_bill_id), []),
        }
        for run in runs
    ]


def _rows(session: Session, task_ids: Sequence[int]) -> list[RowMapping]:
    found: list[RowMapping] = []
    for chunk in chunks(list(task_ids)):
        found.extend(session.execute(_select().where(ChargebackTask.task_id.in_(chunk))).mappings().all())
    return found


def _reverse(session: Session, tasks: Sequence[ChargebackTask], *, delete: bool, user_id: int, now: datetime) -> None:
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
    task_ids = [task.task_id for task in tasks]
    bill_ids: list[int] = []
    live: list[int] = []
    for chunk in chunks(task_ids):
        for bill_id, void in session.execute(select(Bill.bill_id, Bill.void).where(Bill.chargeback_task_id.in_(chunk))):
            bill_ids.append(bill_id)
            if not void:
                live.append(bill_id)
    for task in tasks:
        if task.reversed_date is not None:
            continue  # voided before: what was made from its bills was undone then; deleting them is all that is left
        change = Change(Cause.TASK_REVERSED, user_id, now, chargeback_task_id=task.task_id, deleting=delete)
        corrections.undo_dependents(session, sorted(_bills_of(session, task.task_id) & set(live)), change)
    if delete:
        delete_bills_in(session, bill_ids)
    else:
        lineage.void_bills(session, live)
    for task in tasks:
        if task.reversed_date is None:
            task.reversed_by = user_id
            task.reversed_date = now


def _bills_of(session: Session, task_id: int) -> set[int]:
    return set(session.execute(select(Bill.bill_id).where(Bill.chargeback_task_id == task_id)).scalars())


def _already_reversed(session: Session, task: ChargebackTask) -> RuleViolation:
    who = session.get(User, task.reversed_by) if task.reversed_by is not None else None
    by = f" by {who.user_code}" if who is not None else ""
    when = f"{task.reversed_date:%Y-%m-%d %H:%M:%S}" if task.reversed_date is not None else "earlier"
    return RuleViolation(f"Chargeback task {task.task_id} was already reversed on {when}{by}.")


def reverse_task(db: Database, task_id: int, *, delete: bool, user_id: int, now: datetime) -> None:
    """POST /api/v3/chargebackTask/{id}/void or /delete (domain.md §4.7); a task is reversed once.

    The task row is locked first (FOR UPDATE on PostgreSQL; SQLite's write transactions run one at a time), so of
    several reversals fired at once one reverses it and the others are refused, saying when and by whom.
    """
    with db.transaction() as session:
        task = session.get(ChargebackTask, task_id, with_for_update=True)
        if task is None:
            raise NotFound("Chargeback task", task_id)
        if task.reversed_date is not None:
            raise _already_reversed(session, task)
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
        if session.get(ChargebackWorkflowStep, step_id) is None:
            raise NotFound("Chargeback workflow step", step_id)
        if billing_period is None:
            billing_period = session.execute(
                select(func.max(ChargebackTask.billing_period)).where(ChargebackTask.workflow_step_id == step_id)
            ).scalar_one_or_none()
        tasks = list(
            session.execute(
                select(ChargebackTask)
                .where(ChargebackTask.workflow_step_id == step_id, ChargebackTask.billing_period == billing_period)
                .order_by(ChargebackTask.task_id)
                .with_for_update()
            ).scalars()
        )
        # Deleting a period's runs also deletes the void bills of runs voided before; voiding skips those runs.
        _reverse(
            session,
            [task for task in tasks if delete or task.reversed_date is None],
            delete=delete,
            user_id=user_id,
            now=now,
        )
