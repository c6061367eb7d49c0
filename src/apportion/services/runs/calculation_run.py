"""Calculation run: each effective calculated bill version produces its bill for the period (domain.md §4.4).

Inputs for all versions are loaded in a few queries (source meters' bill totals, group members, channel
readings, rates, units); versions are evaluated with domain/calculations.py in dependency order, so a
calculated meter that reads another calculated meter sees the bill computed for it earlier in the same
run; meters on a cycle fail with their own message. A version that cannot be calculated fails alone.
Re-runs replace, never add: every version's earlier live bills of the period are voided first, in the same
transaction, with what was made from them (chargebacks.corrections), and the correction log records what each
run replaced. (domain.md §4.4 says EnergyCAP itself duplicates such bills; its customers report that as an
incident, so Apportion makes every re-run idempotent, aggregations included, §4.5 and §7 Q12.)

Each bill records its lineage: every bill whose figures it used (the live bills of the meters it reads in the
period, the calendarized bills overlapping the month, or bills of calculated meters made earlier in the run).
A meter read for its use must measure the same kind of quantity as the calculated meter: its use is converted
through the commodities' common units (therms to kWh), and a version reading gallons for a kWh meter fails.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time
from decimal import Decimal
from functools import partial
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from apportion.domain import calculations as calc
from apportion.domain import periods
from apportion.domain.bills import BillDraft, BillOrigin, storage_problem
from apportion.domain.errors import RuleViolation
from apportion.domain.money import multiply
from apportion.domain.units import UnitTable
from apportion.services.chargebacks import corrections
from apportion.services.chargebacks.corrections import Cause, Change
from apportion.services.master.rates import price_in_note
from apportion.services.runs.run_context import RunContext, VersionOutcome, chunks
from apportion.store import lineage, locks
from apportion.store.bill_writer import BillWriter
from apportion.store.chargeback_versions import CalculatedVersion
from apportion.store.id_lists import among
from apportion.store.models.bills import Bill, BillMeter
from apportion.store.models.chargebacks import DistributionVersion
from apportion.store.models.organisation import AccountMeter, Channel, Meter, MeterGroupMember, Reading
from apportion.store.models.reference import Commodity, ObservationType, Rate
from apportion.store.sums import COST_SCALE, USE_SCALE, from_minor_units, minor_units, minor_units_sum

ZERO = calc.MeterFigures(Decimal(0), Decimal(0))


def run_calculations(ctx: RunContext, versions: Sequence[CalculatedVersion], period: int) -> list[VersionOutcome]:
    """Calculate every version for `period`; one outcome per version."""
    if not versions:
        return []
    session = ctx.session
    # Runs of the same versions at once take turns here, so each replaces the one before (never two live bills).
    locks.lock_rows(session, DistributionVersion.version_id, [v.version_id for v in versions])
    earlier = lineage.live_bills_of_versions(session, [v.version_id for v in versions], period)
    change = Change(Cause.REPLACED_BY_RUN, ctx.user_id, ctx.now, chargeback_task_id=ctx.task_id)
    corrections.replace(session, earlier, change)
    if ctx.writer is None:
        ctx.writer = BillWriter(session)
    units = ctx.writer.units
    groups = _group_members(session, versions)
    reads = {v.meter_id: calc.source_meter_ids(v.instructions, groups) for v in versions}
    order = calc.dependency_order(reads)
    read_meters = {m for ms in reads.values() for m in ms}
    figures = _meter_figures(session, read_meters, period)
    used_bills = lineage.bills_by_meter(session, sorted(read_meters), period)
    calendarized, calendarized_bills = _calendarized(session, _calendarized_meters(versions), period)
    for meter_id, bill_ids in calendarized_bills.items():
        used_bills.setdefault(meter_id, []).extend(bill_ids)
    meters = {m.meter_id: m for m in _meters(session, {v.meter_id for v in versions} | read_meters)}
    shared = _SharedInputs(
        groups=groups,
        calendarized=calendarized,
        channel_use=_channel_figures(session, versions, period, use=True),
        channel_demand=_channel_figures(session, versions, period, use=False),
        prices=_rate_prices(session, versions),
        kinds=dict(session.execute(select(ObservationType.observation_type_id, ObservationType.kind)).all()),
    )
    by_meter: dict[int, list[CalculatedVersion]] = {}
    for version in versions:
        by_meter.setdefault(version.meter_id, []).append(version)
    outcomes: list[VersionOutcome] = []
    drafts: list[tuple[VersionOutcome, BillDraft, int]] = []
    # Bills of this run by meter (draft positions), for the lineage of calculated meters that read them.
    made_here: dict[int, list[int]] = {}
    for meter_id, failure in sorted(order.failures.items()):
        outcomes.extend(
            VersionOutcome(v.version_id, error_message=failure.message, billing_period=period)
            for v in by_meter[meter_id]
        )
    for meter_id in order.order:
        meter = meters[meter_id]
        for version in by_meter[meter_id]:
            outcome = VersionOutcome(version.version_id, billing_period=period)
            outcomes.append(outcome)
            if version.is_aggregation and not any(m in figures for m in reads[meter_id]):
                continue  # domain.md §4.5 step 3: an aggregation skips periods without source bills
            inputs = shared.inputs(version, meter, figures, units, meters, reads[meter_id])
            try:
                result = calc.evaluate(version.instructions, inputs)
            except RuleViolation as problem:
                outcome.error_message = problem.message
                continue
            begin, end = ctx.bill_dates(period)
            draft = BillDraft(
                account_id=version.account_id,
                billing_period=period,
                begin_date=begin,
                end_date=end,
                lines=result.lines,
                header=ctx.header,
                from_vendor=False,
                origin=BillOrigin(ctx.task_id, version.version_id, calculated=True),
            )
            # A figure beyond its column fails this version alone, before the run's one write (domain.bills).
            too_large = storage_problem(draft, partial(units.to_common, commodity_id=meter.commodity_id))
            if too_large is not None:
                outcome.error_message = f"Calculated bill version {version.version_id}: {too_large}"
                continue
            made_here.setdefault(meter_id, []).append(len(drafts))
            drafts.append((outcome, draft, meter_id))
            _add_figures(figures, meter, result, units)
    bill_ids = ctx.write([draft for _, draft, _ in drafts])
    edges: list[tuple[int, int]] = []
    for (outcome, _, meter_id), bill_id in zip(drafts, bill_ids, strict=True):
        outcome.bill_ids.append(bill_id)
        for read in reads[meter_id]:
            edges.extend((bill_id, used) for used in used_bills.get(read, ()))
            edges.extend((bill_id, bill_ids[i]) for i in made_here.get(read, ()) if bill_ids[i] != bill_id)
    lineage.record_sources(session, edges)
    return outcomes


class _SharedInputs:
    """Figures every version of the run reads, keyed by meter, group, channel or version."""

    def __init__(
        self,
        groups: dict[int, list[int]],
        calendarized: dict[int, calc.MeterFigures],
        channel_use: dict[int, Decimal],
        channel_demand: dict[int, Decimal],
        prices: dict[int, Decimal],
        kinds: dict[int, str],
    ) -> None:
        self.groups = groups
        self.calendarized = calendarized
        self.channel_use = channel_use
        self.channel_demand = channel_demand
        self.prices = prices
        self.kinds = kinds
        self.factors: dict[int, dict[int, Decimal]] = {}

    def inputs(
        self,
        version: CalculatedVersion,
        meter: _Meter,
        figures: dict[int, calc.MeterFigures],
        units: UnitTable,
        meters: dict[int, _Meter],
        reads: frozenset[int],
    ) -> calc.CalculationInputs:
        """CalculationInputs for one version of the run: figures of meters of another commodity converted into
        this meter's common unit, or named as unconvertible."""
        common = units.common_unit.get(meter.commodity_id)
        if meter.commodity_id not in self.factors:
            self.factors[meter.commodity_id] = _unit_factors(units, meter.commodity_id)
        other = [m for m in reads if m in meters and meters[m].commodity_id != meter.commodity_id]
        own_figures, own_calendarized = figures, self.calendarized
        unconvertible: dict[int, str] = {}
        if other:
            own_figures, own_calendarized = dict(figures), dict(self.calendarized)
            for read in other:
                source = meters[read]
                for table in (own_figures, own_calendarized):
                    found = table.get(read)
                    if found is None:
                        continue
                    use = units.between_commodities(found.use, source.commodity_id, meter.commodity_id)
                    if use is None:
                        unconvertible[read] = (
                            f"Meter {meter.meter_id}: the use of meter {read} ({source.commodity_code}) cannot be "
                            f"converted to {meter.commodity_code}: their units measure different quantities."
                        )
                        continue
                    table[read] = calc.MeterFigures(use, found.cost)
        return calc.CalculationInputs(
            meter_id=meter.meter_id,
            common_unit_id=common,
            meters=own_figures,
            calendarized=own_calendarized,
            groups=self.groups,
            channel_use=self.channel_use,
            channel_demand=self.channel_demand,
            demand_unit_id=meter.demand_unit_id,
            rate_unit_price=self.prices.get(version.version_id),
            unit_factors=self.factors[meter.commodity_id],
            observation_kinds=self.kinds,
            unconvertible=unconvertible,
        )


