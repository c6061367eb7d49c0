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

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from itertools import repeat

from apportion.domain import calculations as calc
from apportion.domain import periods, rates
from apportion.domain.bills import BillDraft, BillOrigin, storage_problem
from apportion.domain.calendarization import calendarize
from apportion.domain.channel_readings import (
    LOOK_BACK,
    ReadingWindow,
    channel_figure,
    is_monthly,
    reading_windows,
    window_range,
)
from apportion.domain.errors import RuleViolation
from apportion.domain.rates import MeterRates
from apportion.domain.tuples import new_tuple as _new
from apportion.domain.units import UnitTable
from apportion.services.chargebacks import corrections
from apportion.services.chargebacks.corrections import Cause, Change
from apportion.services.master.rates import price_in_note
from apportion.services.runs.run_context import RunContext, VersionOutcome
from apportion.store import bill_reads, calculation_inputs, lineage, locks, split_inputs
from apportion.store.bill_writer import BillWriter
from apportion.store.calculation_inputs import MeterFacts
from apportion.store.chargeback_versions import CalculatedVersion
from apportion.store.database import UnitOfWork
from apportion.store.queries import rate_versions

ZERO = calc.MeterFigures(Decimal(0), Decimal(0))


def run_calculations(ctx: RunContext, versions: Sequence[CalculatedVersion], period: int) -> list[VersionOutcome]:
    """Calculate every version for `period`; one outcome per version."""
    if not versions:
        return []
    session = ctx.session
    # Runs of the same versions at once take turns here, so each replaces the one before (never two live bills).
    locks.lock_versions(session, [v.version_id for v in versions])
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
    # The read meters' figures and the bills behind them (lineage), from one statement.
    period_figures = calculation_inputs.period_figures(session, sorted(read_meters), period)
    figures = period_figures.figures
    used_bills = period_figures.bills
    calendarized, calendarized_bills = _calendarized(session, _calendarized_meters(versions), period)
    for meter_id, bill_ids in calendarized_bills.items():
        used_bills.setdefault(meter_id, []).extend(bill_ids)
    meters = calculation_inputs.meter_facts(session, sorted({v.meter_id for v in versions} | read_meters))
    ctx.writer.know_commodities({meter_id: facts.commodity_id for meter_id, facts in meters.items()})
    shared = _SharedInputs(
        groups=groups,
        calendarized=calendarized,
        channel_use=_channel_figures(session, versions, period, use=True),
        channel_demand=_channel_figures(session, versions, period, use=False),
        rates=_meter_rates(session, versions, *ctx.bill_dates(period)),
        kinds=bill_reads.observation_kinds(session),
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
    windows = _reading_windows(session, versions, period)
    tou_channels = _time_of_use_channels(session, shared.rates, versions)
    tou_figures: dict[tuple[date, date], dict[int, Decimal]] = {}  # bill dates -> channel -> use, read once
    for meter_id in order.order:
        meter = meters[meter_id]
        for version in by_meter[meter_id]:
            outcome = VersionOutcome(version.version_id, billing_period=period)
            outcomes.append(outcome)
            if version.is_aggregation and not any(m in figures for m in reads[meter_id]):
                continue  # domain.md §4.5 step 3: an aggregation skips periods without source bills
            inputs = shared.inputs(version, meter, figures, units, meters, reads[meter_id])
            plan = windows.get(version.version_id)
            if plan is not None and plan.problem is not None:
                outcome.error_message = plan.problem
                continue
            if plan is not None and len(plan.windows) > 1 and isinstance(version.instructions.cost, _PERIOD_TOTALS):
                # A cost copied or summed from other meters is the period's: each window would charge all of it.
                outcome.error_message = (
                    f"Calculated bill version {version.version_id}: its cost is a total of the billing period, "
                    f"which cannot be shared by {len(plan.windows)} reading windows; price it per unit instead."
                )
                continue
            occasions = [(ctx.bill_dates(period), inputs)] if plan is None else plan.occasions(inputs)
            made: list[tuple[BillDraft, calc.CalculatedBillResult]] = []
            for (begin, end), occasion in occasions:
                if version.version_id in tou_channels:
                    if (begin, end) not in tou_figures:
                        tou_figures[begin, end] = _channel_use(session, tou_channels, begin, end)
                    by_type = _time_of_use(tou_channels[version.version_id], tou_figures[begin, end])
                    occasion = occasion._replace(time_of_use=by_type)
                try:
                    result = calc.evaluate(version.instructions, occasion)
                except RuleViolation as problem:
                    outcome.error_message = problem.message
                    break
                # BillDraft(account, period, begin, end, lines, header, estimated, from_vendor, origin) and
                # BillOrigin(task, version, source bill, import task, calculated), every field given.
                origin = _new(BillOrigin, (ctx.task_id, version.version_id, None, None, True))
                draft = _new(
                    BillDraft, (version.account_id, period, begin, end, result.lines, ctx.header, False, False, origin)
                )
                # A figure beyond its column fails this version alone, before the run's one write (domain.bills).
                too_large = storage_problem(draft, partial(units.to_common, commodity_id=meter.commodity_id))
                if too_large is not None:
                    outcome.error_message = f"Calculated bill version {version.version_id}: {too_large}"
                    break
                made.append((draft, result))
            if outcome.error_message is not None:
                continue  # one window that cannot be billed fails the version: none of its bills are written
            for draft, result in made:
                made_here.setdefault(meter_id, []).append(len(drafts))
                drafts.append((outcome, draft, meter_id))
                _add_figures(figures, meter, result, units)
    bill_ids = ctx.write([draft for _, draft, _ in drafts])
    edges: list[tuple[int, int]] = []
    for (outcome, _, meter_id), bill_id in zip(drafts, bill_ids, strict=True):
        outcome.bill_ids.append(bill_id)
        for read in reads[meter_id]:
            edges.extend(zip(repeat(bill_id), used_bills.get(read, ())))  # pairs made in C: thousands of edges
            made_of_read = made_here.get(read)
            if made_of_read:  # a calculated meter read by another (most reads are of bills of other tasks)
                edges.extend((bill_id, bill_ids[i]) for i in made_of_read if bill_ids[i] != bill_id)
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
        rates: dict[int, MeterRates],
        kinds: dict[int, str],
    ) -> None:
        self.groups = groups
        self.calendarized = calendarized
        self.channel_use = channel_use
        self.channel_demand = channel_demand
        self.rates = rates
        self.kinds = kinds
        self.factors: dict[int, dict[int, Decimal]] = {}

    def inputs(
        self,
        version: CalculatedVersion,
        meter: MeterFacts,
        figures: dict[int, calc.MeterFigures],
        units: UnitTable,
        meters: dict[int, MeterFacts],
        reads: frozenset[int],
    ) -> calc.CalculationInputs:
        """CalculationInputs for one version of the run: figures of meters of another commodity converted into
        this meter's common unit, or named as unconvertible."""
        common = units.common_unit.get(meter.commodity_id)
        if meter.commodity_id not in self.factors:
            self.factors[meter.commodity_id] = units.factors_to_common(meter.commodity_id)
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
            rates=self.rates.get(version.version_id),
            unit_factors=self.factors[meter.commodity_id],
            observation_kinds=self.kinds,
            unconvertible=unconvertible,
        )


