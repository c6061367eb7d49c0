"""Places as typed values: the list, one place with its current size, child places and meters, and the writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from typing import NamedTuple

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from apportion.domain.filters import Condition
from apportion.domain.ids import in_range
from apportion.domain.scoping import Scope
from apportion.store import scoping
from apportion.store.filtering import compile_filter
from apportion.store.lookup import key_exists
from apportion.store.models.organisation import Meter, Place
from apportion.store.models.reference import PlaceType
from apportion.store.paging import TypedPage
from apportion.store.queries.children import (
    MeterChild,
    PlaceChild,
    PlaceTypeChild,
    UserChild,
    join_meter,
    join_place,
    join_place_type,
    join_user,
)
from apportion.store.queries.place_sizes import PlaceSizeRow, join_size
from apportion.store.queries.shaped import Shaped, grouped, present


@dataclass(frozen=True)
class PlaceValues:
    """A place's editable columns (`address` is its first address line)."""

    place_code: str
    place_info: str
    place_type_id: int
    build_date: datetime | None
    address: str | None
    line2: str | None
    line3: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    country: str | None
    address_type_id: int | None
    latitude: Decimal | None
    longitude: Decimal | None
    weather_station_code: str | None
    description: str | None


@dataclass(frozen=True)
class PlaceRow:
    """A place with its parent, type, users and current size."""

    place_id: int
    values: PlaceValues
    parent: PlaceChild | None
    place_type: PlaceTypeChild | None
    created_by: UserChild | None
    created_date: datetime | None
    modified_by: UserChild | None
    modified_date: datetime | None
    size: PlaceSizeRow | None


class PlaceKeys(NamedTuple):
    """A place's id and its parent's (None for the topmost place)."""

    place_id: int
    parent_id: int | None


def _values(p: Place) -> PlaceValues:
    return PlaceValues(
        place_code=p.place_code,
        place_info=p.place_info,
        place_type_id=p.place_type_id,
        build_date=p.build_date,
        address=p.address,
        line2=p.line2,
        line3=p.line3,
        city=p.city,
        state=p.state,
        postal_code=p.postal_code,
        country=p.country,
        address_type_id=p.address_type_id,
        latitude=p.latitude,
        longitude=p.longitude,
        weather_station_code=p.weather_station_code,
        description=p.description,
    )


@lru_cache(maxsize=4)
def _places(today: date) -> Shaped[PlaceRow]:
    statement, read_creator = join_user(select(Place), Place.created_by)
    statement, read_modifier = join_user(statement, Place.modified_by)
    statement, read_parent = join_place(statement, Place.parent_id)
    statement, read_type = join_place_type(statement, Place.place_type_id)
    statement, read_size = join_size(statement, Place.place_id, today)

    def read(row: RowMapping) -> PlaceRow:
        p: Place = row[Place]
        return PlaceRow(
            place_id=p.place_id,
            values=_values(p),
            parent=read_parent(row),
            place_type=read_type(row),
            created_by=read_creator(row),
            created_date=p.created_date,
            modified_by=read_modifier(row),
            modified_date=p.modified_date,
            size=read_size(row),
        )

    return Shaped(statement.order_by(Place.place_id), read)


def list_places(
    session: Session,
    conditions: Sequence[Condition],
    today: date,
    page_number: int,
    page_size: int,
    scope: Scope = Scope.WHOLE,
) -> TypedPage[PlaceRow]:
    """One page of places matching the conditions, by id, each with its size effective `today`."""
    type_code = select(PlaceType.place_type_code).where(PlaceType.place_type_id == Place.place_type_id)
    targets = {
        "placeId": Place.place_id,
        "placeCode": Place.place_code,
        "placeInfo": Place.place_info,
        "parentId": Place.parent_id,
        "placeTypeId": Place.place_type_id,
        "placeTypeCode": type_code.scalar_subquery(),
    }
    where = and_(compile_filter(conditions, targets, today), scoping.within(Place.place_id, scoping.place_ids(scope)))
    return _places(today).page(session, where, page_number, page_size)