def _group_members(session: Session, versions: Sequence[CalculatedVersion]) -> dict[int, list[int]]:
    wanted: set[int] = set()
    for version in versions:
        for instruction in (version.instructions.use, version.instructions.cost):
            if isinstance(instruction, calc.MeterCalculation):
                wanted.update(instruction.sum_meter_group_ids, instruction.subtract_meter_group_ids)
    members: dict[int, list[int]] = {}
    if wanted:
        rows = session.execute(
            select(MeterGroupMember.meter_group_id, MeterGroupMember.meter_id)
            .where(MeterGroupMember.meter_group_id.in_(sorted(wanted)))
            .order_by(MeterGroupMember.meter_group_id, MeterGroupMember.meter_id)
        )
        for group_id, meter_id in rows:
            members.setdefault(group_id, []).append(meter_id)
    return members


def _meter_figures(session: Session, meter_ids: Iterable[int], period: int) -> dict[int, calc.MeterFigures]:
    """Each meter's use (common unit) and cost over its non-void, non-accrual bills of the period."""
    found: dict[int, calc.MeterFigures] = {}
    for chunk in chunks(sorted(set(meter_ids))):
        rows = session.connection().execute(
            select(
                BillMeter.meter_id,
                minor_units_sum(BillMeter.use, USE_SCALE),
                minor_units_sum(BillMeter.cost, COST_SCALE),
            )
            .join(Bill, Bill.bill_id == BillMeter.bill_id)
            .where(
                among(BillMeter.meter_id, chunk),
                BillMeter.billing_period == period,
                Bill.void.is_(False),
                Bill.accrual.is_(False),
            )
            .group_by(BillMeter.meter_id)
        )
        for meter_id, use, cost in rows:
            found[meter_id] = calc.MeterFigures(
                from_minor_units(use, USE_SCALE) or ZERO.use, from_minor_units(cost, COST_SCALE) or ZERO.cost
            )
    return found


