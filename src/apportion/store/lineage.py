"""Chargeback lineage and its records, as typed values: what a bill was made from, what was made from it, the
corrections and re-runs a change leaves, and each split task's conservation record.

Lineage has two kinds of edge. A split bill names its source in `bills.source_bill_id` (one per bill, written with
the bill); a calculated or aggregate bill has a `bill_sources` row for every bill whose figures it used.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from apportion.domain.scoping import Scope
from apportion.domain.source_split import Conservation, Left
from apportion.store import scoping
from apportion.store.bill_reads import of_live_meter_bills
from apportion.store.bulk import insert_columns, insert_rows
from apportion.store.id_lists import among
from apportion.store.models.base import Base
from apportion.store.models.bills import Bill, BillLine, BillMeter, BillSource
from apportion.store.models.chargebacks import (
    ChargebackCorrection,
    ChargebackRerun,
    ChargebackTask,
    ChargebackTaskSource,
    ChargebackTaskVersion,
    ChargebackWorkflowStep,
    DistributionVersion,
    SplitDestination,
)
from apportion.store.models.organisation import Account, Meter, MeterGroupMember

SOURCES = Base.metadata.tables[BillSource.__tablename__]
TASK_SOURCES = Base.metadata.tables[ChargebackTaskSource.__tablename__]
CORRECTIONS = Base.metadata.tables[ChargebackCorrection.__tablename__]
RERUNS = Base.metadata.tables[ChargebackRerun.__tablename__]

# Conservation reasons and the columns that keep them.
LEFT_COLUMNS: dict[Left, str] = {
    Left.ACCOUNT_CHARGES: "left_account_charges",
    Left.UNSPLIT_METERS: "left_unsplit_meters",
    Left.PERCENTAGES: "left_percentages",
    Left.VACANCY: "left_vacancy",
    Left.FAILED_VERSIONS: "left_failed_versions",
    Left.NOT_SPLIT: "left_not_split",
}
ZERO = Decimal(0)


# Writes ----------------------------------------------------------------------------------------------------------


def record_sources(session: Session, edges: Iterable[tuple[int, int]]) -> None:
    """Lineage edges (bill, a bill whose figures it used), written in one bulk insert."""
    unique = list(dict.fromkeys(edges))
    if unique:  # by column, transposed in C: a calculation run records tens of thousands
        bill_ids, source_ids = zip(*unique, strict=True)
        insert_columns(session, SOURCES, {"bill_id": bill_ids, "source_bill_id": source_ids}, len(unique))


def record_conservation(session: Session, task_id: int, records: Mapping[int, Conservation]) -> None:
    """A split task's conservation record per source bill."""
    kept = list(records.values())
    columns: dict[str, Sequence[object]] = {
        "task_id": [task_id] * len(kept),
        "source_bill_id": list(records),
        "source_amount": [record.source_amount for record in kept],
        "allocated": [record.allocated for record in kept],
        "rounding": [record.rounding for record in kept],
    }
    for reason, column in LEFT_COLUMNS.items():
        columns[column] = [record.left.get(reason, ZERO) for record in kept]
    insert_columns(session, TASK_SOURCES, columns, len(kept))


@dataclass(frozen=True)
class Correction:
    """A chargeback bill undone by a change to a bill it was made from (chargeback_corrections)."""

    bill_id: int
    amount: Decimal
    chargeback_task_id: int | None
    version_id: int | None
    step_id: int | None
    billing_period: int
    action: str
    cause: str
    cause_bill_id: int | None
    cause_chargeback_task_id: int | None
    cause_import_task_id: int | None
    reason: str
    user_id: int | None
    created_date: datetime


def record_corrections(session: Session, corrections: Sequence[Correction]) -> None:
    """Append corrections to the log."""
    insert_rows(session, CORRECTIONS, [vars(c) for c in corrections])


@dataclass(frozen=True)
class Rerun:
    """A (version, billing period) that needs running again, and why (chargeback_reruns)."""

    step_id: int | None
    version_id: int
    chargeback_type: str
    billing_period: int
    reason: str
    cause_bill_id: int | None
    recorded_date: datetime
    recorded_by: int | None