def _group_members(session: UnitOfWork, versions: Sequence[CalculatedVersion]) -> dict[int, list[int]]:
    wanted: set[int] = set()
    for version in versions:
        for instruction in (version.instructions.use, version.instructions.cost):
            if isinstance(instruction, calc.MeterCalculation):
                wanted.update(instruction.sum_meter_group_ids, instruction.subtract_meter_group_ids)
    return split_inputs.group_members(session, sorted(wanted)) if wanted else {}


def _add_figures(
    figures: dict[int, calc.MeterFigures], meter: MeterFacts, result: calc.CalculatedBillResult, units: UnitTable
) -> None:
    """Count a bill computed in this run in its meter's figures, for calculated meters that read it."""
    use = units.to_common(result.use, result.use_unit_id, meter.commodity_id)
    cost = sum((line.cost for line in result.lines if line.meter_id == meter.meter_id and line.cost), Decimal(0))
    before = figures.get(meter.meter_id, ZERO)
    figures[meter.meter_id] = calc.MeterFigures(before.use + use, before.cost + cost)


def _calendarized_meters(versions: Sequence[CalculatedVersion]) -> set[int]:
    return {
        meter_id
        for v in versions
        for instruction in (v.instructions.use, v.instructions.cost)
        if isinstance(instruction, calc.CalendarizedSum)
        for meter_id in instruction.meter_ids
    }


def _calendarized(
    session: UnitOfWork, meter_ids: set[int], period: int
) -> tuple[dict[int, calc.MeterFigures], dict[int, list[int]]]:
    """Calendarized figures of the period's month (domain/calendarization.py) and the bills that counted."""
    first, stop = periods.first_day(period), periods.end_date(period)
    return calendarize(calculation_inputs.bills_overlapping(session, sorted(meter_ids), first, stop), first, stop)


