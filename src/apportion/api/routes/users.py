"""Routes: the caller (GET /api/v3/me), users (GET /api/v3/user[/{userId}], POST /api/v202306/user, PUT
/api/v202306/user/{userId}), the available places and cost centers for topmost ids, and API keys
(POST/GET /api/v3/apiKey, DELETE /api/v3/apiKey/{apiKeyId})."""

from __future__ import annotations

import typing
from collections.abc import Sequence
from functools import cache
from typing import Annotated, Any

from fastapi import Depends, Response

from apportion.api.deps import ClockDep, CurrentUser, DatabaseDep, TodayDep, requires
from apportion.api.paging import FilterQuery
from apportion.api.render import cost_center_of, place_of, place_type_of, unit_of, user_of
from apportion.api.schemas.contract import (
    ApiKeyCreateRequest,
    ApiKeyCreateResponse,
    ApiKeyResponse,
    Me,
    Permissions,
    SystemUserRoleChild,
    TopmostCostCenter,
    TopmostPlace,
    UserCreateRequest,
    UserEditRequest,
    UserResponse,
)
from apportion.api.schemas.contract import CostCenterChild as CostCenterChildWire
from apportion.api.schemas.contract import PlaceChild as PlaceChildWire
from apportion.api.wire import WireRouter
from apportion.domain.permissions import LEVELS, Grants
from apportion.services.access import api_keys, scoping, users
from apportion.services.access.auth import Principal
from apportion.services.access.users import OwnTopmost
from apportion.store.queries.api_keys import ApiKeyRow
from apportion.store.queries.children import CostCenterChild as CostCenterRecord
from apportion.store.queries.children import PlaceChild as PlaceRecord
from apportion.store.queries.users import Topmost, UserRow

router = WireRouter(tags=["Users"])


@cache
def _permission_shapes() -> tuple[tuple[str, type[Any], tuple[str, ...]], ...]:
    """(Permissions field, permission model, its level fields): the model's class name is the permission name."""
    shapes = []
    for field, info in Permissions.model_fields.items():
        model = next(arg for arg in typing.get_args(info.annotation) if arg is not type(None))
        levels = tuple(level.lower() for level in LEVELS if level.lower() in model.model_fields)
        shapes.append((field, model, levels))
    return tuple(shapes)


def permissions_of(grants: Grants) -> Permissions:
    """Every permission object with each of its levels true or false from the caller's grants."""
    values: dict[str, Any] = {}
    for field, model, levels in _permission_shapes():
        name = model.__name__
        flags = {level: grants.allows(name, level.capitalize()) for level in levels}
        values[field] = model(**flags, permission_name=name, permission_code=name)
    return Permissions(**values)


def _topmost_place(scope: Topmost, own: Sequence[PlaceRecord] | None = None) -> TopmostPlace | None:
    """The user's topmost places (`own`), or the root place for a user not limited by place."""
    records = list(own) if own else ([scope.place] if scope.place is not None else [])
    places = [child for child in (place_of(record) for record in records) if child is not None]
    if not places:
        return None
    first = records[0]
    return TopmostPlace(
        is_multi_topmost_place=len(places) > 1,
        multi_topmost_places=places,
        place_id=first.place_id,
        place_code=first.place_code,
        place_info=first.place_info,
        place_type=place_type_of(first.place_type),
    )


def _topmost_cost_center(scope: Topmost, own: Sequence[CostCenterRecord] | None = None) -> TopmostCostCenter | None:
    """The user's topmost cost centers (`own`), or the root cost center for a user not limited by cost center."""
    records = list(own) if own else ([scope.cost_center] if scope.cost_center is not None else [])
    cost_centers = [child for child in (cost_center_of(record) for record in records) if child is not None]
    if not cost_centers:
        return None
    first = cost_centers[0]
    return TopmostCostCenter(
        is_multi_topmost_cost_center=len(cost_centers) > 1,
        multi_topmost_cost_centers=cost_centers,
        cost_center_id=first.cost_center_id,
        cost_center_code=first.cost_center_code,
        cost_center_info=first.cost_center_info,
    )


