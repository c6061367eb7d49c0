"""Meter channels: each carries readings of one observation type in one unit (a single channel version)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from apportion.domain.errors import NotFound, ValidationFailed
from apportion.store.database import Database
from apportion.store.queries import channels as store
from apportion.store.queries import meters, reference
from apportion.store.queries.channels import ChannelRow, NewChannel

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
        if not meters.meter_exists(session, meter_id):
            raise NotFound("Meter", meter_id)
        observation_type_id = reference.observation_type_id_of(session, fields.observation_type_code)
        if observation_type_id is None:
            errors["observationTypeCode"] = [f"Observation type '{fields.observation_type_code}' does not exist."]
        unit_id = reference.unit_id_of(session, fields.unit_code)
        if unit_id is None:
            errors["channelVersion.unitCode"] = [f"Unit '{fields.unit_code}' does not exist."]
        if fields.import_id and store.import_id_taken(session, fields.import_id):
            errors["channelImportId"] = [f"Channel import id '{fields.import_id}' is already in use."]
        if errors or observation_type_id is None or unit_id is None:
            raise ValidationFailed(errors)
        channel = NewChannel(
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
        return store.insert_channel(session, channel)


def list_channels(db: Database, meter_id: int, channel_id: int | None = None) -> list[ChannelRow]:
    """A meter's channels with observation type, unit, meter and reading span (the first and last reading's time,
    None without readings), by id."""
    with db.reading() as session:
        if not meters.meter_exists(session, meter_id):
            raise NotFound("Meter", meter_id)
        return store.channels_of(session, meter_id, channel_id)
