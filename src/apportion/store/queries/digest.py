"""What the chargeback workflow digest reads (api-reference/001, domain.md §4.8), as typed values.

Five statements whatever the number of meters, each on an index, the meters' ids bound as one list (store.id_lists):
the step with its latest task period and the cost unit; the latest task of the step in a period; the (source,
destination) pairs that task involved; the meters with their children; and the meters' non-void bills' totals per
billing period (`meter_totals`, the main query). A digest of 12,000 meters reads about 12,000 meter rows and 36,000
total rows; the few meter types, commodities and units they name are read once each and shared, not joined per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from sqlalchemy import Boolean, bindparam, case, exists, func, literal, null, select, type_coerce, union_all
from sqlalchemy.orm import Session, aliased

from apportion.domain.digest import MeterTotals
from apportion.domain.versions import CALCULATION, SPLIT
from apportion.store.id_lists import among_param
from apportion.store.models.bills import Bill, BillMeter
from apportion.store.models.chargebacks import (
    ChargebackTask,
    ChargebackTaskVersion,
    ChargebackWorkflow,
    ChargebackWorkflowStep,
    DistributionVersion,
    SplitDestination,
)
from apportion.store.models.organisation import Meter
from apportion.store.models.reference import Commodity, MeterType, Unit
from apportion.store.paging import AnySelect
from apportion.store.queries.children import CommodityChild, MeterChild, MeterFlags, MeterTypeChild, UnitChild
from apportion.store.sums import COST_SCALE, USE_SCALE, minor_units_sum

COST_UNIT_CODE = "USD"  # the system currency unit (reference data) that every cost is in (domain.md §7 Q11)
UNPLACED = 2**31  # destinations known only from bills sort after the version's ordered destinations


@dataclass(frozen=True)
class DigestStep:
    """The step a digest is of, its workflow, the latest period in which it has a standing task (None without
    one) and the system currency unit every cost is in."""

    step_id: int
    step_info: str
    step_description: str | None
    step_type: str
    step_order: int
    workflow_id: int
    workflow_info: str
    latest_period: int | None
    cost_unit: UnitChild | None


class DigestMeter(NamedTuple):
    """A meter the digest lists, and its commodity's common unit (the unit of its use figures)."""

    meter: MeterChild
    use_unit: UnitChild | None


class InvolvedPair(NamedTuple):
    """A source meter the task involved and one of its destinations (None for a calculated meter, or a split
    source without destinations); `position` orders the destinations (UNPLACED for one known only from bills)."""

    source_id: int
    destination_id: int | None
    position: int


@cache
def _step_select() -> AnySelect:
    # The latest period in which the step has a task still standing (a voided or deleted run produced nothing).
    latest = (
        select(func.max(ChargebackTask.billing_period))
        .where(ChargebackTask.workflow_step_id == bindparam("step_id"), ChargebackTask.reversed_date.is_(None))
        .scalar_subquery()
    )
    currency = aliased(Unit)
    return (
        select(
            ChargebackWorkflowStep.step_id,
            ChargebackWorkflowStep.step_info,
            ChargebackWorkflowStep.step_description,
            ChargebackWorkflowStep.step_type,
            ChargebackWorkflowStep.step_order,
            ChargebackWorkflow.workflow_id,
            ChargebackWorkflow.workflow_info,
            latest,
            currency.unit_id,
            currency.unit_code,
            currency.unit_info,
        )
        .join(ChargebackWorkflow, ChargebackWorkflow.workflow_id == ChargebackWorkflowStep.workflow_id)
        .outerjoin(currency, currency.unit_code == COST_UNIT_CODE)
        .where(ChargebackWorkflowStep.step_id == bindparam("step_id"))
    )


def digest_step(session: Session, step_id: int) -> DigestStep | None:
    """The step `step_id` with its workflow, latest standing task period and the cost unit; None if unknown."""
    row = session.execute(_step_select(), {"step_id": step_id}).one_or_none()
    if row is None:
        return None
    step, info, description, step_type, order, workflow_id, workflow_info, latest, unit_id, unit_code, unit_info = row
    cost_unit = None if unit_id is None else UnitChild(unit_id, unit_code, unit_info)
    return DigestStep(step, info, description, step_type, order, workflow_id, workflow_info, latest, cost_unit)


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


def latest_task(session: Session, step_id: int, period: int) -> int | None:
    """The id of the step's latest standing task in `period`, or None."""
    task_id = session.execute(_latest_task_select(), {"step_id": step_id, "period": period}).scalar()
    return None if task_id is None else int(task_id)


@cache
def _involved_select() -> AnySelect:
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


def involved_pairs(session: Session, task_id: int) -> list[InvolvedPair]:
    """The (source, destination, position) rows of task `task_id`: from its version records (domain.md §7 Q24: every
    version it processed, even failed ones, with the split destinations configured) and from the bills it wrote
    where they reached a meter the version does not list (a dynamic split's group members, or destinations changed
    since the run). A pair can appear more than once."""
    return [InvolvedPair(*row) for row in session.execute(_involved_select(), {"task_id": task_id})]