def get_place(session: Session, place_id: int, today: date) -> PlaceRow | None:
    """One place with its size effective `today`, or None."""
    return _places(today).one(session, Place.place_id == place_id)


@cache
def _children() -> Shaped[tuple[int, PlaceChild]]:
    statement, read_place = join_place(select(Place.parent_id), Place.place_id)
    read_child = present(read_place, "place")
    return Shaped(statement.order_by(Place.place_id), lambda row: (row[Place.parent_id], read_child(row)))


@cache
def _meters() -> Shaped[tuple[int, MeterChild]]:
    statement, read_meter = join_meter(select(Meter.place_id), Meter.meter_id)
    read_child = present(read_meter, "meter")
    return Shaped(statement.order_by(Meter.meter_id), lambda row: (row[Meter.place_id], read_child(row)))


def children_of(session: Session, place_ids: Sequence[int], scope: Scope = Scope.WHOLE) -> dict[int, list[PlaceChild]]:
    """The child places (in `scope`) of each place, by id."""
    within = scoping.within(Place.place_id, scoping.place_ids(scope))
    return grouped(_children(), session, Place.parent_id, place_ids, within)


def meters_of(session: Session, place_ids: Sequence[int], scope: Scope = Scope.WHOLE) -> dict[int, list[MeterChild]]:
    """The meters (in `scope`) at each place, by id."""
    within = scoping.within(Meter.meter_id, scoping.meter_ids(scope))
    return grouped(_meters(), session, Meter.place_id, place_ids, within)


def place_exists(session: Session, place_id: int | None) -> bool:
    """Whether the place exists."""
    return key_exists(session, Place.place_id, place_id)


def place_type_exists(session: Session, place_type_id: int | None) -> bool:
    """Whether the place type exists."""
    return key_exists(session, PlaceType.place_type_id, place_type_id)


def place_keys(session: Session, place_id: int) -> PlaceKeys | None:
    """The place's id and parent, or None when it does not exist."""
    if not in_range(place_id):
        return None
    row = session.execute(select(Place.parent_id).where(Place.place_id == place_id)).first()
    return None if row is None else PlaceKeys(place_id, row.parent_id)


def parent_of(session: Session, place_id: int) -> int | None:
    """The place's parent (None for the topmost place or a place that does not exist)."""
    return session.execute(select(Place.parent_id).where(Place.place_id == place_id)).scalar_one_or_none()


def code_taken(session: Session, code: str, except_id: int | None) -> bool:
    """Whether another place has this code (compared without case)."""
    clash = select(Place.place_id).where(
        func.lower(Place.place_code) == code.lower(), Place.place_id != (except_id or 0)
    )
    return session.execute(clash).first() is not None


def has_children(session: Session, place_id: int) -> bool:
    """Whether any place has this one as its parent."""
    return session.execute(select(Place.place_id).where(Place.parent_id == place_id).limit(1)).first() is not None


def has_meters(session: Session, place_id: int) -> bool:
    """Whether any meter is at the place."""
    return session.execute(select(Meter.meter_id).where(Meter.place_id == place_id).limit(1)).first() is not None


def insert_place(session: Session, values: PlaceValues, parent_id: int, user_id: int, now: datetime) -> int:
    """Write a new place under `parent_id`; returns its id."""
    place = Place(**vars(values), parent_id=parent_id, created_by=user_id, created_date=now)
    session.add(place)
    session.flush()
    return place.place_id


def update_place(
    session: Session, place_id: int, values: PlaceValues, parent_id: int | None, user_id: int, now: datetime
) -> None:
    """Replace a place's editable columns and parent."""
    columns = {**vars(values), "parent_id": parent_id, "modified_by": user_id, "modified_date": now}
    session.execute(update(Place).where(Place.place_id == place_id).values(**columns))


def delete_place(session: Session, place_id: int) -> None:
    """Delete a place (its sizes go with it)."""
    session.execute(delete(Place).where(Place.place_id == place_id))
