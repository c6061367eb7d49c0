"""Readings: POST /api/v3/reading saves the good readings and lists the failed ones with their reasons.

A group of readings finds its channel by channelId, else by channelImportId (models.md ReadingCreate); meter
import ids are not kept, so groups that name only a meterImportId fail. A reading at a time the channel already
has replaces it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from apportion.domain import texts
from apportion.domain.ids import known
from apportion.store.database import Database, DbSession
from apportion.store.queries import readings as store
from apportion.store.queries.readings import NewReading, ReadingChannel

FIRST_TIME, LAST_TIME = datetime(1899, 12, 31), datetime(3000, 1, 1)
USE_SCALE, MAX_VALUE = Decimal("0.000001"), Decimal(10) ** 18


@dataclass(frozen=True)
class ReadingValue:
    """One Reading of a ReadingCreate."""

    time: datetime
    value: Decimal
    estimated: bool = False
    note: str | None = None


@dataclass(frozen=True)
class ReadingGroup:
    """One ReadingCreate: where its readings go and the readings."""

    channel_id: int | None
    channel_import_id: str | None
    meter_import_id: str | None
    readings: Sequence[ReadingValue]
    interval_seconds: int | None = None
    observation_type_code: str | None = None
    unit_code: str | None = None


@dataclass
class FailedGroup:
    """The failed readings of one group: (reading, reason) pairs, or a reason for the whole group."""

    group: ReadingGroup
    error: str | None = None
    readings: list[tuple[ReadingValue, str]] = field(default_factory=list)


@dataclass
class ReadingResult:
    """How many readings were saved, and which failed."""

    imported: int = 0
    failed: list[FailedGroup] = field(default_factory=list)

    @property
    def failed_count(self) -> int:
        """Failed readings, counting every reading of a group that failed as a whole."""
        return sum(len(f.group.readings) if f.error else len(f.readings) for f in self.failed)


def _channels(
    session: DbSession, groups: Sequence[ReadingGroup]
) -> tuple[dict[int, ReadingChannel], dict[str, list[ReadingChannel]]]:
    ids = sorted(set(known(g.channel_id for g in groups)))
    import_ids = sorted({g.channel_import_id for g in groups if g.channel_id is None and g.channel_import_id})
    by_id: dict[int, ReadingChannel] = {}
    by_import: dict[str, list[ReadingChannel]] = {}
    for channel in store.channels_named(session, ids, import_ids):
        by_id[channel.channel_id] = channel
        if channel.import_id:
            by_import.setdefault(channel.import_id, []).append(channel)
    return by_id, by_import


def _resolve(
    group: ReadingGroup, by_id: dict[int, ReadingChannel], by_import: dict[str, list[ReadingChannel]]
) -> ReadingChannel | str:
    if group.channel_id is not None:
        return by_id.get(group.channel_id) or f"Channel {group.channel_id} does not exist."
    if group.channel_import_id:
        found = by_import.get(group.channel_import_id, [])
        if len(found) == 1:
            return found[0]
        return f"No single channel has import id '{group.channel_import_id}'."
    if group.meter_import_id:
        return "Meter import ids are not kept; give channelId or channelImportId."
    return "channelId or channelImportId is required."


def _problem(reading: ReadingValue, channel: ReadingChannel) -> str | None:
    if reading.note is not None and len(reading.note) > texts.MAX_NOTE:
        return f"note must be at most {texts.MAX_NOTE} characters."
    if not FIRST_TIME <= reading.time <= LAST_TIME:
        return f"time must lie between {FIRST_TIME:%Y-%m-%d} and {LAST_TIME:%Y-%m-%d}."
    value = reading.value
    if not value.is_finite() or abs(value) >= MAX_VALUE or value != value.quantize(USE_SCALE):
        return "value must be a number below 10^18 with at most 6 decimals."
    maximum = channel.maximum_reading
    if maximum and reading.value > maximum:
        return f"value {reading.value} exceeds the channel's maximum reading {maximum}."
    return None


def create_readings(db: Database, groups: Sequence[ReadingGroup]) -> ReadingResult:
    """Save every valid reading (replacing a reading at the same channel and time) in one transaction."""
    result = ReadingResult()
    with db.transaction() as session:
        by_id, by_import = _channels(session, groups)
        good: dict[tuple[int, datetime], ReadingValue] = {}
        for group in groups:
            channel = _resolve(group, by_id, by_import)
            if isinstance(channel, str):
                result.failed.append(FailedGroup(group, error=channel))
                continue
            failed = FailedGroup(group)
            for reading in group.readings:
                time = reading.time.replace(tzinfo=None)
                problem = _problem(reading, channel)
                if problem is None and (channel.channel_id, time) in good:
                    problem = f"Another reading in this request is for the same channel and time {time.isoformat()}."
                if problem:
                    failed.readings.append((reading, problem))
                else:
                    good[(channel.channel_id, time)] = reading
            if failed.readings:
                result.failed.append(failed)
        rows = [NewReading(c, t, r.value, bool(r.estimated), r.note) for (c, t), r in good.items()]
        store.replace_readings(session, rows)
        result.imported = len(rows)
    return result