def record_reruns(session: Session, reruns: Sequence[Rerun]) -> None:
    """Record (version, period) pairs as needing a re-run."""
    insert_rows(session, RERUNS, [vars(r) for r in reruns])


def resolve_reruns(session: Session, task_id: int, ran: Iterable[tuple[int, int]], now: datetime) -> None:
    """Mark the open re-runs of the (version, period) pairs a task just ran as resolved by it."""
    by_period: dict[int, set[int]] = {}
    for version_id, period in ran:
        by_period.setdefault(period, set()).add(version_id)
    for period, version_ids in by_period.items():
        session.execute(
            update(ChargebackRerun)
            .where(
                among(ChargebackRerun.version_id, sorted(version_ids)),
                ChargebackRerun.billing_period == period,
                ChargebackRerun.resolved_task_id.is_(None),
                ChargebackRerun.dismissed_by.is_(None),
            )
            .values(resolved_task_id=task_id, resolved_date=now),
            # Re-runs are written through the table, never as ORM objects, so there are none to find and expire
            # (the ORM's default looked for them: several times the UPDATE's own time).
            execution_options={"synchronize_session": False},
        )


def void_bills(session: Session, bill_ids: Sequence[int]) -> list[int]:
    """Void the live ones among the bills; the ids actually voided."""
    if not bill_ids:
        return []
    statement = update(Bill).where(among(Bill.bill_id, sorted(set(bill_ids))), Bill.void.is_(False)).values(void=True)
    unsynced = {"synchronize_session": False}  # no ORM objects of bills to expire (store.bill_writer.delete_bills)
    return sorted(session.execute(statement.returning(Bill.bill_id), execution_options=unsynced).scalars())


def reset_split(session: Session, source_ids: Sequence[int]) -> None:
    """Mark source bills as not split, so the next run splits them again."""
    if source_ids:
        session.execute(
            update(Bill)
            .where(among(Bill.bill_id, sorted(set(source_ids))))
            .values(has_been_split=False, was_split_date=None),
            execution_options={"synchronize_session": False},
        )


# Reads -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DerivedBill:
    """A live chargeback bill made from `parent_id`: a split bill (`split`) or a calculated bill that used it."""

    bill_id: int
    parent_id: int
    split: bool
    chargeback_task_id: int | None
    version_id: int | None
    step_id: int | None
    chargeback_type: str | None
    billing_period: int
    total_cost: Decimal
    source_bill_id: int | None


def _derived_columns() -> tuple[InstrumentedAttribute[Any], ...]:
    """A derived bill's columns, in DerivedBill's order (outer-joined, so read back through DerivedBill)."""
    return (
        Bill.bill_id,
        Bill.chargeback_task_id,
        Bill.chargeback_version_id,
        DistributionVersion.workflow_step_id,
        DistributionVersion.chargeback_type,
        Bill.billing_period,
        Bill.total_cost,
        Bill.source_bill_id,
    )


def live_dependents(session: Session, bill_ids: Iterable[int]) -> list[DerivedBill]:
    """Every live bill made from the given bills, transitively, each once, nearest first."""
    seen = set(bill_ids)
    frontier = sorted(seen)
    found: list[DerivedBill] = []
    while frontier:
        version = DistributionVersion
        split_children = (
            select(*_derived_columns(), Bill.source_bill_id.label("parent"))
            .outerjoin(version, version.version_id == Bill.chargeback_version_id)
            .where(among(Bill.source_bill_id, frontier), Bill.void.is_(False), Bill.chargeback_task_id.is_not(None))
        )
        users = (
            select(*_derived_columns(), BillSource.source_bill_id.label("parent"))
            .join(Bill, Bill.bill_id == BillSource.bill_id)
            .outerjoin(version, version.version_id == Bill.chargeback_version_id)
            .where(among(BillSource.source_bill_id, frontier), Bill.void.is_(False))
        )
        next_frontier: list[int] = []
        for kind, statement in (("split", split_children), ("used", users)):
            for row in session.connection().execute(statement.order_by(Bill.bill_id)):
                bill_id, task_id, version_id, step_id, kind_of, period, total, source_id, parent = list(row)
                if bill_id in seen:
                    continue
                seen.add(bill_id)
                next_frontier.append(bill_id)
                found.append(
                    DerivedBill(
                        bill_id,
                        parent,
                        kind == "split",
                        task_id,
                        version_id,
                        step_id,
                        kind_of,
                        period,
                        Decimal(total),
                        source_id,
                    )
                )
        frontier = sorted(next_frontier)
    return found


