"""Place sizes as typed values: a place's floor-area versions, its current one, and the writes that chain them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, ScalarSelect, and_, case, delete, insert, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session, aliased

from apportion.store.models.organisation import PlaceSize
from apportion.store.models.reference import Unit
from apportion.store.paging import AnySelect
from apportion.store.queries.shaped import Key, Read, Shaped, labelled


@dataclass(frozen=True)
class PlaceSizeRow:
    """A floor-area version [begin_date, end_date) of a place (end None runs on), with its unit."""

    place_size_id: int
    begin_date: date
    end_date: date | None
    value: int
    unit_id: int | None
    unit_code: str
    unit_info: str | None


class SizeVersion(NamedTuple):
    """A size version's id and begin date."""

    place_size_id: int
    begin_date: date


class NewSize(NamedTuple):
    """A size version to write."""

    value: int
    unit_code: str
    begin_date: date
    end_date: date | None


def _current(place_id: Key, today: date) -> ScalarSelect[int]:
    """The id of the place's version effective `today`, else of its latest."""
    inner = aliased(PlaceSize)
    effective = and_(inner.begin_date <= today, or_(inner.end_date.is_(None), inner.end_date > today))
    return (
        select(inner.place_size_id)
        .where(inner.place_id == place_id)
        .order_by(case((effective, 0), else_=1), inner.begin_date.desc())
        .limit(1)
        .correlate_except(inner)
        .scalar_subquery()
    )


def _columns(size: Any, unit: Any) -> tuple[ColumnElement[Any], ...]:
    """A size version's columns in PlaceSizeRow's field order, labelled (shaped.py)."""
    return labelled(
        size.place_size_id, size.begin_date, size.end_date, size.value, unit.unit_id, size.unit_code, unit.unit_info
    )


def _reader(columns: tuple[ColumnElement[Any], ...]) -> Read[PlaceSizeRow | None]:
    def read(row: RowMapping) -> PlaceSizeRow | None:
        return None if row[columns[0]] is None else PlaceSizeRow(*(row[column] for column in columns))

    return read


def join_size(statement: AnySelect, place_id: Key, today: date) -> tuple[AnySelect, Read[PlaceSizeRow | None]]:
    """Add the place's current size: the version effective `today`, else its latest."""
    size, unit = aliased(PlaceSize), aliased(Unit)
    columns = _columns(size, unit)
    statement = (
        statement.outerjoin(size, size.place_size_id == _current(place_id, today))
        .outerjoin(unit, unit.unit_code == size.unit_code)
        .add_columns(*columns)
    )
    return statement, _reader(columns)


@cache
def _sizes() -> Shaped[PlaceSizeRow | None]:
    columns = _columns(PlaceSize, Unit)
    statement = select(*columns).outerjoin(Unit, Unit.unit_code == PlaceSize.unit_code)
    return Shaped(statement.order_by(PlaceSize.begin_date), _reader(columns))


def sizes_of(session: Session, place_id: int) -> list[PlaceSizeRow]:
    """Every size version of a place, in begin order."""
    return [size for size in _sizes().all(session, PlaceSize.place_id == place_id) if size is not None]


def get_size(session: Session, place_size_id: int) -> PlaceSizeRow | None:
    """One size version, or None."""
    return _sizes().one(session, PlaceSize.place_size_id == place_size_id)


def versions_of(session: Session, place_id: int) -> list[SizeVersion]:
    """A place's versions (id and begin date), in begin order."""
    rows = session.execute(
        select(PlaceSize.place_size_id, PlaceSize.begin_date)
        .where(PlaceSize.place_id == place_id)
        .order_by(PlaceSize.begin_date)
    )
    return [SizeVersion(ident, begin) for ident, begin in rows]


def end_version(session: Session, place_size_id: int, end_date: date) -> None:
    """Make a version end at `end_date`."""
    session.execute(update(PlaceSize).where(PlaceSize.place_size_id == place_size_id).values(end_date=end_date))


def insert_size(session: Session, place_id: int, size: NewSize) -> int:
    """Write one version; returns its id."""
    row = PlaceSize(place_id=place_id, **size._asdict())
    session.add(row)
    session.flush()
    return row.place_size_id


def replace_sizes(session: Session, place_id: int, sizes: Sequence[NewSize]) -> None:
    """Make `sizes` the place's whole size history."""
    session.execute(delete(PlaceSize).where(PlaceSize.place_id == place_id))
    if sizes:
        session.execute(insert(PlaceSize), [{"place_id": place_id, **size._asdict()} for size in sizes])