def _channel_figures(
    session: UnitOfWork, versions: Sequence[CalculatedVersion], period: int, *, use: bool
) -> dict[int, Decimal]:
    """Channel use (readings summed) or demand (largest reading) over the billing period's month, times the channel
    multiplier (domain/channel_readings.py). Readings at [first day 00:00, next period's first day 00:00) count; a
    channel with no readings is absent, so its version fails with "no readings" (use) or gets no demand line
    (domain.md §4.4).
    """
    wanted = {
        instruction.channel_id
        for v in versions
        for instruction in ((v.instructions.use,) if use else (v.instructions.demand,))
        if isinstance(instruction, calc.ReadingsChannel)
    }
    begin = datetime.combine(periods.first_day(period), time())
    end = datetime.combine(periods.end_date(period), time())
    found: dict[int, Decimal] = {}
    for totals in calculation_inputs.channel_totals(session, sorted(wanted), begin, end):
        figure = channel_figure(totals, use=use)
        if figure is not None:
            found[totals.channel_id] = figure
    return found


def _time_of_use_channels(
    session: UnitOfWork, rates_of: dict[int, MeterRates], versions: Sequence[CalculatedVersion]
) -> dict[int, dict[int, list[int]]]:
    """For each version priced by a rate with time-of-use prices: its meter's channels by the observation types those
    prices name (on-peak use, off-peak use ...)."""
    types_of: dict[int, set[int]] = {}
    for version_id, meter_rates in rates_of.items():
        own = {start.rate_id for link in meter_rates.links for start in link.rates}
        named = {p.observation_type_id for r in own for t in meter_rates.versions.get(r, ()) for p in t.time_of_use}
        if named:
            types_of[version_id] = named
    if not types_of:
        return {}
    meter_of = {v.version_id: v.meter_id for v in versions if v.version_id in types_of}
    every_type = sorted({t for named in types_of.values() for t in named})
    channels = calculation_inputs.channels_by_type(session, sorted(set(meter_of.values())), every_type)
    return {
        version_id: {t: ids for t, ids in channels.get(meter_id, {}).items() if t in types_of[version_id]}
        for version_id, meter_id in meter_of.items()
    }


def _channel_use(
    session: UnitOfWork, channels: dict[int, dict[int, list[int]]], begin: date, end: date
) -> dict[int, Decimal]:
    """The use of every time-of-use channel of the run over the bill's days: readings at [begin 00:00, end 00:00)
    summed, times the channel's multiplier; a channel without readings is absent."""
    wanted = sorted({c for by_type in channels.values() for ids in by_type.values() for c in ids})
    start, stop = datetime.combine(begin, time()), datetime.combine(end, time())
    found: dict[int, Decimal] = {}
    for totals in calculation_inputs.channel_totals(session, wanted, start, stop):
        figure = channel_figure(totals, use=True)
        if figure is not None:
            found[totals.channel_id] = figure
    return found


def _time_of_use(by_type: dict[int, list[int]], channel_use: dict[int, Decimal]) -> dict[int, Decimal]:
    """A meter's use by time-of-use type: its channels of each type added; a type none of whose channels has
    readings is absent."""
    found: dict[int, Decimal] = {}
    for type_id, ids in by_type.items():
        read = [channel_use[c] for c in ids if c in channel_use]
        if read:
            found[type_id] = sum(read, Decimal(0))
    return found


_PERIOD_TOTALS = (calc.CopyFromMeter, calc.MeterCalculation, calc.CalendarizedSum)


@dataclass(frozen=True)
class _WindowPlan:
    """A version on a monthly channel: its reading windows to bill, or why it cannot be billed."""

    windows: tuple[ReadingWindow, ...]
    use_channel: int
    demand_channel: int | None
    problem: str | None = None

    def occasions(self, inputs: calc.CalculationInputs) -> list[tuple[tuple[date, date], calc.CalculationInputs]]:
        """Each window's dates and the inputs that bill it: its use, its peak demand, rates over its days."""
        found = []
        for window in self.windows:
            demand = (
                {} if self.demand_channel is None or window.demand is None else {self.demand_channel: window.demand}
            )
            rated = None if inputs.rates is None else replace(inputs.rates, begin=window.begin, end=window.end)
            own = inputs._replace(channel_use={self.use_channel: window.use}, channel_demand=demand, rates=rated)
            found.append(((window.begin, window.end), own))
        return found