def split_siblings(session: Session, bill_ids: Sequence[int]) -> list[DerivedBill]:
    """The live split bills sharing a source with any of the given split bills (the given ones left out)."""
    sources = sorted(
        {
            source
            for source in session.connection()
            .execute(
                select(Bill.source_bill_id).where(
                    among(Bill.bill_id, bill_ids),
                    Bill.source_bill_id.is_not(None),
                    Bill.chargeback_task_id.is_not(None),
                )
            )
            .scalars()
            if source is not None
        }
    )
    if not sources:
        return []
    given = set(bill_ids)
    rows = session.connection().execute(
        select(*_derived_columns())
        .outerjoin(DistributionVersion, DistributionVersion.version_id == Bill.chargeback_version_id)
        .where(among(Bill.source_bill_id, sources), Bill.void.is_(False), Bill.chargeback_task_id.is_not(None))
        .order_by(Bill.bill_id)
    )
    return [
        DerivedBill(bill_id, source, True, task_id, version_id, step, kind, period, Decimal(total), source)
        for bill_id, task_id, version_id, step, kind, period, total, source in rows
        if bill_id not in given
    ]


class BillFacts(NamedTuple):
    """What a correction's message and a re-run need to know of a bill."""

    bill_id: int
    account_id: int
    account_code: str
    meter_codes: tuple[str, ...]
    billing_period: int
    total_cost: Decimal
    void: bool
    has_been_split: bool
    chargeback_task_id: int | None
    version_id: int | None
    step_id: int | None
    chargeback_type: str | None
    source_bill_id: int | None


def bill_facts(session: Session, bill_ids: Iterable[int], *, with_meter_codes: bool = True) -> dict[int, BillFacts]:
    """Facts of the given bills that exist, by id (meter codes in code order; none without `with_meter_codes`, for
    callers that name no bill by its meters: a reversal of 60,000 bills would read 60,000 codes for nothing).

    Read on the session's connection: these are plain rows, and the ORM's result machinery was a third of a large
    reversal's Python."""
    ids = sorted(set(bill_ids))
    if not ids:
        return {}
    connection = session.connection()
    meters: dict[int, list[str]] = {}
    if with_meter_codes:
        for bill_id, code in connection.execute(
            select(BillMeter.bill_id, Meter.meter_code)
            .join(Meter, Meter.meter_id == BillMeter.meter_id)
            .where(among(BillMeter.bill_id, ids))
            .order_by(BillMeter.bill_id, Meter.meter_code)
        ):
            meters.setdefault(bill_id, []).append(code)
    rows = connection.execute(
        select(
            Bill.bill_id,
            Bill.account_id,
            Account.account_code,
            Bill.billing_period,
            Bill.total_cost,
            Bill.void,
            Bill.has_been_split,
            Bill.chargeback_task_id,
            Bill.chargeback_version_id,
            DistributionVersion.workflow_step_id,
            DistributionVersion.chargeback_type,
            Bill.source_bill_id,
        )
        .join(Account, Account.account_id == Bill.account_id)
        .outerjoin(DistributionVersion, DistributionVersion.version_id == Bill.chargeback_version_id)
        .where(among(Bill.bill_id, ids))
    )
    no_codes: tuple[str, ...] = ()
    found: dict[int, BillFacts] = {}
    for bill_id, account_id, account_code, period, total, *rest in rows:
        codes = tuple(meters[bill_id]) if bill_id in meters else no_codes
        total = total if type(total) is Decimal else Decimal(total)
        found[bill_id] = BillFacts(bill_id, account_id, account_code, codes, period, total, *rest)
    return found


def sources_with_live_destinations(session: Session, source_ids: Sequence[int], excluding: Iterable[int]) -> set[int]:
    """Those of the sources that still have a live split bill other than the `excluding` ones."""
    if not source_ids:
        return set()
    left_out = set(excluding)
    rows = session.connection().execute(
        select(Bill.source_bill_id, Bill.bill_id).where(
            among(Bill.source_bill_id, sorted(set(source_ids))),
            Bill.void.is_(False),
            Bill.chargeback_task_id.is_not(None),
        )
    )
    return {source for source, bill_id in rows if source is not None and bill_id not in left_out}


