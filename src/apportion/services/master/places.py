"""Places: the buildings and organizations tree under the root place; list, read, create, edit and delete."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import RowMapping, func, select
from sqlalchemy.orm import Session, aliased

from apportion.domain import filters
from apportion.domain.errors import NotFound, RuleViolation, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.services.child_columns import join_meter_child, join_place_child, join_place_type_child
from apportion.services.ids import fetch, parse_filter, require
from apportion.services.master.place_sizes import join_size_child
from apportion.store.database import Database
from apportion.store.filtering import compile_filter
from apportion.store.models.organisation import Meter, Place
from apportion.store.models.reference import PlaceType
from apportion.store.models.users import User
from apportion.store.paging import Page, paginate

FILTERS = filters.specs(
    FieldSpec("placeId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("placeCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("placeInfo", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("parentId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("placeTypeId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("placeTypeCode", FieldType.STRING, filters.STRING_OPS),
)


@dataclass(frozen=True)
class PlaceFields:
    """PlaceCreate/PlaceEdit as the service needs it (primaryUseId is accepted and ignored)."""

    place_code: str
    place_info: str
    parent_place_id: int
    place_type_id: int
    build_date: datetime | None = None
    line1: str | None = None
    line2: str | None = None
    line3: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    address_type_id: int | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    weather_station_code: str | None = None
    description: str | None = None


@lru_cache(maxsize=4)
def _select(today: date) -> Any:
    creator, modifier = aliased(User), aliased(User)
    statement: Any = (
        select(
            Place,
            creator.user_id.label("created_user_id"),
            creator.user_code.label("created_user_code"),
            creator.full_name.label("created_full_name"),
            modifier.user_id.label("modified_user_id"),
            modifier.user_code.label("modified_user_code"),
            modifier.full_name.label("modified_full_name"),
        )
        .outerjoin(creator, creator.user_id == Place.created_by)
        .outerjoin(modifier, modifier.user_id == Place.modified_by)
    )
    statement = join_place_child(statement, Place.parent_id, "parent")
    statement = join_place_type_child(statement, Place.place_type_id, "place_type")
    return join_size_child(statement, Place.place_id, today, "size")


def list_places(db: Database, filter_text: str | None, page_number: int, page_size: int, today: date) -> Page:
    """One page of places matching the filter, ordered by id, each with its current size."""
    conditions = parse_filter(filter_text, FILTERS)
    type_code = select(PlaceType.place_type_code).where(PlaceType.place_type_id == Place.place_type_id)
    targets = {
        "placeId": Place.place_id,
        "placeCode": Place.place_code,
        "placeInfo": Place.place_info,
        "parentId": Place.parent_id,
        "placeTypeId": Place.place_type_id,
        "placeTypeCode": type_code.scalar_subquery(),
    }
    statement = _select(today).where(compile_filter(conditions, targets, today)).order_by(Place.place_id)
    with db.reading() as session:
        return paginate(session, statement, page_number, page_size)


def get_place(db: Database, place_id: int, today: date) -> RowMapping:
    """One place with its parent, type, users and current size, or NotFound."""
    require(place_id, "Place")
    with db.reading() as session:
        row = session.execute(_select(today).where(Place.place_id == place_id)).mappings().one_or_none()
    if row is None:
        raise NotFound("Place", place_id)
    return row


@cache
def _children() -> Any:
    return join_place_child(select(Place.parent_id), Place.place_id).order_by(Place.place_id)


@cache
def _meters() -> Any:
    return join_meter_child(select(Meter.place_id), Meter.meter_id).order_by(Meter.meter_id)


def children_of(db: Database, ids: Sequence[int]) -> dict[int, list[RowMapping]]:
    """Child places (`place_*` columns) of each id, in one query."""
    statement = _children().where(Place.parent_id.in_(list(ids)))
    out: dict[int, list[RowMapping]] = {i: [] for i in ids}
    with db.reading() as session:
        for row in session.execute(statement).mappings():
            out[row["parent_id"]].append(row)
    return out


def meters_of(db: Database, ids: Sequence[int]) -> dict[int, list[RowMapping]]:
    """Meters (`meter_*` columns) at each place, in one query."""
    statement = _meters().where(Meter.place_id.in_(list(ids)))
    out: dict[int, list[RowMapping]] = {i: [] for i in ids}
    with db.reading() as session:
        for row in session.execute(statement).mappings():
            out[row["place_id"]].append(row)
    return out


def _check(session: Session, fields: PlaceFields, place_id: int | None, moves: bool = True) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not fields.place_code.strip():
        errors["placeCode"] = ["placeCode must not be empty."]
    else:
        clash = select(Place.place_id).where(
            func.lower(Place.place_code) == fields.place_code.lower(), Place.place_id != (place_id or 0)
        )
        if session.execute(clash).first():
            errors["placeCode"] = [f"Place code '{fields.place_code}' is already in use."]
    if not fields.place_info.strip():
        errors["placeInfo"] = ["placeInfo must not be empty."]
    if fields.address_type_id is not None and not 0 <= fields.address_type_id <= 2**31 - 1:
        errors["address.addressTypeId"] = ["addressTypeId is out of range."]
    if fetch(session, PlaceType, fields.place_type_id) is None:
        errors["placeTypeId"] = [f"Place type {fields.place_type_id} does not exist."]
    if fetch(session, Place, fields.parent_place_id) is None:
        errors["parentPlaceId"] = [f"Place {fields.parent_place_id} does not exist."]
    elif place_id is not None and moves and _would_loop(session, place_id, fields.parent_place_id):
        errors["parentPlaceId"] = [f"Place {fields.parent_place_id} is place {place_id} or one of its descendants."]
    return errors


def _would_loop(session: Session, place_id: int, new_parent_id: int) -> bool:
    """Whether `new_parent_id` is the place itself or below it (walk up from the new parent; trees are shallow)."""
    seen: set[int] = set()
    current: int | None = new_parent_id
    while current is not None and current not in seen:
        if current == place_id:
            return True
        seen.add(current)
        current = session.execute(select(Place.parent_id).where(Place.place_id == current)).scalar_one_or_none()
    return False


def _apply(place: Place, fields: PlaceFields) -> None:
    place.place_code = fields.place_code
    place.place_info = fields.place_info
    place.place_type_id = fields.place_type_id
    place.build_date = fields.build_date
    place.address = fields.line1
    place.line2 = fields.line2
    place.line3 = fields.line3
    place.city = fields.city
    place.state = fields.state
    place.postal_code = fields.postal_code
    place.country = fields.country
    place.address_type_id = fields.address_type_id
    place.latitude = fields.latitude
    place.longitude = fields.longitude
    place.weather_station_code = fields.weather_station_code
    place.description = fields.description


def create_place(db: Database, fields: PlaceFields, user_id: int, now: datetime) -> int:
    """Create a place under an existing parent; codes are unique (case-insensitive)."""
    with db.transaction() as session:
        errors = _check(session, fields, None)
        if errors:
            raise ValidationFailed(errors)
        place = Place(parent_id=fields.parent_place_id, created_by=user_id, created_date=now)
        _apply(place, fields)
        session.add(place)
        session.flush()
        return place.place_id


def edit_place(db: Database, place_id: int, fields: PlaceFields, user_id: int, now: datetime) -> None:
    """Replace a place's fields and parent (refusing a parent loop); the root place stays the root."""
    with db.transaction() as session:
        place = fetch(session, Place, place_id)
        if place is None:
            raise NotFound("Place", place_id)
        is_root = place.parent_id is None
        if is_root:
            # The topmost place has no parent; its parentPlaceId is not used (domain.md §2.2: tree via parent).
            fields = PlaceFields(**{**fields.__dict__, "parent_place_id": place_id})
        errors = _check(session, fields, place_id, moves=not is_root)
        if errors:
            raise ValidationFailed(errors)
        _apply(place, fields)
        place.parent_id = None if is_root else fields.parent_place_id
        place.modified_by = user_id
        place.modified_date = now


def delete_place(db: Database, place_id: int) -> None:
    """Delete a place that has no child places and no meters (its sizes go with it)."""
    with db.transaction() as session:
        place = fetch(session, Place, place_id)
        if place is None:
            raise NotFound("Place", place_id)
        if place.parent_id is None:
            raise RuleViolation("The topmost place cannot be deleted.")
        if session.execute(select(Place.place_id).where(Place.parent_id == place_id).limit(1)).first():
            raise RuleViolation(f"Place {place_id} has child places; delete or move them first.")
        if session.execute(select(Meter.meter_id).where(Meter.place_id == place_id).limit(1)).first():
            raise RuleViolation(f"Place {place_id} has meters; delete or move them first.")
        session.delete(place)