def _role(user: UserRow) -> SystemUserRoleChild | None:
    role = users.role_of(user.user_role_id)
    return SystemUserRoleChild(user_role_id=role.role_id, user_role_info=role.info) if role else None


def render_user(user: UserRow, scope: Topmost | None, own: OwnTopmost | None = None) -> UserResponse:
    """Wire form of a user; without a `scope` (no Users & Roles View) the restricted set of properties. `own` is
    the user's topmost places and cost centers (None in a tree: the root)."""
    own = own or OwnTopmost(None, None)
    if scope is None:
        return UserResponse(
            user_id=user.user_id, user_code=user.user_code, full_name=user.full_name, active=user.active
        )
    return UserResponse(
        user_id=user.user_id,
        user_code=user.user_code,
        full_name=user.full_name,
        user_role=_role(user),
        cost_center=_topmost_cost_center(scope, own.cost_centers),
        place=_topmost_place(scope, own.places),
        active_directory=user.active_directory,
        active=user.active,
        email=user.email,
        password_expiration_interval=user.password_expiration_interval,
        strong_password=user.strong_password,
        force_password_change=user.force_password_change,
        max_approval_amount=user.max_approval_amount,
        user_groups=[],
    )


@router.get("/api/v3/me", response_model=Me)
def me_method(db: DatabaseDep, principal: CurrentUser) -> Me:
    """Initial session starting point: the caller, its scope and its permissions."""
    user = users.get_user(db, principal.user_id)
    scope = users.topmost(db)
    own = users.own_topmost(db, user.scope)
    role = users.role_of(user.user_role_id)
    return Me(
        system_user_id=user.user_id,
        system_user_code=user.user_code,
        full_name=user.full_name,
        email=user.email,
        place=_topmost_place(scope, own.places),
        cost_center=_topmost_cost_center(scope, own.cost_centers),
        number_of_accounting_periods=12,
        fiscal_year_start_month=1,
        currency_unit=unit_of(scope.currency_unit),
        floor_area_unit=unit_of(scope.area_unit),
        user_role_name=role.info if role else ("Administrator" if principal.grants.administrator else None),
        permissions=permissions_of(principal.grants),
        feature_flags=[],
        environment="Apportion",
    )


@router.get("/api/v3/user", response_model=list[UserResponse])
def get_users(
    db: DatabaseDep, today: TodayDep, principal: CurrentUser, filter: FilterQuery = None
) -> list[UserResponse]:
    """Gets a list of users; without Users & Roles View only a restricted set of properties is returned."""
    full = principal.grants.allows("UsersAndUserGroups", "View")
    rows = users.list_users(db, filter, today)
    scope = users.topmost(db) if full else None
    return [render_user(row, scope, users.own_topmost(db, row.scope) if full else None) for row in rows]


@router.get("/api/v3/user/{userId}", response_model=UserResponse)
def get_user(
    db: DatabaseDep, userId: int, _: Annotated[Principal, Depends(requires("UsersAndUserGroups", "View"))]
) -> UserResponse:
    """Return a specific user and its properties."""
    return _full_user(db, userId)


def _full_user(db: DatabaseDep, user_id: int) -> UserResponse:
    user = users.get_user(db, user_id)
    return render_user(user, users.topmost(db), users.own_topmost(db, user.scope))


@router.post("/api/v202306/user", response_model=UserResponse)
def create_user(
    db: DatabaseDep,
    clock: ClockDep,
    body: UserCreateRequest,
    principal: Annotated[Principal, Depends(requires("UsersAndUserGroups", "Create"))],
) -> UserResponse:
    """Creates a user limited to its topmost places and cost centers (a root id: the whole tree; docs/scoping.md).
    Topmost collection ids are accepted and not kept."""
    user_id = users.create_user(db, _new_user(body), clock(), principal.scope)
    return _full_user(db, user_id)


