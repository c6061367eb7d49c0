"""Readings: the channels a batch of readings names, and the write that replaces readings at the same times."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from apportion.store.models.organisation import Channel, Reading


class ReadingChannel(NamedTuple):
    """What saving a reading needs of its channel."""

    channel_id: int
    import_id: str | None
    maximum_reading: Decimal | None


class NewReading(NamedTuple):
    """A reading to save."""

    channel_id: int
    time: datetime
    value: Decimal
    estimated: bool
    note: str | None


def channels_named(session: Session, channel_ids: Sequence[int], import_ids: Sequence[str]) -> list[ReadingChannel]:
    """The channels with these ids or import ids."""
    rows = session.execute(
        select(Channel.channel_id, Channel.import_id, Channel.maximum_reading).where(
            or_(Channel.channel_id.in_(list(channel_ids)), Channel.import_id.in_(list(import_ids)))
        )
    )
    return [ReadingChannel(*row) for row in rows]


def replace_readings(session: Session, readings: Sequence[NewReading]) -> None:
    """Save readings, replacing what their channels already have at the same times (index channel_id, time)."""
    times: dict[int, list[datetime]] = {}
    for reading in readings:
        times.setdefault(reading.channel_id, []).append(reading.time)
    for channel_id, channel_times in times.items():
        for start in range(0, len(channel_times), 900):
            chunk = channel_times[start : start + 900]
            session.execute(delete(Reading).where(Reading.channel_id == channel_id, Reading.time.in_(chunk)))
    if readings:
        session.execute(insert(Reading), [reading._asdict() for reading in readings])
