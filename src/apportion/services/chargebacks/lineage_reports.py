"""Reading chargeback lineage for people: a bill's sources and dependents, a split task's conservation record,
a task's history of corrections, and the periods that need re-running (an import's corrections are read by
services.imports.import_tasks, so these reports load nothing of the importer)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from apportion.domain import periods
from apportion.domain.errors import NotFound
from apportion.domain.scoping import Scope
from apportion.domain.source_split import Left
from apportion.importer.formulas import neutralise
from apportion.services.access.auth import Principal
from apportion.services.ids import require
from apportion.store import lineage
from apportion.store import scoping as scoped
from apportion.store.database import Database, DbSession
from apportion.store.lineage import BillFacts, ConservationRow, CorrectionRow, RerunRow, SourceLineShare

ZERO = Decimal(0)


@dataclass(frozen=True)
class Source:
    """A bill this bill was made from: `split` for a split's source, else a bill a calculation used."""

    bill: BillFacts
    split: bool


@dataclass(frozen=True)
class Dependent:
    """A live bill made from this bill, `depth` steps away (1: made from it directly), and what it was made from."""

    bill: BillFacts
    parent_id: int
    depth: int
    split: bool


@dataclass(frozen=True)
class BillLineage:
    """Where a bill came from and what was made from it."""

    bill: BillFacts
    sources: list[Source]
    lines: list[SourceLineShare]
    dependents: list[Dependent]
    corrections: list[CorrectionRow]


def bill_lineage(db: Database, bill_id: int) -> BillLineage:
    """A bill's sources (with each line's source line, basis and rounding) and its live dependents, transitively,
    and the corrections that voided it, if any."""
    require(bill_id, "Bill")
    with db.reading() as session:
        facts = lineage.bill_facts(session, [bill_id])
        if bill_id not in facts:
            raise NotFound("Bill", bill_id)
        sources = lineage.sources_of(session, bill_id)
        source_facts = lineage.bill_facts(session, [s for s, _ in sources])
        derived = lineage.live_dependents(session, [bill_id])
        derived_facts = lineage.bill_facts(session, [d.bill_id for d in derived])
        depth: dict[int, int] = {bill_id: 0}
        dependents = []
        for item in derived:
            depth[item.bill_id] = depth.get(item.parent_id, 0) + 1
            dependents.append(Dependent(derived_facts[item.bill_id], item.parent_id, depth[item.bill_id], item.split))
        return BillLineage(
            bill=facts[bill_id],
            sources=[Source(source_facts[s], split) for s, split in sources if s in source_facts],
            lines=lineage.line_shares(session, bill_id),
            dependents=dependents,
            corrections=lineage.corrections(session, bill_id=bill_id),
        )


@dataclass(frozen=True)
class SourceConservation:
    """One source bill's conservation record with the bill's facts (None when it has been deleted since)."""

    record: ConservationRow
    bill: BillFacts | None


@dataclass(frozen=True)
class Conservation:
    """A split task's conservation: per source bill and in total (source = allocated + left, exactly)."""

    task_id: int
    sources: list[SourceConservation]
    total: ConservationRow = field(default_factory=lambda: ConservationRow(0, ZERO, ZERO, {}, ZERO))


def _task_seen(session: DbSession, task_id: int, viewer: Principal | None) -> None:
    """NotFound for a task that does not exist or that a scoped viewer does not see (docs/scoping.md)."""
    if not lineage.task_exists(session, task_id) or (
        viewer is not None and not scoped.holds_task(session, viewer.scope, viewer.user_id, task_id)
    ):
        raise NotFound("Chargeback task", task_id)


def _scope(viewer: Principal | None) -> Scope:
    return Scope.WHOLE if viewer is None else viewer.scope


def task_conservation(db: Database, task_id: int, viewer: Principal | None = None) -> Conservation:
    """GET /apportion/v1/chargebackTask/{id}/conservation; a scoped viewer gets the source bills in its scope and
    their total."""
    require(task_id, "Chargeback task")
    with db.reading() as session:
        _task_seen(session, task_id, viewer)
        rows = lineage.conservation_of(session, task_id)
        seen = set(scoped.bills_among(session, _scope(viewer), [r.source_bill_id for r in rows]))
        rows = [r for r in rows if r.source_bill_id in seen]
        facts = lineage.bill_facts(session, [r.source_bill_id for r in rows])
    total = ConservationRow(
        0,
        sum((r.source_amount for r in rows), ZERO),
        sum((r.allocated for r in rows), ZERO),
        {reason: sum((r.left.get(reason, ZERO) for r in rows), ZERO) for reason in Left},
        sum((r.rounding for r in rows), ZERO),
    )
    return Conservation(task_id, [SourceConservation(r, facts.get(r.source_bill_id)) for r in rows], total)


@dataclass(frozen=True)
class TaskHistory:
    """What happened to a chargeback task's bills after it ran, what it replaced, and what re-runs it resolved."""

    task_id: int
    undone: list[CorrectionRow]
    replaced: list[CorrectionRow]
    resolved: list[RerunRow]