def last_split_versions(session: Session, source_ids: Sequence[int]) -> dict[int, list[tuple[int, int | None, str]]]:
    """For each source bill, the (version, step, type) of the latest task that split it."""
    if not source_ids:
        return {}
    latest = (
        select(ChargebackTaskVersion.source_bill_id, func.max(ChargebackTaskVersion.task_id).label("task_id"))
        .where(among(ChargebackTaskVersion.source_bill_id, sorted(set(source_ids))))
        .group_by(ChargebackTaskVersion.source_bill_id)
        .subquery()
    )
    rows = session.execute(
        select(
            ChargebackTaskVersion.source_bill_id,
            ChargebackTaskVersion.version_id,
            DistributionVersion.workflow_step_id,
            DistributionVersion.chargeback_type,
        )
        .join(
            latest,
            and_(
                latest.c.source_bill_id == ChargebackTaskVersion.source_bill_id,
                latest.c.task_id == ChargebackTaskVersion.task_id,
            ),
        )
        .join(DistributionVersion, DistributionVersion.version_id == ChargebackTaskVersion.version_id)
    )
    found: dict[int, list[tuple[int, int | None, str]]] = {}
    for source_id, version_id, step_id, kind in rows:
        if source_id is not None:
            found.setdefault(source_id, []).append((version_id, step_id, kind))
    return found


def task_exists(session: Session, task_id: int) -> bool:
    """Whether the chargeback task exists."""
    return session.get(ChargebackTask, task_id) is not None


def live_bills_of_versions(session: Session, version_ids: Sequence[int], period: int) -> list[int]:
    """The live bills the versions made for the period (what a re-run replaces)."""
    if not version_ids:
        return []
    rows = session.execute(
        select(Bill.bill_id).where(
            among(Bill.chargeback_version_id, sorted(set(version_ids))),
            Bill.billing_period == period,
            Bill.void.is_(False),
        )
    )
    return sorted(rows.scalars())


def bills_by_meter(session: Session, meter_ids: Sequence[int], period: int) -> dict[int, list[int]]:
    """Each meter's live, non-accrual bills of the period: the bills a calculation reading the meter uses."""
    if not meter_ids:
        return {}
    rows = session.connection().execute(
        of_live_meter_bills(select(BillMeter.meter_id, BillMeter.bill_id), meter_ids, period)
    )
    found: dict[int, list[int]] = {}
    for meter_id, bill_id in rows:
        found.setdefault(meter_id, []).append(bill_id)
    return found


# Reads for people: lineage, conservation, corrections and re-runs ------------------------------------------------


@dataclass(frozen=True)
class SourceLineShare:
    """A destination bill's line and the source line it was made from, with its basis, exact share and rounding."""

    line_order: int
    caption: str | None
    meter_id: int | None
    value: Decimal | None
    cost: Decimal | None
    source_line_id: int | None
    basis: str | None
    exact_share: str | None
    rounding: Decimal | None


def line_shares(session: Session, bill_id: int) -> list[SourceLineShare]:
    """The bill's lines with their source line records (all None for a bill not made by a split)."""
    rows = session.execute(
        select(
            BillLine.line_order,
            BillLine.caption,
            BillLine.meter_id,
            BillLine.value,
            BillLine.cost,
            BillLine.source_line_id,
            BillLine.share_basis,
            BillLine.exact_share,
            BillLine.rounding,
        )
        .where(BillLine.bill_id == bill_id)
        .order_by(BillLine.line_order)
    )
    return [SourceLineShare(*row) for row in rows]


def sources_of(session: Session, bill_id: int) -> list[tuple[int, bool]]:
    """(bill id, split) of every bill this bill was made from: its split source, or the bills a calculation used."""
    split = session.execute(select(Bill.source_bill_id).where(Bill.bill_id == bill_id)).scalar()
    used = session.execute(
        select(BillSource.source_bill_id).where(BillSource.bill_id == bill_id).order_by(BillSource.source_bill_id)
    ).scalars()
    return ([(split, True)] if split is not None else []) + [(source, False) for source in used]