def _add_figures(
    figures: dict[int, calc.MeterFigures], meter: _Meter, result: calc.CalculatedBillResult, units: UnitTable
) -> None:
    """Count a bill computed in this run in its meter's figures, for calculated meters that read it."""
    use = units.to_common(result.use, result.use_unit_id, meter.commodity_id)
    cost = sum((line.cost for line in result.lines if line.meter_id == meter.meter_id and line.cost), Decimal(0))
    before = figures.get(meter.meter_id, ZERO)
    figures[meter.meter_id] = calc.MeterFigures(before.use + use, before.cost + cost)


class _Meter(NamedTuple):
    """What a run reads of a calculated meter or a meter it reads."""

    meter_id: int
    commodity_id: int
    demand_unit_id: int | None
    commodity_code: str


def _meters(session: Session, meter_ids: set[int]) -> list[_Meter]:
    found: list[_Meter] = []
    for chunk in chunks(sorted(meter_ids)):
        rows = session.execute(
            select(Meter.meter_id, Meter.commodity_id, Meter.demand_unit_id, Commodity.commodity_code)
            .join(Commodity, Commodity.commodity_id == Meter.commodity_id)
            .where(among(Meter.meter_id, chunk))
        )
        found.extend(_Meter(*row) for row in rows)
    return found


def _calendarized_meters(versions: Sequence[CalculatedVersion]) -> set[int]:
    return {
        meter_id
        for v in versions
        for instruction in (v.instructions.use, v.instructions.cost)
        if isinstance(instruction, calc.CalendarizedSum)
        for meter_id in instruction.meter_ids
    }


def _calendarized(
    session: Session, meter_ids: set[int], period: int
) -> tuple[dict[int, calc.MeterFigures], dict[int, list[int]]]:
    """Calendarized figures: every non-void bill overlapping the month, prorated by its days in the month.

    domain.md glossary "Calendarization ... prorating": a bill from Jan 16 to Feb 15 (30 days) gives
    January 16/30 of its use and cost.
    """
    first, last = periods.first_day(period), periods.end_date(period)
    found: dict[int, calc.MeterFigures] = {}
    used: dict[int, list[int]] = {}
    for chunk in chunks(sorted(meter_ids)):
        rows = session.execute(
            select(BillMeter.meter_id, BillMeter.use, BillMeter.cost, Bill.begin_date, Bill.end_date, Bill.bill_id)
            .join(Bill, Bill.bill_id == BillMeter.bill_id)
            .where(
                BillMeter.meter_id.in_(chunk),
                Bill.begin_date < last,
                Bill.end_date > first,
                Bill.void.is_(False),
                Bill.accrual.is_(False),
            )
        )
        for meter_id, use, cost, begin, end, bill_id in rows:
            days = (end - begin).days
            inside = (min(end, last) - max(begin, first)).days
            if days <= 0 or inside <= 0:
                continue
            used.setdefault(meter_id, []).append(bill_id)
            before = found.get(meter_id, ZERO)
            found[meter_id] = calc.MeterFigures(
                before.use + multiply(Decimal(use or 0), Decimal(inside), Decimal(days)),
                before.cost + multiply(Decimal(cost or 0), Decimal(inside), Decimal(days)),
            )
    return found, used


