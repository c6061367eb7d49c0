"""What a calculation run reads, as typed values: the meters it reads, the bills overlapping a month for
calendarized sums, and channel reading totals (the rates of calculated meters: store/queries/rate_versions.py).

Each query takes the whole run's ids at once (DESIGN.md "Performance rules"); the rules that turn these figures
into a bill (proration, the channel multiplier, unit conversion) are in the domain.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from apportion.domain.calculations import MeterFigures
from apportion.domain.calendarization import BillSpan
from apportion.domain.channel_readings import ChannelTotals
from apportion.domain.channel_readings import Reading as ReadingValue
from apportion.store.bill_reads import of_live_meter_bills
from apportion.store.id_lists import among
from apportion.store.models.bills import Bill, BillMeter
from apportion.store.models.organisation import Channel, Meter, Reading
from apportion.store.models.reference import Commodity
from apportion.store.split_inputs import meter_use_and_cost
from apportion.store.sums import COST_SCALE, USE_SCALE, from_minor_units, minor_units, minor_units_sum


class MeterFacts(NamedTuple):
    """What a run reads of a calculated meter or a meter it reads."""

    meter_id: int
    commodity_id: int
    demand_unit_id: int | None
    commodity_code: str


def meter_facts(session: Session, meter_ids: Sequence[int]) -> dict[int, MeterFacts]:
    """The meters' commodity and demand unit, by id."""
    rows = session.connection().execute(
        select(Meter.meter_id, Meter.commodity_id, Meter.demand_unit_id, Commodity.commodity_code)
        .join(Commodity, Commodity.commodity_id == Meter.commodity_id)
        .where(among(Meter.meter_id, sorted(set(meter_ids))))
    )
    new = tuple.__new__  # MeterFacts._make(row) without its Python frame: a run reads every meter it reads
    return {row[0]: new(MeterFacts, row) for row in rows.all()}


class PeriodFigures(NamedTuple):
    """The period's figures of the meters a calculation run reads: each meter's use and cost over its live,
    non-accrual bills (as split_inputs.meter_use_and_cost sums them), and those bills (as lineage.bills_by_meter)."""

    figures: dict[int, MeterFigures]
    bills: dict[int, list[int]]


def period_figures(session: Session, meter_ids: Sequence[int], period: int) -> PeriodFigures:
    """Use, cost and bills of each meter's live, non-accrual bills of the period, in one statement.

    Each bill's use and cost are read in whole minor units and added here as integers: the same exact sums as the
    SQL SUM of split_inputs.meter_use_and_cost, from the rows lineage.bills_by_meter reads, in the same order.
    """
    figures: dict[int, MeterFigures] = {}
    bills: dict[int, list[int]] = {}
    if not meter_ids:
        return PeriodFigures(figures, bills)
    rows = session.connection().execute(
        of_live_meter_bills(
            select(
                BillMeter.meter_id,
                BillMeter.bill_id,
                minor_units(BillMeter.use, USE_SCALE),
                minor_units(BillMeter.cost, COST_SCALE),
            ),
            meter_ids,
            period,
        )
    )
    sums: dict[int, list[Any]] = {}  # meter -> [use, cost] in minor units, None while no bill had one (SQL SUM)
    beyond: set[int] = set()  # meters with a value SQLite gave as a float (beyond 64-bit minor units)
    for meter_id, bill_id, use, cost in rows.all():
        found = bills.get(meter_id)
        if found is None:
            found = bills[meter_id] = []
            sums[meter_id] = [None, None]
        found.append(bill_id)
        total = sums[meter_id]
        if use is not None:
            if type(use) is not int:  # PostgreSQL's integral NUMERIC: added as an int, exactly
                use = _whole(use)
                if type(use) is float:
                    beyond.add(meter_id)
            total[0] = use if total[0] is None else total[0] + use
        if cost is not None:
            if type(cost) is not int:
                cost = _whole(cost)
                if type(cost) is float:
                    beyond.add(meter_id)
            total[1] = cost if total[1] is None else total[1] + cost
    new = tuple.__new__  # MeterFigures(use, cost) without the constructor's Python frame: one per meter read
    for meter_id, (use, cost) in sums.items():
        figures[meter_id] = new(
            MeterFigures,
            (from_minor_units(use, USE_SCALE) or Decimal(0), from_minor_units(cost, COST_SCALE) or Decimal(0)),
        )
    if beyond:
        # Python would add such floats otherwise than SQLite's SUM does: those meters are summed as a split sums them.
        for meter_id, (use, cost) in meter_use_and_cost(session, sorted(beyond), period).items():
            figures[meter_id] = MeterFigures(use, cost)
    return PeriodFigures(figures, bills)


def _whole(value: Decimal | float) -> int | float:
    """Minor units as Python adds them exactly: PostgreSQL's integral NUMERIC as an int (SQLite's are ints)."""
    return int(value) if isinstance(value, Decimal) else value


