"""Meter channels: each carries readings of one observation type in one unit (a single channel version)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import RowMapping, func, select
from sqlalchemy.orm import aliased

from apportion.domain.errors import NotFound, ValidationFailed
from apportion.services.child_columns import join_meter_child, join_unit_child
from apportion.services.ids import fetch
from apportion.store.database import Database
from apportion.store.models.organisation import Channel, Meter, Reading
from apportion.store.models.reference import ObservationType, Unit

# models.md ChannelCreate / ChannelVersionRequest: the allowed intervals and observation rules (ids are ours).
INTERVALS = (15, 30, 60, 1440, 10080, 43200)
OBSERVATION_RULES = {"Odometer": 1, "Trip": 2}


@dataclass(frozen=True)
class ChannelFields:
    """ChannelCreate as the service needs it (version udfs are accepted and ignored)."""

    interval_minutes: int
    observation_type_code: str
    multiplier: Decimal
    unit_code: str
    observation_rule: str
    maximum_reading: Decimal
    description: str | None = None
    import_id: str | None = None


def create_channel(db: Database, meter_id: int, fields: ChannelFields) -> int:
    """Create a channel on a meter; import ids are unique so readings can find their channel."""
    errors: dict[str, list[str]] = {}
    if fields.interval_minutes not in INTERVALS:
        errors["intervalMinutes"] = [f"intervalMinutes is one of {', '.join(map(str, INTERVALS))}."]
    rule = next((r for r in OBSERVATION_RULES if r.lower() == fields.observation_rule.lower()), None)
    if rule is None:
        errors["channelVersion.observationRule"] = [f"observationRule is one of {', '.join(OBSERVATION_RULES)}."]
    with db.transaction() as session:
        if fetch(session, Meter, meter_id) is None:
            raise NotFound("Meter", meter_id)
        observation_type_id = session.execute(
            select(ObservationType.observation_type_id).where(
                func.lower(ObservationType.observation_type_code) == fields.observation_type_code.lower()
            )
        ).scalar_one_or_none()
        if observation_type_id is None:
            errors["observationTypeCode"] = [f"Observation type '{fields.observation_type_code}' does not exist."]
        unit_id = session.execute(
            select(Unit.unit_id).where(func.lower(Unit.unit_code) == fields.unit_code.lower())
        ).scalar_one_or_none()
        if unit_id is None:
            errors["channelVersion.unitCode"] = [f"Unit '{fields.unit_code}' does not exist."]
        if fields.import_id:
            clash = select(Channel.channel_id).where(Channel.import_id == fields.import_id)
            if session.execute(clash).first():
                errors["channelImportId"] = [f"Channel import id '{fields.import_id}' is already in use."]
        if errors or observation_type_id is None or unit_id is None:
            raise ValidationFailed(errors)
        channel = Channel(
            meter_id=meter_id,
            channel_code=fields.observation_type_code.upper(),
            observation_type_id=observation_type_id,
            unit_id=unit_id,
            interval_minutes=fields.interval_minutes,
            multiplier=fields.multiplier,
            observation_rule=rule,
            maximum_reading=fields.maximum_reading,
            description=fields.description,
            import_id=fields.import_id or None,
        )
        session.add(channel)
        session.flush()
        return channel.channel_id


@cache
def _channels() -> Any:
    # Correlated lookups on the (channel_id, time) index: no scan of the readings table.
    first = select(func.min(Reading.time)).where(Reading.channel_id == Channel.channel_id).scalar_subquery()
    last = select(func.max(Reading.time)).where(Reading.channel_id == Channel.channel_id).scalar_subquery()
    ot = aliased(ObservationType)
    statement: Any = select(
        Channel,
        ot.observation_type_id.label("observation_type_id"),
        ot.observation_type_code.label("observation_type_code"),
        ot.observation_type_info.label("observation_type_info"),
        first.label("first_reading"),
        last.label("last_reading"),
    ).join(ot, ot.observation_type_id == Channel.observation_type_id)
    statement = join_unit_child(statement, Channel.unit_id, "unit")
    return join_meter_child(statement, Channel.meter_id, "meter").order_by(Channel.channel_id)


def list_channels(db: Database, meter_id: int, channel_id: int | None = None) -> list[RowMapping]:
    """A meter's channels with observation type (`observation_type_*`), unit (`unit_*`), meter (`meter_*`) and
    reading span (`first_reading`, `last_reading`, None without readings), by id."""
    statement = _channels().where(Channel.meter_id == meter_id)
    if channel_id is not None:
        statement = statement.where(Channel.channel_id == channel_id)
    with db.reading() as session:
        if fetch(session, Meter, meter_id) is None:
            raise NotFound("Meter", meter_id)
        return list(session.execute(statement).mappings())
