"""The chargeback workflow digest: a step's meters with their period figures (api-reference/001, domain.md §4.8).

For a step and billing period P the digest lists every meter the latest task of that step in P involved: the
source meters of a split step (each with its destinations under `splits`) or the calculated meters of a calculation
step. Each meter gets its non-void bills' totals for P, P - 1 month and P - 1 year (domain/digest.py).

Four statements whatever the number of meters (their ids bound as one list, store.id_lists), each on an index:
the step (with its latest task period), the latest task, the involved (source, destination) pairs, and the meters
with their use units and their three periods' totals pivoted into one row (totals_select, the main query).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import RowMapping, bindparam, case, exists, func, literal, null, select, union_all
from sqlalchemy.orm import Session, aliased

from apportion.domain import periods
from apportion.domain.digest import DigestFigures, MeterTotals, digest_figures, digest_period
from apportion.domain.errors import NotFound
from apportion.domain.versions import SPLIT
from apportion.services import ids
from apportion.services.child_columns import join_meter_child, join_unit_child, join_workflow_step_child
from apportion.store.database import Database
from apportion.store.id_lists import among_param
from apportion.store.models.bills import Bill, BillMeter
from apportion.store.models.chargebacks import (
    ChargebackTask,
    ChargebackTaskVersion,
    ChargebackWorkflowStep,
    DistributionVersion,
    SplitDestination,
)
from apportion.store.models.organisation import Meter
from apportion.store.models.reference import Commodity, Unit
from apportion.store.paging import AnySelect
from apportion.store.sums import COST_SCALE, USE_SCALE, from_minor_units, minor_units_sum

COST_UNIT_CODE = "USD"  # the system currency unit (reference data) that every cost is in (domain.md §7 Q11)
PERIOD_KEYS = ("current", "prior", "year")  # P, P - 1 month, P - 1 year (domain.md §4.8)
UNPLACED = 2**31  # destinations known only from bills sort after the version's ordered destinations


@dataclass(frozen=True)
class DigestLine:
    """One digest entry: the meter (labelled `meter_*` and `use_unit_*` columns), its figures and, for split
    sources, one line per destination (None for calculated meters)."""

    meter: Mapping[str, Any]
    figures: DigestFigures
    splits: tuple[DigestLine, ...] | None


@dataclass(frozen=True)
class WorkflowDigest:
    """The step (labelled `step_*` columns), the cost unit (`cost_unit_*`), the period and the lines."""

    step: RowMapping
    billing_period: int
    results: tuple[DigestLine, ...]


@cache
def _step_select() -> AnySelect:
    # The latest period in which the step has a task still standing (a voided or deleted run produced nothing).
    latest = (
        select(func.max(ChargebackTask.billing_period))
        .where(ChargebackTask.workflow_step_id == bindparam("step_id"), ChargebackTask.reversed_date.is_(None))
        .scalar_subquery()
    )
    currency = select(Unit.unit_id).where(Unit.unit_code == COST_UNIT_CODE).scalar_subquery()
    statement = (
        select(latest.label("latest_period"))
        .select_from(ChargebackWorkflowStep)
        .where(ChargebackWorkflowStep.step_id == bindparam("step_id"))
    )
    statement = join_workflow_step_child(statement, ChargebackWorkflowStep.step_id, "step")
    return join_unit_child(statement, currency, "cost_unit")


@cache
def _latest_task_select() -> AnySelect:
    # "The latest task executed in the specified billing period" (SEED-001): newest start, then newest id.
    return (
        select(ChargebackTask.task_id)
        .where(
            ChargebackTask.workflow_step_id == bindparam("step_id"),
            ChargebackTask.billing_period == bindparam("period"),
            ChargebackTask.reversed_date.is_(None),
        )
        .order_by(ChargebackTask.task_begin.desc(), ChargebackTask.task_id.desc())
        .limit(1)
    )


@cache
def _involved_select() -> AnySelect:
    """(source_id, destination_id, position) rows for the task: from its version records (domain.md §7 Q24: every
    version it processed, even failed ones, with the split destinations configured) and from the bills it wrote
    where they reached a meter the version does not list (a dynamic split's group members, or destinations changed
    since the run)."""
    version, destination = aliased(DistributionVersion), aliased(SplitDestination)
    from_versions = (
        select(
            version.meter_id.label("source_id"),
            destination.meter_id.label("destination_id"),
            destination.position.label("position"),
        )
        .select_from(ChargebackTaskVersion)
        .join(version, version.version_id == ChargebackTaskVersion.version_id)
        .outerjoin(destination, (destination.version_id == version.version_id) & (version.chargeback_type == SPLIT))
        .where(ChargebackTaskVersion.task_id == bindparam("task_id"))
    )
    billed_version, listed = aliased(DistributionVersion), aliased(SplitDestination)
    is_split = billed_version.chargeback_type == SPLIT
    from_bills = (
        select(
            billed_version.meter_id.label("source_id"),
            case((is_split, BillMeter.meter_id), else_=null()).label("destination_id"),
            literal(UNPLACED).label("position"),
        )
        .distinct()
        .select_from(Bill)
        .join(billed_version, billed_version.version_id == Bill.chargeback_version_id)
        .join(BillMeter, BillMeter.bill_id == Bill.bill_id)
        .where(
            Bill.chargeback_task_id == bindparam("task_id"),
            ~exists().where(listed.version_id == billed_version.version_id, listed.meter_id == BillMeter.meter_id),
        )
    )
    return select(union_all(from_versions, from_bills).subquery())


@cache
def totals_select() -> AnySelect:
    """The digest's main query: one row per meter with, for each of the periods `current`, `prior` and `year`, its
    non-void bills' use and cost (minor units), their number, and how many one of the step's tasks wrote.
    Parameters `meter_ids`, `current`, `prior`, `year`, `step_id` (bench/digest.py times it alone)."""
    by_step = ChargebackTask.workflow_step_id == bindparam("step_id")
    columns = []
    for key in PERIOD_KEYS:
        in_period = BillMeter.billing_period == bindparam(key)
        columns += [
            minor_units_sum(case((in_period, BillMeter.use)), USE_SCALE).label(f"use_{key}"),
            minor_units_sum(case((in_period, BillMeter.cost)), COST_SCALE).label(f"cost_{key}"),
            func.count(case((in_period, 1))).label(f"bills_{key}"),
            func.count(case((in_period & by_step, 1))).label(f"from_step_{key}"),
        ]
    return (
        select(BillMeter.meter_id.label("totals_meter_id"), *columns)
        .join(Bill, Bill.bill_id == BillMeter.bill_id)
        .outerjoin(ChargebackTask, ChargebackTask.task_id == Bill.chargeback_task_id)
        .where(
            # ix_bill_meters_meter_period answers (meter, period) pairs directly.
            among_param(BillMeter.meter_id, "meter_ids"),
            BillMeter.billing_period.in_([bindparam(key) for key in PERIOD_KEYS]),
            # Void bills (and so those of Pending batches) are out of every total (domain.md §4.8).
            Bill.void.is_(False),
        )
        .group_by(BillMeter.meter_id)
    )


@cache
def _entries_select() -> AnySelect:
    """Meters as MeterChild columns, their commodity's common unit as `use_unit_*` and their totals_select()
    columns. Parameters as totals_select()."""
    commodity = aliased(Commodity)
    totals = totals_select().subquery("totals")
    statement = (
        select(Meter.meter_id.label("involved_meter_id"), *(c for c in totals.c if c.name != "totals_meter_id"))
        .join(commodity, commodity.commodity_id == Meter.commodity_id)
        .outerjoin(totals, totals.c.totals_meter_id == Meter.meter_id)
        .where(among_param(Meter.meter_id, "meter_ids"))
    )
    statement = join_meter_child(statement, Meter.meter_id, "meter")
    return join_unit_child(statement, commodity.common_unit_id, "use_unit")


def get_digest(db: Database, step_id: int, billing_period: int | None, today: date) -> WorkflowDigest:
    """The digest of step `step_id` for `billing_period` (default: the step's latest task period, else the current
    one, domain.md §7 Q11); NotFound for an unknown step, ValidationFailed for a malformed period."""
    ids.require(step_id, "Chargeback workflow step")
    with db.reading() as session:
        step = session.execute(_step_select(), {"step_id": step_id}).mappings().one_or_none()
        if step is None:
            raise NotFound("Chargeback workflow step", step_id)
        period = digest_period(billing_period, step["latest_period"], periods.of_date(today))
        task_id = session.execute(_latest_task_select(), {"step_id": step_id, "period": period}).scalar()
        results = _lines(session, step_id, step["step_type"], period, task_id) if task_id is not None else ()
    return WorkflowDigest(step, period, results)


def _lines(session: Session, step_id: int, step_type: str, period: int, task_id: int) -> tuple[DigestLine, ...]:
    is_split = step_type.lower() == SPLIT.lower()
    destinations: dict[int, dict[int, int]] = {}  # source -> destination -> position
    for source_id, destination_id, position in session.execute(_involved_select(), {"task_id": task_id}):
        placed = destinations.setdefault(source_id, {})
        if is_split and destination_id is not None:
            placed[destination_id] = min(position, placed.get(destination_id, UNPLACED))
    if not destinations:
        return ()
    parameters: dict[str, Any] = {
        "step_id": step_id,
        "current": period,
        "prior": periods.prior(period),
        "year": periods.same_period_prior_year(period),
    }
    meter_ids = sorted(set(destinations).union(*destinations.values()))
    entries: dict[int, DigestLine] = {}
    result = session.execute(_entries_select(), {**parameters, "meter_ids": meter_ids})
    keys = list(result.keys())
    for row in result:
        entry = dict(zip(keys, row, strict=True))  # read a dozen times each: a plain dict is the cheapest
        figures = digest_figures(period, *(_totals(entry, key) for key in PERIOD_KEYS))
        entries[entry["involved_meter_id"]] = DigestLine(entry, figures, None)

    def by_code(meter_id: int) -> tuple[str, int]:
        return (str(entries[meter_id].meter["meter_code"]), meter_id)

    lines = []
    for source_id in sorted(destinations, key=by_code):
        placed = destinations[source_id]
        splits = tuple(entries[m] for m in sorted(placed, key=lambda m: (placed[m], *by_code(m))))
        lines.append(replace(entries[source_id], splits=splits if is_split else None))
    return tuple(lines)


def _totals(entry: Mapping[str, Any], key: str) -> MeterTotals | None:
    """The MeterTotals of one period from an _entries_select() row; None without bills in that period."""
    bills = entry[f"bills_{key}"]
    if not bills:
        return None
    return MeterTotals(
        use=from_minor_units(entry[f"use_{key}"], USE_SCALE) or Decimal(0),
        cost=from_minor_units(entry[f"cost_{key}"], COST_SCALE) or Decimal(0),
        bill_count=int(bills),
        bills_from_step=int(entry[f"from_step_{key}"]),
    )
