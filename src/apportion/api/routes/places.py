"""Routes: places (GET/POST /api/v3/place, GET/PUT/DELETE /api/v3/place/{placeId}) and place sizes
(GET/POST/PUT /api/v3/place/{placeId}/size)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Response

from apportion.api.deps import ClockDep, DatabaseDep, TodayDep, requires
from apportion.api.paging import FilterQuery, PageRequest, page_request, set_paging_headers
from apportion.api.render import meter_of, place_of, place_size_of, place_type_of, user_of
from apportion.api.schemas.contract import (
    AddressChild,
    PlaceCreate,
    PlaceEdit,
    PlaceResponse,
    PlaceSizeChild,
    PlaceSizeCreate,
    WeatherStationChild,
)
from apportion.api.wire import WireRouter
from apportion.domain.scoping import Kind, Scope
from apportion.services.access import scoping
from apportion.services.access.auth import Principal
from apportion.services.master import place_sizes, places
from apportion.store.database import Database
from apportion.store.queries.place_sizes import PlaceSizeRow
from apportion.store.queries.places import PlaceRow

router = WireRouter(tags=["Places"])
Viewer = Annotated[Principal, Depends(requires("BuildingsAndOrganizations", "View"))]
Editor = Annotated[Principal, Depends(requires("BuildingsAndOrganizations", "Edit"))]


def render_places(db: Database, rows: list[PlaceRow], scope: Scope = Scope.WHOLE) -> list[PlaceResponse]:
    """Wire form of places with their child places and meters (in `scope`; two queries for the whole list)."""
    ids = [row.place_id for row in rows]
    children = places.children_of(db, ids, scope)
    meters = places.meters_of(db, ids, scope)
    out = []
    for row in rows:
        p = row.values
        address = AddressChild(
            address_type_id=p.address_type_id,
            line1=p.address,
            line2=p.line2,
            line3=p.line3,
            city=p.city,
            state=p.state,
            country=p.country,
            postal_code=p.postal_code,
            latitude=p.latitude,
            longitude=p.longitude,
        )
        out.append(
            PlaceResponse(
                place_id=row.place_id,
                place_code=p.place_code,
                place_info=p.place_info,
                parent=place_of(row.parent),
                place_type=place_type_of(row.place_type),
                created_date=row.created_date,
                created_by=user_of(row.created_by),
                modified_date=row.modified_date,
                modified_by=user_of(row.modified_by),
                address=address,
                build_date=p.build_date,
                weather_station=WeatherStationChild(station_code=p.weather_station_code)
                if p.weather_station_code
                else None,
                size=place_size_of(row.size),
                energy_star_enabled=False,
                places=[c for c in (place_of(child) for child in children[row.place_id]) if c is not None],
                meters=[m for m in (meter_of(meter) for meter in meters[row.place_id]) if m is not None],
                place_description=p.description,
            )
        )
    return out


def _fields(body: PlaceCreate | PlaceEdit) -> places.PlaceFields:
    a = body.address
    return places.PlaceFields(
        place_code=body.place_code,
        place_info=body.place_info,
        parent_place_id=body.parent_place_id,
        place_type_id=body.place_type_id,
        build_date=body.build_date,
        line1=a.line1 if a else None,
        line2=a.line2 if a else None,
        line3=a.line3 if a else None,
        city=a.city if a else None,
        state=a.state if a else None,
        postal_code=a.postal_code if a else None,
        country=a.country if a else None,
        address_type_id=a.address_type_id if a else None,
        latitude=a.latitude if a else None,
        longitude=a.longitude if a else None,
        weather_station_code=body.weather_station_code,
        description=body.place_description,
    )


@router.get("/api/v3/place", response_model=list[PlaceResponse])
def get_places(
    db: DatabaseDep,
    today: TodayDep,
    response: Response,
    viewer: Viewer,
    page: Annotated[PageRequest, Depends(page_request)],
    filter: FilterQuery = None,
) -> list[PlaceResponse]:
    """Retrieves all places."""
    result = places.list_places(db, filter, page.number, page.size, today, viewer.scope)
    set_paging_headers(response, page, result.total)
    return render_places(db, result.rows, viewer.scope)


@router.get("/api/v3/place/{placeId}", response_model=PlaceResponse)
def get_place(db: DatabaseDep, today: TodayDep, placeId: int, viewer: Viewer) -> PlaceResponse:
    """Retrieves one place."""
    return render_places(db, [places.get_place(db, placeId, today)], viewer.scope)[0]


@router.post("/api/v3/place", response_model=PlaceResponse)
def create_place(
    db: DatabaseDep,
    clock: ClockDep,
    today: TodayDep,
    body: PlaceCreate,
    user: Annotated[Principal, Depends(requires("BuildingsAndOrganizations", "Create"))],
) -> PlaceResponse:
    """Creates a place under an existing parent place."""
    scoping.require_body_ids(db, user.scope, [("parentPlaceId", Kind.PLACE, body.parent_place_id)])
    place_id = places.create_place(db, _fields(body), user.user_id, clock())
    return render_places(db, [places.get_place(db, place_id, today)])[0]


@router.put("/api/v3/place/{placeId}", response_model=PlaceResponse)
def edit_place(
    db: DatabaseDep, clock: ClockDep, today: TodayDep, placeId: int, body: PlaceEdit, user: Editor
) -> PlaceResponse:
    """Edits a place; a parent that is the place itself or below it is refused."""
    scoping.require_body_ids(db, user.scope, [("parentPlaceId", Kind.PLACE, body.parent_place_id)])
    places.edit_place(db, placeId, _fields(body), user.user_id, clock())
    return render_places(db, [places.get_place(db, placeId, today)])[0]


@router.delete("/api/v3/place/{placeId}", status_code=204)
def delete_place(
    db: DatabaseDep, placeId: int, _: Annotated[Principal, Depends(requires("BuildingsAndOrganizations", "Delete"))]
) -> Response:
    """Deletes a place without child places or meters (204)."""
    places.delete_place(db, placeId)
    return Response(status_code=204)


def _sizes(rows: list[PlaceSizeRow]) -> list[PlaceSizeChild]:
    return [s for s in (place_size_of(row) for row in rows) if s is not None]


def _size_input(body: PlaceSizeCreate) -> place_sizes.SizeInput:
    return place_sizes.SizeInput(body.begin_date.date(), body.value, body.unit_code)


@router.get("/api/v3/place/{placeId}/size", response_model=list[PlaceSizeChild])
def get_place_sizes(db: DatabaseDep, placeId: int, _: Viewer) -> list[PlaceSizeChild]:
    """Retrieves all place size records for a place, in begin order."""
    return _sizes(place_sizes.list_sizes(db, placeId))


@router.post("/api/v3/place/{placeId}/size", response_model=PlaceSizeChild)
def create_place_size(db: DatabaseDep, placeId: int, body: PlaceSizeCreate, _: Editor) -> PlaceSizeChild:
    """Creates a size version: the preceding one ends at its begin; it ends where the succeeding one begins."""
    size_id = place_sizes.create_size(db, placeId, _size_input(body))
    return _sizes([place_sizes.get_size(db, size_id)])[0]


@router.put("/api/v3/place/{placeId}/size", response_model=list[PlaceSizeChild])
def edit_place_size_list(db: DatabaseDep, placeId: int, body: list[PlaceSizeCreate], _: Editor) -> list[PlaceSizeChild]:
    """Replaces the place's size history with the given versions, chained by begin date."""
    return _sizes(place_sizes.replace_sizes(db, placeId, [_size_input(b) for b in body]))
