"""Places: the buildings and organizations tree under the root place; list, read, create, edit and delete."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from apportion.domain import filters
from apportion.domain.errors import NotFound, RuleViolation, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.domain.ids import parse_filter, require
from apportion.domain.scoping import Scope
from apportion.services.master import auto_groups
from apportion.store.database import Database, DbSession
from apportion.store.paging import TypedPage
from apportion.store.queries import places as store
from apportion.store.queries.children import MeterChild, PlaceChild
from apportion.store.queries.places import PlaceRow, PlaceValues

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


def list_places(
    db: Database,
    filter_text: str | None,
    page_number: int,
    page_size: int,
    today: date,
    scope: Scope = Scope.WHOLE,
) -> TypedPage[PlaceRow]:
    """One page of places matching the filter, ordered by id, each with its current size."""
    conditions = parse_filter(filter_text, FILTERS)
    with db.reading() as session:
        return store.list_places(session, conditions, today, page_number, page_size, scope)


def get_place(db: Database, place_id: int, today: date) -> PlaceRow:
    """One place with its parent, type, users and current size, or NotFound."""
    require(place_id, "Place")
    with db.reading() as session:
        row = store.get_place(session, place_id, today)
    if row is None:
        raise NotFound("Place", place_id)
    return row


def children_of(db: Database, ids: Sequence[int], scope: Scope = Scope.WHOLE) -> dict[int, list[PlaceChild]]:
    """Child places of each id, in one query."""
    with db.reading() as session:
        return store.children_of(session, ids, scope)


def meters_of(db: Database, ids: Sequence[int], scope: Scope = Scope.WHOLE) -> dict[int, list[MeterChild]]:
    """Meters at each place, in one query."""
    with db.reading() as session:
        return store.meters_of(session, ids, scope)


def _check(session: DbSession, fields: PlaceFields, place_id: int | None, moves: bool = True) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not fields.place_code.strip():
        errors["placeCode"] = ["placeCode must not be empty."]
    elif store.code_taken(session, fields.place_code, place_id):
        errors["placeCode"] = [f"Place code '{fields.place_code}' is already in use."]
    if not fields.place_info.strip():
        errors["placeInfo"] = ["placeInfo must not be empty."]
    if fields.address_type_id is not None and not 0 <= fields.address_type_id <= 2**31 - 1:
        errors["address.addressTypeId"] = ["addressTypeId is out of range."]
    if not store.place_type_exists(session, fields.place_type_id):
        errors["placeTypeId"] = [f"Place type {fields.place_type_id} does not exist."]
    if not store.place_exists(session, fields.parent_place_id):
        errors["parentPlaceId"] = [f"Place {fields.parent_place_id} does not exist."]
    elif place_id is not None and moves and _would_loop(session, place_id, fields.parent_place_id):
        errors["parentPlaceId"] = [f"Place {fields.parent_place_id} is place {place_id} or one of its descendants."]
    return errors


def _would_loop(session: DbSession, place_id: int, new_parent_id: int) -> bool:
    """Whether `new_parent_id` is the place itself or below it (walk up from the new parent; trees are shallow)."""
    seen: set[int] = set()
    current: int | None = new_parent_id
    while current is not None and current not in seen:
        if current == place_id:
            return True
        seen.add(current)
        current = store.parent_of(session, current)
    return False


def _values(fields: PlaceFields) -> PlaceValues:
    return PlaceValues(
        place_code=fields.place_code,
        place_info=fields.place_info,
        place_type_id=fields.place_type_id,
        build_date=fields.build_date,
        address=fields.line1,
        line2=fields.line2,
        line3=fields.line3,
        city=fields.city,
        state=fields.state,
        postal_code=fields.postal_code,
        country=fields.country,
        address_type_id=fields.address_type_id,
        latitude=fields.latitude,
        longitude=fields.longitude,
        weather_station_code=fields.weather_station_code,
        description=fields.description,
    )


def create_place(db: Database, fields: PlaceFields, user_id: int, now: datetime) -> int:
    """Create a place under an existing parent; codes are unique (case-insensitive)."""
    with db.transaction() as session:
        errors = _check(session, fields, None)
        if errors:
            raise ValidationFailed(errors)
        return store.insert_place(session, _values(fields), fields.parent_place_id, user_id, now)


def edit_place(db: Database, place_id: int, fields: PlaceFields, user_id: int, now: datetime) -> None:
    """Replace a place's fields and parent (refusing a parent loop); the root place stays the root."""
    with db.transaction() as session:
        place = store.place_keys(session, place_id)
        if place is None:
            raise NotFound("Place", place_id)
        is_root = place.parent_id is None
        if is_root:
            # The topmost place has no parent; its parentPlaceId is not used (domain.md §2.2: tree via parent).
            fields = replace(fields, parent_place_id=place_id)
        errors = _check(session, fields, place_id, moves=not is_root)
        if errors:
            raise ValidationFailed(errors)
        parent_id = None if is_root else fields.parent_place_id
        store.update_place(session, place_id, _values(fields), parent_id, user_id, now)
        # A move or a new code changes the place facts of every meter under the place (domain/auto_groups.py).
        auto_groups.refresh(session, now)


def delete_place(db: Database, place_id: int) -> None:
    """Delete a place that has no child places and no meters (its sizes go with it)."""
    with db.transaction() as session:
        place = store.place_keys(session, place_id)
        if place is None:
            raise NotFound("Place", place_id)
        if place.parent_id is None:
            raise RuleViolation("The topmost place cannot be deleted.")
        if store.has_children(session, place_id):
            raise RuleViolation(f"Place {place_id} has child places; delete or move them first.")
        if store.has_meters(session, place_id):
            raise RuleViolation(f"Place {place_id} has meters; delete or move them first.")
        store.delete_place(session, place_id)
