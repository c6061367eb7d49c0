"""Calculated bill details as typed values: a version's instructions (stored as one JSON document,
store/instructions.py), the records they name and what checking a request needs
(services.chargebacks.calculated_details).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from sqlalchemy import RowMapping, select, update
from sqlalchemy.orm import Session

from apportion.domain import calculations as calc
from apportion.store import instructions as documents
from apportion.store.models.chargebacks import DistributionVersion
from apportion.store.models.organisation import AccountMeter, AccountMeterRate, Channel, Meter, MeterGroup
from apportion.store.models.reference import ObservationType, Rate, Unit
from apportion.store.paging import AnySelect
from apportion.store.queries.children import CommodityChild, MeterChild, UnitChild, join_commodity, join_meter
from apportion.store.queries.reference import ObservationTypeRow
from apportion.store.queries.shaped import Shaped, present


@dataclass(frozen=True)
class ChannelRecord:
    """A channel an instruction reads, with its observation type."""

    channel_id: int
    channel_code: str | None
    interval_minutes: int
    observation_rule: str | None
    observation_type: ObservationTypeRow


@dataclass(frozen=True)
class RateRecord:
    """The rate of an account-meter link, with its commodity."""

    rate_id: int
    rate_info: str
    commodity: CommodityChild | None


@dataclass(frozen=True)
class ReferenceFacts:
    """Which of the records a request names exist: meters, meter groups (with whether each is an automatic
    group), units and channels."""

    meters: frozenset[int]
    groups: dict[int, bool]
    units: frozenset[int]
    channels: frozenset[int]


def instructions(session: Session, version_id: int) -> calc.CalculatedBillInstructions | None:
    """The version's instructions, or None when there is no such version."""
    found = session.execute(
        select(DistributionVersion.version_id, DistributionVersion.instructions).where(
            DistributionVersion.version_id == version_id
        )
    ).first()
    return None if found is None else documents.from_document(version_id, found.instructions)


def store_instructions(session: Session, version_id: int, changed: calc.CalculatedBillInstructions) -> None:
    """Replace the version's instructions."""
    session.execute(
        update(DistributionVersion)
        .where(DistributionVersion.version_id == version_id)
        .values(instructions=documents.to_document(changed))
    )


def reference_facts(
    session: Session,
    meter_ids: Sequence[int],
    group_ids: Sequence[int],
    unit_ids: Sequence[int],
    channel_ids: Sequence[int],
) -> ReferenceFacts:
    """Which of the named records exist (one query per kind)."""
    meters = frozenset(session.execute(select(Meter.meter_id).where(Meter.meter_id.in_(list(meter_ids)))).scalars())
    groups: dict[int, bool] = {
        group_id: bool(auto)
        for group_id, auto in session.execute(
            select(MeterGroup.meter_group_id, MeterGroup.auto_group).where(
                MeterGroup.meter_group_id.in_(list(group_ids))
            )
        )
    }
    units = frozenset(session.execute(select(Unit.unit_id).where(Unit.unit_id.in_(list(unit_ids)))).scalars())
    channels = frozenset(
        session.execute(select(Channel.channel_id).where(Channel.channel_id.in_(list(channel_ids)))).scalars()
    )
    return ReferenceFacts(meters, groups, units, channels)


def observation_kinds(session: Session, type_ids: Sequence[int]) -> dict[int, str]:
    """The kind (use, demand, cost, other) of each of the observation types that exist."""
    statement = select(ObservationType.observation_type_id, ObservationType.kind).where(
        ObservationType.observation_type_id.in_(list(type_ids))
    )
    return {type_id: str(kind) for type_id, kind in session.execute(statement)}


@cache
def _meters() -> Shaped[MeterChild]:
    statement: AnySelect = select(Meter.meter_id)
    statement, read = join_meter(statement, Meter.meter_id)
    return Shaped(statement, present(read, "meter"))


def meters(session: Session, meter_ids: Sequence[int]) -> dict[int, MeterChild]:
    """The meters, by id, with their type, commodity and flags."""
    if not meter_ids:
        return {}
    return {m.meter_id: m for m in _meters().all(session, Meter.meter_id.in_(list(meter_ids)))}


def units(session: Session, unit_ids: Sequence[int]) -> dict[int, UnitChild]:
    """The units, by id."""
    if not unit_ids:
        return {}
    statement = select(Unit.unit_id, Unit.unit_code, Unit.unit_info).where(Unit.unit_id.in_(list(unit_ids)))
    return {row.unit_id: UnitChild(*row) for row in session.execute(statement)}


def observation_types(session: Session, type_ids: Sequence[int]) -> dict[int, ObservationTypeRow]:
    """The observation types, by id."""
    if not type_ids:
        return {}
    ot = ObservationType
    statement = select(ot.observation_type_id, ot.observation_type_code, ot.observation_type_info).where(
        ot.observation_type_id.in_(list(type_ids))
    )
    return {row.observation_type_id: ObservationTypeRow(*row) for row in session.execute(statement)}


def channels(session: Session, channel_ids: Sequence[int]) -> dict[int, ChannelRecord]:
    """The channels, by id, with their observation types."""
    if not channel_ids:
        return {}
    ot = ObservationType
    statement = (
        select(
            Channel.channel_id,
            Channel.channel_code,
            Channel.interval_minutes,
            Channel.observation_rule,
            ot.observation_type_id,
            ot.observation_type_code,
            ot.observation_type_info,
        )
        .join(ot, ot.observation_type_id == Channel.observation_type_id)
        .where(Channel.channel_id.in_(list(channel_ids)))
    )
    return {
        channel_id: ChannelRecord(channel_id, code, interval, rule, ObservationTypeRow(type_id, type_code, type_info))
        for channel_id, code, interval, rule, type_id, type_code, type_info in session.execute(statement)
    }


@cache
def _rates() -> Shaped[RateRecord]:
    statement: AnySelect = (
        select(Rate.rate_id, Rate.rate_info)
        .join(AccountMeterRate, AccountMeterRate.rate_id == Rate.rate_id)
        .join(AccountMeter, AccountMeter.account_meter_id == AccountMeterRate.account_meter_id)
    )
    statement, read_commodity = join_commodity(statement, Rate.commodity_id)

    def read(row: RowMapping) -> RateRecord:
        return RateRecord(row["rate_id"], row["rate_info"], read_commodity(row))

    return Shaped(statement, read)


def link_rate(session: Session, account_id: int, meter_id: int) -> RateRecord | None:
    """The latest rate of the latest account-meter link of the account and meter (useCurrentMetersRateSchedule,
    domain.md §4.4)."""
    statement = (
        _rates()
        .statement.where(AccountMeter.account_id == account_id, AccountMeter.meter_id == meter_id)
        .order_by(AccountMeter.begin_date.desc(), AccountMeterRate.start_date.desc())
        .limit(1)
    )
    row = session.execute(statement).mappings().first()
    return None if row is None else _rates().read(row)