def task_history(db: Database, task_id: int, viewer: Principal | None = None) -> TaskHistory:
    """GET /apportion/v1/chargebackTask/{id}/history; a scoped viewer gets the bills and the re-runs' versions in
    its scope."""
    require(task_id, "Chargeback task")
    with db.reading() as session:
        _task_seen(session, task_id, viewer)
        undone = lineage.corrections(session, chargeback_task_id=task_id)
        replaced = [
            c for c in lineage.corrections(session, cause_chargeback_task_id=task_id) if c.chargeback_task_id != task_id
        ]
        resolved = lineage.reruns(session, open_only=False, resolved_task_id=task_id)
        scope = _scope(viewer)
        bills = scoped.logged_bills_among(session, scope, [(c.bill_id, c.version_id) for c in (*undone, *replaced)])
        versions = scoped.versions_among(session, scope, [r.version_id for r in resolved])
    return TaskHistory(
        task_id,
        undone=[c for c in undone if c.bill_id in bills],
        replaced=[c for c in replaced if c.bill_id in bills],
        resolved=[r for r in resolved if r.version_id in versions],
    )


@dataclass(frozen=True)
class RerunGroup:
    """A step's billing period that needs running again: its versions and why."""

    step_id: int | None
    step_info: str | None
    billing_period: int
    reruns: list[RerunRow]


def reruns(
    db: Database,
    billing_period: int | None,
    step_id: int | None,
    include_resolved: bool = False,
    scope: Scope = Scope.WHOLE,
) -> list[RerunGroup]:
    """The (step, billing period) pairs that need a re-run, each with its versions (those in `scope`) and
    reasons."""
    if billing_period is not None:
        periods.check(billing_period)
    with db.reading() as session:
        rows = lineage.reruns(
            session, open_only=not include_resolved, billing_period=billing_period, step_id=step_id, scope=scope
        )
    return group_reruns(rows)


def group_reruns(rows: Sequence[RerunRow]) -> list[RerunGroup]:
    """Re-run records grouped by (step, billing period), in the order given."""
    groups: dict[tuple[int | None, int], RerunGroup] = {}
    for row in rows:
        key = (row.step_id, row.billing_period)
        if key not in groups:
            groups[key] = RerunGroup(row.step_id, row.step_info, row.billing_period, [])
        groups[key].reruns.append(row)
    return list(groups.values())


def dismiss_rerun(db: Database, rerun_id: int, user_id: int, scope: Scope = Scope.WHOLE) -> None:
    """DELETE /apportion/v1/rerun/{id}: a user decides the period needs no re-run (NotFound for one of a version
    outside `scope`)."""
    require(rerun_id, "Re-run")
    with db.transaction() as session:
        if not lineage.dismiss_rerun(session, rerun_id, user_id, scope):
            raise NotFound("Open re-run", rerun_id)


# Exports ----------------------------------------------------------------------------------------------------------

LEFT_ORDER = (
    Left.ACCOUNT_CHARGES,
    Left.UNSPLIT_METERS,
    Left.PERCENTAGES,
    Left.VACANCY,
    Left.FAILED_VERSIONS,
    Left.NOT_SPLIT,
)


def _cell(value: object) -> str:
    """A CSV cell: figures as they are; text (codes, reasons) neutralised against spreadsheet formulas."""
    if value is None:
        return ""
    if isinstance(value, int | Decimal):
        return str(value)
    return neutralise(str(value))


def _csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return out.getvalue()


def conservation_csv(report: Conservation) -> str:
    """The conservation record as CSV: one row per source bill and a total row."""
    header = ["sourceBillId", "accountCode", "meterCodes", "sourceAmount", "allocated"]
    header += [str(reason) for reason in LEFT_ORDER] + ["leftTotal", "rounding"]

    def row(record: ConservationRow, bill: BillFacts | None, first: object) -> list[object]:
        left = [record.left.get(reason, ZERO) for reason in LEFT_ORDER]
        codes = " ".join(bill.meter_codes) if bill is not None else ""
        account = bill.account_code if bill is not None else ""
        return [first, account, codes, record.source_amount, record.allocated, *left, sum(left, ZERO), record.rounding]

    rows = [row(item.record, item.bill, item.record.source_bill_id) for item in report.sources]
    rows.append(row(report.total, None, "total"))
    return _csv(header, rows)


def reruns_csv(groups: Sequence[RerunGroup]) -> str:
    """The periods to run again as CSV: one row per version."""
    header = [
        "workflowStep",
        "billingPeriod",
        "versionId",
        "chargebackType",
        "accountCode",
        "meterCode",
        "reason",
        "recorded",
        "resolvedTaskId",
    ]
    rows = [
        [
            group.step_info or "",
            group.billing_period,
            r.version_id,
            r.chargeback_type,
            r.account_code,
            r.meter_code,
            r.reason,
            f"{r.recorded_date:%Y-%m-%d %H:%M:%S}",
            r.resolved_task_id or "",
        ]
        for group in groups
        for r in group.reruns
    ]
    return _csv(header, rows)