@dataclass(frozen=True)
class ConservationRow:
    """One source bill's conservation record in a split task."""

    source_bill_id: int
    source_amount: Decimal
    allocated: Decimal
    left: dict[Left, Decimal]
    rounding: Decimal


def conservation_of(session: Session, task_id: int) -> list[ConservationRow]:
    """A split task's conservation records, by source bill id."""
    columns = [getattr(ChargebackTaskSource, column) for column in LEFT_COLUMNS.values()]
    rows = session.execute(
        select(
            ChargebackTaskSource.source_bill_id,
            ChargebackTaskSource.source_amount,
            ChargebackTaskSource.allocated,
            ChargebackTaskSource.rounding,
            *columns,
        )
        .where(ChargebackTaskSource.task_id == task_id)
        .order_by(ChargebackTaskSource.source_bill_id)
    )
    found = []
    for source_id, amount, allocated, rounding, *left in rows:
        found.append(
            ConservationRow(
                source_id,
                Decimal(amount),
                Decimal(allocated),
                {reason: Decimal(value) for reason, value in zip(LEFT_COLUMNS, left, strict=True)},
                Decimal(rounding),
            )
        )
    return found


@dataclass(frozen=True)
class CorrectionRow(Correction):
    """A correction log entry as read back, with its id."""

    correction_id: int


def corrections(
    session: Session,
    *,
    chargeback_task_id: int | None = None,
    cause_chargeback_task_id: int | None = None,
    cause_import_task_id: int | None = None,
    bill_id: int | None = None,
    limit: int = 10_000,
) -> list[CorrectionRow]:
    """Correction log entries matching every given condition, oldest first."""
    C = ChargebackCorrection
    conditions = [
        condition
        for value, condition in (
            (chargeback_task_id, C.chargeback_task_id == chargeback_task_id),
            (cause_chargeback_task_id, C.cause_chargeback_task_id == cause_chargeback_task_id),
            (cause_import_task_id, C.cause_import_task_id == cause_import_task_id),
            (bill_id, C.bill_id == bill_id),
        )
        if value is not None
    ]
    rows = session.execute(
        select(
            C.correction_id,
            C.bill_id,
            C.amount,
            C.chargeback_task_id,
            C.version_id,
            C.step_id,
            C.billing_period,
            C.action,
            C.cause,
            C.cause_bill_id,
            C.cause_chargeback_task_id,
            C.cause_import_task_id,
            C.reason,
            C.user_id,
            C.created_date,
        )
        .where(*conditions)
        .order_by(C.correction_id)
        .limit(limit)
    )
    return [CorrectionRow(**(row._asdict() | {"amount": Decimal(row.amount)})) for row in rows]


@dataclass(frozen=True)
class RerunRow:
    """A re-run record with the version's account and meter codes and the step's name."""

    rerun_id: int
    step_id: int | None
    step_info: str | None
    version_id: int
    version_info: str | None
    chargeback_type: str
    account_code: str | None
    meter_code: str | None
    billing_period: int
    reason: str
    cause_bill_id: int | None
    recorded_date: datetime
    resolved_task_id: int | None
    resolved_date: datetime | None
    dismissed: bool


def reruns(
    session: Session,
    *,
    open_only: bool = True,
    billing_period: int | None = None,
    step_id: int | None = None,
    resolved_task_id: int | None = None,
    limit: int = 10_000,
    scope: Scope = Scope.WHOLE,
) -> list[RerunRow]:
    """Re-run records by step, period and version (open ones only unless `open_only` is False); of the versions in
    `scope` only."""
    R, V = ChargebackRerun, DistributionVersion
    conditions: list[ColumnElement[bool]] = [scoping.within(R.version_id, scoping.version_ids(scope))]
    if open_only:
        conditions += [R.resolved_task_id.is_(None), R.dismissed_by.is_(None)]
    if billing_period is not None:
        conditions.append(R.billing_period == billing_period)
    if step_id is not None:
        conditions.append(R.step_id == step_id)
    if resolved_task_id is not None:
        conditions.append(R.resolved_task_id == resolved_task_id)
    rows = session.execute(
        select(
            R.rerun_id,
            R.step_id,
            ChargebackWorkflowStep.step_info,
            R.version_id,
            V.name,
            R.chargeback_type,
            Account.account_code,
            Meter.meter_code,
            R.billing_period,
            R.reason,
            R.cause_bill_id,
            R.recorded_date,
            R.resolved_task_id,
            R.resolved_date,
            R.dismissed_by.is_not(None),
        )
        .outerjoin(ChargebackWorkflowStep, ChargebackWorkflowStep.step_id == R.step_id)
        .outerjoin(V, V.version_id == R.version_id)
        .outerjoin(Account, Account.account_id == V.account_id)
        .outerjoin(Meter, Meter.meter_id == V.meter_id)
        .where(*conditions)
        .order_by(R.step_id, R.billing_period, R.version_id, R.rerun_id)
        .limit(limit)
    )
    return [RerunRow(*list(row)) for row in rows]