@cache
def _meters_select() -> AnySelect:
    calculated, split_source, destination = (
        aliased(DistributionVersion),
        aliased(DistributionVersion),
        aliased(SplitDestination),
    )
    return select(
        Meter.meter_id,
        Meter.meter_code,
        Meter.meter_info,
        Meter.active,
        Meter.serial_number,
        Meter.meter_type_id,
        Meter.commodity_id,
        # The chargeback flags (domain.md §2.2), each an EXISTS on an indexed meter_id.
        type_coerce(
            exists().where(calculated.meter_id == Meter.meter_id, calculated.chargeback_type == CALCULATION), Boolean
        ),
        type_coerce(
            exists().where(split_source.meter_id == Meter.meter_id, split_source.chargeback_type == SPLIT), Boolean
        ),
        type_coerce(exists().where(destination.meter_id == Meter.meter_id), Boolean),
    ).where(among_param(Meter.meter_id, "meter_ids"))


@cache
def _meter_types_select() -> AnySelect:
    return select(MeterType.meter_type_id, MeterType.meter_type_code, MeterType.meter_type_info).where(
        among_param(MeterType.meter_type_id, "ids")
    )


@cache
def _commodities_select() -> AnySelect:
    unit = aliased(Unit)
    return (
        select(
            Commodity.commodity_id,
            Commodity.commodity_code,
            Commodity.commodity_info,
            Commodity.icon_code,
            Commodity.icon_color,
            unit.unit_id,
            unit.unit_code,
            unit.unit_info,
        )
        .outerjoin(unit, unit.unit_id == Commodity.common_unit_id)
        .where(among_param(Commodity.commodity_id, "ids"))
    )


def digest_meters(session: Session, meter_ids: Sequence[int]) -> dict[int, DigestMeter]:
    """The meters `meter_ids` (those that exist) by id, with their type, commodity, flags and use unit; the child
    values of one meter type, commodity or unit are one shared object."""
    # Through the connection: a Core result, without the ORM's per-row handling.
    rows = session.connection().execute(_meters_select(), {"meter_ids": list(meter_ids)}).all()
    type_ids = sorted({row[5] for row in rows})
    commodity_ids = sorted({row[6] for row in rows})
    types = {
        type_id: MeterTypeChild(type_id, code, info)
        for type_id, code, info in session.execute(_meter_types_select(), {"ids": type_ids})
    }
    commodities: dict[int, tuple[CommodityChild, UnitChild | None]] = {}
    units: dict[int, UnitChild] = {}
    for commodity_id, code, info, icon, color, unit_id, unit_code, unit_info in session.execute(
        _commodities_select(), {"ids": commodity_ids}
    ):
        unit = None if unit_id is None else units.setdefault(unit_id, UnitChild(unit_id, unit_code, unit_info))
        commodities[commodity_id] = (CommodityChild(commodity_id, code, info, icon, color), unit)
    found = {}
    for meter_id, code, info, active, serial, type_id, commodity_id, calculated, parent, child in rows:
        commodity, use_unit = commodities.get(commodity_id, (None, None))
        meter = MeterChild(
            meter_id,
            code,
            info,
            bool(active),
            serial,
            types.get(type_id),
            commodity,
            MeterFlags(bool(calculated), bool(parent), bool(child)),
        )
        found[meter_id] = DigestMeter(meter, use_unit)
    return found


@cache
def _totals_select() -> AnySelect:
    # ix_bill_meters_meter_period answers the (meter, period) pairs directly; one row per pair, so each sum and
    # count is a plain aggregate (no CASE per period).
    return (
        select(
            BillMeter.meter_id,
            BillMeter.billing_period,
            minor_units_sum(BillMeter.use, USE_SCALE),
            minor_units_sum(BillMeter.cost, COST_SCALE),
            func.count(),
            func.count(case((ChargebackTask.workflow_step_id == bindparam("step_id"), 1))),
        )
        .join(Bill, Bill.bill_id == BillMeter.bill_id)
        .outerjoin(ChargebackTask, ChargebackTask.task_id == Bill.chargeback_task_id)
        .where(
            among_param(BillMeter.meter_id, "meter_ids"),
            BillMeter.billing_period.in_(bindparam("periods", expanding=True)),
            # Void bills (and so those of Pending batches) are out of every total (domain.md §4.8).
            Bill.void.is_(False),
        )
        .group_by(BillMeter.meter_id, BillMeter.billing_period)
    )


# One minor unit of each: multiplying by it gives the same Decimal as scaleb(-scale) (the exponents add), in about half
# the time, on 72,000 values in a large digest.
_USE_UNIT, _COST_UNIT = Decimal(1).scaleb(-USE_SCALE), Decimal(1).scaleb(-COST_SCALE)
_ZERO = Decimal(0)


def meter_totals(
    session: Session, meter_ids: Sequence[int], billing_periods: Sequence[int], step_id: int
) -> dict[tuple[int, int], MeterTotals]:
    """The non-void bills' totals by (meter, billing period) of the meters `meter_ids` in `billing_periods`, where
    they have bills: use (in the commodity's common unit, as stored) and cost summed exactly, the number of bills
    and how many of them a task of step `step_id` wrote. The digest's main query (bench/digest.py times it)."""
    parameters = {"meter_ids": list(meter_ids), "periods": list(billing_periods), "step_id": step_id}
    # Through the connection: a Core result, without the ORM's per-row handling (36,000 rows for 12,000 meters).
    rows = session.connection().execute(_totals_select(), parameters).all()
    return {
        (meter_id, period): MeterTotals(
            # Whole minor units back to the Decimal they stand for (store.sums.from_minor_units, inlined).
            # An int on SQLite, an integral Decimal on PostgreSQL.
            _ZERO if use is None else Decimal(use) * _USE_UNIT,
            _ZERO if cost is None else Decimal(cost) * _COST_UNIT,
            bills,
            from_step,
        )
        for meter_id, period, use, cost, bills, from_step in rows
    }