@router.put("/api/v202306/user/{userId}", response_model=UserResponse)
def edit_user(
    db: DatabaseDep,
    userId: int,
    body: UserEditRequest,
    principal: Annotated[Principal, Depends(requires("UsersAndUserGroups", "Edit"))],
) -> UserResponse:
    """Edit an existing user: its settings, role and topmost places and cost centers; the password only when
    given."""
    users.edit_user(db, userId, _new_user(body), principal.scope)
    return _full_user(db, userId)


@router.post("/api/v3/hierarchy/costCenter/availablePlaces", response_model=list[PlaceChildWire])
def available_places_for_topmost_cost_centers(
    db: DatabaseDep,
    body: list[int],
    principal: Annotated[Principal, Depends(requires("UsersAndUserGroups", "View"))],
) -> list[PlaceChildWire]:
    """For a list of topmost cost centers, the topmost places holding their accounts' meters."""
    children = scoping.available_places(db, principal.scope, body)
    return [child for child in (place_of(record) for record in children) if child is not None]


@router.post("/api/v3/hierarchy/place/availableCostCenters", response_model=list[CostCenterChildWire])
def available_cost_centers_for_topmost_places(
    db: DatabaseDep,
    body: list[int],
    principal: Annotated[Principal, Depends(requires("UsersAndUserGroups", "View"))],
) -> list[CostCenterChildWire]:
    """For a list of topmost places, the topmost cost centers holding the accounts of their meters."""
    children = scoping.available_cost_centers(db, principal.scope, body)
    return [child for child in (cost_center_of(record) for record in children) if child is not None]


def _new_user(body: UserCreateRequest | UserEditRequest) -> users.NewUser:
    return users.NewUser(
        user_code=body.user_code,
        full_name=body.full_name,
        password=body.password or "",
        email=body.email,
        user_role_id=body.user_role_id,
        active=body.active if body.active is not None else True,
        active_directory=bool(body.active_directory),
        password_expiration_interval=body.password_expiration_interval,
        strong_password=body.strong_password,
        force_password_change=body.force_password_change,
        max_approval_amount=body.max_approval_amount,
        topmost_place_ids=tuple(body.topmost_place_ids),
        topmost_cost_center_ids=tuple(body.topmost_cost_center_ids),
    )


def render_key(key: ApiKeyRow) -> ApiKeyResponse:
    """Wire form of an API key (the key itself is never shown again)."""
    return ApiKeyResponse(
        api_key_id=key.api_key_id,
        api_key_name=key.name,
        api_key_description=key.description,
        created_by=user_of(key.created_by),
        created_date=key.created_date,
    )


@router.post("/api/v3/apiKey", response_model=ApiKeyCreateResponse)
def create_api_key(
    db: DatabaseDep,
    clock: ClockDep,
    body: ApiKeyCreateRequest,
    user: Annotated[Principal, Depends(requires("ApplicationSettings", "Manage"))],
) -> ApiKeyCreateResponse:
    """Create a new API key for the caller; the key is in this response only."""
    key_id, key = api_keys.create_api_key(db, user.user_id, body.api_key_name, body.api_key_description, clock())
    shown = render_key(api_keys.get_api_key(db, key_id))
    return ApiKeyCreateResponse(api_key=key, **shown.model_dump(by_alias=False))


@router.get("/api/v3/apiKey", response_model=list[ApiKeyResponse])
def get_api_keys(
    db: DatabaseDep,
    today: TodayDep,
    _: Annotated[Principal, Depends(requires("ApplicationSettings", "View"))],
    filter: FilterQuery = None,
) -> list[ApiKeyResponse]:
    """Get a list of all available API keys."""
    return [render_key(row) for row in api_keys.list_api_keys(db, filter, today)]


@router.delete("/api/v3/apiKey/{apiKeyId}", status_code=204)
def delete_api_key(
    db: DatabaseDep, apiKeyId: int, _: Annotated[Principal, Depends(requires("ApplicationSettings", "Manage"))]
) -> Response:
    """Delete an API key (204); it stops working at once."""
    api_keys.delete_api_key(db, apiKeyId)
    return Response(status_code=204)