def bills_overlapping(session: Session, meter_ids: Sequence[int], first: date, stop: date) -> list[BillSpan]:
    """The meters' live, non-accrual bills that share a day with [first, stop), with their dates and figures."""
    if not meter_ids:
        return []
    rows = session.connection().execute(
        select(BillMeter.meter_id, Bill.bill_id, BillMeter.use, BillMeter.cost, Bill.begin_date, Bill.end_date)
        .join(Bill, Bill.bill_id == BillMeter.bill_id)
        .where(
            among(BillMeter.meter_id, sorted(set(meter_ids))),
            Bill.begin_date < stop,
            Bill.end_date > first,
            Bill.void.is_(False),
            Bill.accrual.is_(False),
        )
        .order_by(BillMeter.meter_id, Bill.bill_id)
    )
    return [BillSpan(*row) for row in rows]


def channel_totals(session: Session, channel_ids: Sequence[int], begin: datetime, end: datetime) -> list[ChannelTotals]:
    """Per channel, over readings at [begin, end): its multiplier, the readings' exact sum, largest and smallest.

    The database adds whole millionths (exact on SQLite too); the multiplier is applied in the domain, in Decimal.
    """
    if not channel_ids:
        return []
    rows = session.execute(
        select(
            Reading.channel_id,
            Channel.multiplier,
            minor_units_sum(Reading.value, USE_SCALE),
            func.max(minor_units(Reading.value, USE_SCALE)),
            func.min(minor_units(Reading.value, USE_SCALE)),
        )
        .join(Channel, Channel.channel_id == Reading.channel_id)
        .where(among(Reading.channel_id, sorted(set(channel_ids))), Reading.time >= begin, Reading.time < end)
        .group_by(Reading.channel_id, Channel.multiplier)
    )
    return [
        ChannelTotals(
            channel_id,
            None if multiplier is None else Decimal(multiplier),
            from_minor_units(total, USE_SCALE),
            from_minor_units(largest, USE_SCALE),
            from_minor_units(smallest, USE_SCALE),
        )
        for channel_id, multiplier, total, largest, smallest in rows
    ]


def channels_by_type(
    session: Session, meter_ids: Sequence[int], type_ids: Sequence[int]
) -> dict[int, dict[int, list[int]]]:
    """Each meter's channels of these observation types: meter id -> type id -> channel ids, by id."""
    if not meter_ids or not type_ids:
        return {}
    rows = session.execute(
        select(Channel.meter_id, Channel.observation_type_id, Channel.channel_id)
        .where(among(Channel.meter_id, meter_ids), among(Channel.observation_type_id, type_ids))
        .order_by(Channel.channel_id)
    )
    found: dict[int, dict[int, list[int]]] = {}
    for meter_id, type_id, channel_id in rows:
        found.setdefault(meter_id, {}).setdefault(type_id, []).append(channel_id)
    return found


class ChannelFacts(NamedTuple):
    """A channel's reading interval and multiplier (None = 1)."""

    channel_id: int
    interval_minutes: int
    multiplier: Decimal | None


def channel_facts(session: Session, channel_ids: Sequence[int]) -> dict[int, ChannelFacts]:
    """The channels' intervals and multipliers, by id."""
    if not channel_ids:
        return {}
    rows = session.execute(
        select(Channel.channel_id, Channel.interval_minutes, Channel.multiplier).where(
            among(Channel.channel_id, sorted(set(channel_ids)))
        )
    )
    return {row[0]: ChannelFacts(row[0], row[1], None if row[2] is None else Decimal(row[2])) for row in rows}


def channel_readings(
    session: Session, channel_ids: Sequence[int], after: datetime, until: datetime
) -> dict[int, list[ReadingValue]]:
    """Each channel's readings taken in (after, until], by time."""
    if not channel_ids:
        return {}
    rows = session.execute(
        select(Reading.channel_id, Reading.time, Reading.value)
        .where(among(Reading.channel_id, sorted(set(channel_ids))), Reading.time > after, Reading.time <= until)
        .order_by(Reading.channel_id, Reading.time)
    )
    found: dict[int, list[ReadingValue]] = {}
    for channel_id, moment, value in rows:
        found.setdefault(channel_id, []).append(ReadingValue(moment, Decimal(value)))
    return found


def billed_end_dates(session: Session, version_ids: Sequence[int]) -> dict[int, set[date]]:
    """The end dates of each version's live bills (the reading windows already billed)."""
    if not version_ids:
        return {}
    rows = session.execute(
        select(Bill.chargeback_version_id, Bill.end_date).where(
            among(Bill.chargeback_version_id, sorted(set(version_ids))), Bill.void.is_(False)
        )
    )
    found: dict[int, set[date]] = {}
    for version_id, end in rows:
        if version_id is not None:
            found.setdefault(version_id, set()).add(end)
    return found