def _channel_figures(
    session: Session, versions: Sequence[CalculatedVersion], period: int, *, use: bool
) -> dict[int, Decimal]:
    """Channel use (readings summed) or demand (largest reading) over the billing period's month.

    Readings at [first day 00:00, next period's first day 00:00) count, times the channel multiplier.
    A channel with no readings is absent, so its version fails with "no readings" (use) or gets no
    demand line (domain.md §4.4).
    """
    wanted = {
        instruction.channel_id
        for v in versions
        for instruction in ((v.instructions.use,) if use else (v.instructions.demand,))
        if isinstance(instruction, calc.ReadingsChannel)
    }
    if not wanted:
        return {}
    begin = datetime.combine(periods.first_day(period), time())
    end = datetime.combine(periods.end_date(period), time())
    # The multiplier is the channel's, so Σ(value x m) = m x Σ value and max(value x m) = m x max (min when m < 0):
    # the database adds whole millionths (exact on SQLite too) and the product is taken here, in Decimal.
    rows = session.execute(
        select(
            Reading.channel_id,
            Channel.multiplier,
            minor_units_sum(Reading.value, USE_SCALE),
            func.max(minor_units(Reading.value, USE_SCALE)),
            func.min(minor_units(Reading.value, USE_SCALE)),
        )
        .join(Channel, Channel.channel_id == Reading.channel_id)
        .where(Reading.channel_id.in_(sorted(wanted)), Reading.time >= begin, Reading.time < end)
        .group_by(Reading.channel_id, Channel.multiplier)
    )
    found: dict[int, Decimal] = {}
    for channel_id, multiplier, total, largest, smallest in rows:
        if total is None:
            continue
        factor = Decimal(multiplier if multiplier is not None else 1)
        if use:
            reading = from_minor_units(total, USE_SCALE) or Decimal(0)
        else:
            reading = from_minor_units(largest if factor >= 0 else smallest, USE_SCALE) or Decimal(0)
        found[channel_id] = multiply(reading, factor)
    return found


def _rate_prices(session: Session, versions: Sequence[CalculatedVersion]) -> dict[int, Decimal]:
    """Unit price of the rate on each rate-schedule version's account-meter link, the latest link first
    (domain.md §4.4 rec: the rate's flat unit price, or `unitPrice=` in its note)."""
    wanted = [v for v in versions if isinstance(v.instructions.cost, calc.RateSchedule)]
    links: dict[tuple[int, int], Decimal] = {}
    for chunk in chunks(sorted({v.meter_id for v in wanted})):
        rows = session.execute(
            select(AccountMeter.account_id, AccountMeter.meter_id, Rate.unit_price, Rate.note)
            .join(Rate, Rate.rate_id == AccountMeter.rate_id)
            .where(AccountMeter.meter_id.in_(chunk))
            .order_by(AccountMeter.end_date)
        )
        for account_id, meter_id, unit_price, note in rows:
            price = unit_price if unit_price is not None else price_in_note(note)
            if price is not None:
                links[(account_id, meter_id)] = price
    return {v.version_id: links[(v.account_id, v.meter_id)] for v in wanted if (v.account_id, v.meter_id) in links}


def _unit_factors(units: UnitTable, commodity_id: int) -> dict[int, Decimal]:
    """unit id -> factor into the commodity's common unit (same unit type, or a commodity conversion)."""
    common = units.common_unit.get(commodity_id)
    if common is None or common not in units.units:
        return {}
    common_type, common_factor = units.units[common]
    factors = {
        unit_id: multiply(factor, Decimal(1), common_factor)
        for unit_id, (unit_type, factor) in units.units.items()
        if unit_type == common_type
    }
    factors.update(
        {unit: factor for (commodity, unit), factor in units.commodity_factors.items() if commodity == commodity_id}
    )
    return factors
