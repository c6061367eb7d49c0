"""Meter channels as typed values: a meter's channels with their observation type, unit, meter and reading span;
import-id clashes and the write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session, aliased

from apportion.store.models.organisation import Channel, Reading
from apportion.store.models.reference import ObservationType
from apportion.store.queries.children import MeterChild, UnitChild, join_meter, join_unit
from apportion.store.queries.reference import ObservationTypeRow
from apportion.store.queries.shaped import Shaped, labelled


@dataclass(frozen=True)
class NewChannel:
    """A new channel's columns."""

    meter_id: int
    channel_code: str
    observation_type_id: int
    unit_id: int
    interval_minutes: int
    multiplier: Decimal
    observation_rule: str | None
    maximum_reading: Decimal
    description: str | None
    import_id: str | None


@dataclass(frozen=True)
class ChannelRow:
    """A channel (one version) with its observation type, unit, meter and the times of its first and last
    readings (None without readings)."""

    channel_id: int
    interval_minutes: int
    multiplier: Decimal
    observation_rule: str | None
    maximum_reading: Decimal | None
    begin_date: date | None
    end_date: date | None
    description: str | None
    import_id: str | None
    observation_type: ObservationTypeRow
    unit: UnitChild | None
    meter: MeterChild | None
    first_reading: datetime | None
    last_reading: datetime | None


@cache
def _channels() -> Shaped[ChannelRow]:
    # Correlated lookups on the (channel_id, time) index: no scan of the readings table.
    first = select(func.min(Reading.time)).where(Reading.channel_id == Channel.channel_id).scalar_subquery().label(None)
    last = select(func.max(Reading.time)).where(Reading.channel_id == Channel.channel_id).scalar_subquery().label(None)
    ot = aliased(ObservationType)
    observation_type = labelled(ot.observation_type_id, ot.observation_type_code, ot.observation_type_info)
    statement = select(Channel, *observation_type, first, last).join(
        ot, ot.observation_type_id == Channel.observation_type_id
    )
    statement, read_unit = join_unit(statement, Channel.unit_id)
    statement, read_meter = join_meter(statement, Channel.meter_id)

    def read(row: RowMapping) -> ChannelRow:
        c: Channel = row[Channel]
        return ChannelRow(
            channel_id=c.channel_id,
            interval_minutes=c.interval_minutes,
            multiplier=c.multiplier,
            observation_rule=c.observation_rule,
            maximum_reading=c.maximum_reading,
            begin_date=c.begin_date,
            end_date=c.end_date,
            description=c.description,
            import_id=c.import_id,
            observation_type=ObservationTypeRow(*(row[column] for column in observation_type)),
            unit=read_unit(row),
            meter=read_meter(row),
            first_reading=row[first],
            last_reading=row[last],
        )

    return Shaped(statement.order_by(Channel.channel_id), read)


def channels_of(session: Session, meter_id: int, channel_id: int | None = None) -> list[ChannelRow]:
    """A meter's channels (or the one `channel_id` names), by id."""
    where = [Channel.meter_id == meter_id]
    if channel_id is not None:
        where.append(Channel.channel_id == channel_id)
    return _channels().all(session, *where)


def import_id_taken(session: Session, import_id: str) -> bool:
    """Whether a channel has this import id."""
    return session.execute(select(Channel.channel_id).where(Channel.import_id == import_id)).first() is not None


def insert_channel(session: Session, channel: NewChannel) -> int:
    """Write a new channel; returns its id."""
    row = Channel(**vars(channel))
    session.add(row)
    session.flush()
    return row.channel_id