def dismiss_rerun(session: Session, rerun_id: int, user_id: int, scope: Scope = Scope.WHOLE) -> bool:
    """Dismiss an open re-run record (of a version in `scope`); False when there is no such open record."""
    result = session.execute(
        update(ChargebackRerun)
        .where(
            ChargebackRerun.rerun_id == rerun_id,
            ChargebackRerun.resolved_task_id.is_(None),
            ChargebackRerun.dismissed_by.is_(None),
            scoping.within(ChargebackRerun.version_id, scoping.version_ids(scope)),
        )
        .values(dismissed_by=user_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


class SplitBillDays(NamedTuple):
    """A live split bill on a meter: its account and the days it charges."""

    bill_id: int
    account_id: int
    begin: date
    end: date


def split_bills_on_meter(session: Session, meter_id: int, begin: date, end: date) -> list[SplitBillDays]:
    """Live split bills charging the meter for days that meet [begin, end]."""
    rows = session.execute(
        select(Bill.bill_id, Bill.account_id, Bill.begin_date, Bill.end_date)
        .join(BillMeter, BillMeter.bill_id == Bill.bill_id)
        .where(
            BillMeter.meter_id == meter_id,
            Bill.void.is_(False),
            Bill.source_bill_id.is_not(None),
            Bill.chargeback_task_id.is_not(None),
            Bill.begin_date <= end,
            Bill.end_date >= begin,
        )
        .order_by(Bill.bill_id)
    )
    return [SplitBillDays(*row) for row in rows]


def vacant_sources(session: Session, meter_id: int, begin: date, end: date) -> list[int]:
    """Live split sources whose split left days of the meter vacant, with dates meeting [begin, end]."""
    destination_meters = select(SplitDestination.version_id).where(SplitDestination.meter_id == meter_id)
    group_meters = (
        select(DistributionVersion.version_id)
        .join(MeterGroupMember, MeterGroupMember.meter_group_id == DistributionVersion.dynamic_meter_group_id)
        .where(MeterGroupMember.meter_id == meter_id)
    )
    rows = session.execute(
        select(Bill.bill_id)
        .join(ChargebackTaskSource, ChargebackTaskSource.source_bill_id == Bill.bill_id)
        .join(ChargebackTask, ChargebackTask.task_id == ChargebackTaskSource.task_id)
        .join(
            ChargebackTaskVersion,
            and_(
                ChargebackTaskVersion.task_id == ChargebackTask.task_id,
                ChargebackTaskVersion.source_bill_id == Bill.bill_id,
            ),
        )
        .where(
            ChargebackTaskSource.left_vacancy != 0,
            ChargebackTask.reversed_date.is_(None),
            Bill.void.is_(False),
            Bill.has_been_split.is_(True),
            Bill.begin_date <= end,
            Bill.end_date >= begin,
            ChargebackTaskVersion.version_id.in_(destination_meters.union(group_meters)),
        )
        .distinct()
    )
    return sorted(rows.scalars())


def live_split_bills_of(session: Session, source_ids: Sequence[int]) -> list[int]:
    """The live split bills made from the sources."""
    if not source_ids:
        return []
    rows = session.execute(
        select(Bill.bill_id).where(
            among(Bill.source_bill_id, sorted(set(source_ids))),
            Bill.void.is_(False),
            Bill.chargeback_task_id.is_not(None),
        )
    )
    return sorted(rows.scalars())