def _reading_windows(session: UnitOfWork, versions: Sequence[CalculatedVersion], period: int) -> dict[int, _WindowPlan]:
    """The reading windows of every version whose use comes from a monthly channel (domain.md §4.4), skipping the
    days its live bills already end on; versions on sub-monthly channels roll their readings up by month."""
    channels = {
        v.version_id: v.instructions.use.channel_id
        for v in versions
        if isinstance(v.instructions.use, calc.ReadingsChannel)
    }
    demands = {
        v.version_id: v.instructions.demand.channel_id
        for v in versions
        if isinstance(v.instructions.demand, calc.ReadingsChannel)
    }
    facts = calculation_inputs.channel_facts(session, sorted(set(channels.values()) | set(demands.values())))
    monthly = {v: c for v, c in channels.items() if c in facts and is_monthly(facts[c].interval_minutes)}
    if not monthly:
        return {}
    low, high = window_range(period)
    # Readings before the range open its first windows (at most 120 days back); demand peaks reach noon of the end.
    wanted = set(monthly.values()) | {demands[v] for v in monthly if v in demands}
    readings = calculation_inputs.channel_readings(
        session, sorted(wanted), low - LOOK_BACK - timedelta(days=31), high + timedelta(days=1)
    )
    billed = calculation_inputs.billed_end_dates(session, sorted(monthly))
    plans: dict[int, _WindowPlan] = {}
    for version_id, channel_id in monthly.items():
        demand_channel = demands.get(version_id)
        own = readings.get(channel_id, [])
        if not any(low < r.time <= high for r in own):
            problem = f"Channel {channel_id} has no readings to bill in period {period}."
            plans[version_id] = _WindowPlan((), channel_id, demand_channel, problem)
            continue
        demand_facts = facts.get(demand_channel) if demand_channel is not None else None
        found = reading_windows(
            own,
            period,
            billed.get(version_id, set()),
            facts[channel_id].multiplier,
            None if demand_channel is None else readings.get(demand_channel, []),
            None if demand_facts is None else demand_facts.multiplier,
        )
        plans[version_id] = _WindowPlan(tuple(found), channel_id, demand_channel)
    return plans


def _meter_rates(
    session: UnitOfWork, versions: Sequence[CalculatedVersion], begin: date, end: date
) -> dict[int, MeterRates]:
    """Each rate-schedule version's account-meter links, their rates and the rates' versions, for the bill's dates
    (domain/rates.py). A rate without versions is priced by its flat unit price or its note's legacy
    `unitPrice=` token, from the earliest date on."""
    wanted = [v for v in versions if isinstance(v.instructions.cost, calc.RateSchedule)]
    if not wanted:
        return {}
    links = rate_versions.links_with_rates(session, sorted({v.meter_id for v in wanted}))
    rate_ids = sorted({rate_id for link in links for rate_id, _ in link.starts})
    stored = rate_versions.versions_of(session, rate_ids)
    legacy = rate_versions.legacy_prices(session, [r for r in rate_ids if r not in stored])
    terms: dict[int, tuple[rates.RateTerms, ...]] = {
        rate_id: tuple(
            rates.RateTerms(
                version_id=row.version_id,
                effective=row.effective_date,
                use_unit_cost=row.use_unit_cost,
                use_unit_id=None if row.use_unit is None else row.use_unit.unit_id,
                demand_unit_cost=row.demand_unit_cost,
                demand_unit_id=None if row.demand_unit is None else row.demand_unit.unit_id,
                meter_line_items=row.meter_line_items,
                account_line_items=row.account_line_items,
                use_blocks=row.use_blocks,
                time_of_use=row.time_of_use,
            )
            for row in rows
        )
        for rate_id, rows in stored.items()
    }
    for rate_id, flat in legacy.items():
        unit_price = flat.unit_price if flat.unit_price is not None else price_in_note(flat.note)
        terms[rate_id] = (rates.RateTerms(version_id=None, effective=date.min, use_unit_cost=unit_price),)
    by_pair: dict[tuple[int, int], list[rates.LinkRates]] = {}
    for link in links:
        starts = tuple(rates.RateStart(rate_id, start) for rate_id, start in link.starts)
        by_pair.setdefault((link.account_id, link.meter_id), []).append(rates.LinkRates(link.begin, link.end, starts))
    return {
        v.version_id: rates.MeterRates(tuple(by_pair.get((v.account_id, v.meter_id), ())), terms, begin, end)
        for v in wanted
    }
