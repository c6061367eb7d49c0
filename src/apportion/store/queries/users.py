"""Users as typed values: the list, one user, a user acting from the command line, the whole-tree scope every
user has; code clashes and the write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from apportion.domain.filters import Condition
from apportion.domain.scoping import Scope
from apportion.store.filtering import compile_filter
from apportion.store.models.organisation import CostCenter, Place
from apportion.store.models.reference import Unit
from apportion.store.models.users import User
from apportion.store.queries.children import CostCenterChild, PlaceChild, UnitChild, join_place_type


@dataclass(frozen=True)
class UserRow:
    """A user and the settings kept with it (never its password hash)."""

    user_id: int
    user_code: str
    full_name: str
    email: str | None
    active: bool
    user_role_id: int | None
    active_directory: bool
    password_expiration_interval: int | None
    strong_password: bool
    force_password_change: bool
    max_approval_amount: int | None
    topmost_place_ids: list[int] | None = None
    topmost_cost_center_ids: list[int] | None = None

    @property
    def scope(self) -> Scope:
        """The user's data scope (domain/scoping.py)."""
        return Scope.of(self.topmost_place_ids, self.topmost_cost_center_ids)


@dataclass(frozen=True)
class UserValues:
    """A new user's columns; `permissions` is its grants' document."""

    user_code: str
    full_name: str
    permissions: dict[str, Any]
    email: str | None = None
    active: bool = True
    password_hash: str | None = None
    user_role_id: int | None = None
    active_directory: bool = False
    password_expiration_interval: int | None = None
    strong_password: bool = False
    force_password_change: bool = False
    max_approval_amount: int | None = None
    topmost_place_ids: list[int] | None = None
    topmost_cost_center_ids: list[int] | None = None


class Acting(NamedTuple):
    """An active user and the permissions document it acts with."""

    user_id: int
    user_code: str
    full_name: str
    permissions: dict[str, Any]
    scope: Scope = Scope.WHOLE


@dataclass(frozen=True)
class Topmost:
    """The whole-tree scope: the root place (with its type) and cost center, the currency and floor-area units."""

    place: PlaceChild | None
    cost_center: CostCenterChild | None
    currency_unit: UnitChild | None
    area_unit: UnitChild | None


_USER = (
    User.user_id,
    User.user_code,
    User.full_name,
    User.email,
    User.active,
    User.user_role_id,
    User.active_directory,
    User.password_expiration_interval,
    User.strong_password,
    User.force_password_change,
    User.max_approval_amount,
    User.topmost_place_ids,
    User.topmost_cost_center_ids,
)


def list_users(session: Session, conditions: Sequence[Condition], today: date) -> list[UserRow]:
    """Every user matching the conditions, by id."""
    targets = {
        "userId": User.user_id,
        "userCode": User.user_code,
        "fullName": User.full_name,
        "email": User.email,
        "active": User.active,
    }
    statement = select(*_USER).where(compile_filter(conditions, targets, today)).order_by(User.user_id)
    return [UserRow(*row) for row in session.execute(statement)]


def get_user(session: Session, user_id: int) -> UserRow | None:
    """One user, or None."""
    row = session.execute(select(*_USER).where(User.user_id == user_id)).one_or_none()
    return None if row is None else UserRow(*row)


def acting_user(session: Session, user_code: str | None) -> Acting | None:
    """The active user with this code (compared without case), or the first active user when None."""
    statement = select(
        User.user_id,
        User.user_code,
        User.full_name,
        User.permissions,
        User.topmost_place_ids,
        User.topmost_cost_center_ids,
    ).where(User.active.is_(True))
    if user_code is None:
        statement = statement.order_by(User.user_id).limit(1)
    else:
        statement = statement.where(func.lower(User.user_code) == user_code.lower())
    row = session.execute(statement).first()
    if row is None:
        return None
    scope = Scope.of(row.topmost_place_ids, row.topmost_cost_center_ids)
    return Acting(row.user_id, row.user_code, row.full_name, row.permissions or {}, scope)


def scope_of(session: Session, user_id: int | None) -> Scope:
    """The topmost places and cost centers the user is limited to: the whole tree for no user (work the system does
    itself), nothing for a user id no longer stored (what a gone user started reaches no record)."""
    if user_id is None:
        return Scope.WHOLE
    row = session.execute(
        select(User.topmost_place_ids, User.topmost_cost_center_ids).where(User.user_id == user_id)
    ).first()
    return Scope.NOTHING if row is None else Scope.of(row.topmost_place_ids, row.topmost_cost_center_ids)


def any_user(session: Session) -> bool:
    """Whether any user exists."""
    return bool(session.execute(select(func.count()).select_from(User)).scalar_one())


def code_taken(session: Session, user_code: str, except_id: int | None = None) -> bool:
    """Whether a user (other than `except_id`) has this code (compared without case)."""
    clash = select(User.user_id).where(func.lower(User.user_code) == user_code.lower())
    if except_id is not None:
        clash = clash.where(User.user_id != except_id)
    return session.execute(clash).first() is not None


def insert_user(session: Session, user: UserValues, now: datetime) -> int:
    """Write a new user; returns its id."""
    row = User(**vars(user), created_date=now)
    session.add(row)
    session.flush()
    return row.user_id


def permissions_of(session: Session, user_id: int) -> dict[str, Any]:
    """A user's grants document."""
    return dict(session.execute(select(User.permissions).where(User.user_id == user_id)).scalar_one() or {})


def update_user(session: Session, user_id: int, user: UserValues, password_hash: str | None) -> None:
    """Overwrite a user's settings (its password only when `password_hash` is given)."""
    values = {key: value for key, value in vars(user).items() if key != "password_hash"}
    if password_hash is not None:
        values["password_hash"] = password_hash
    session.execute(update(User).where(User.user_id == user_id).values(**values))


def topmost(session: Session) -> Topmost:
    """The root place and cost center (the lowest ids without a parent), and the USD and SQFEET units."""
    statement, read_type = join_place_type(
        select(Place.place_id, Place.place_code, Place.place_info), Place.place_type_id
    )
    place_row = (
        session.execute(statement.where(Place.parent_id.is_(None)).order_by(Place.place_id).limit(1)).mappings().first()
    )
    place = None
    if place_row is not None:
        place = PlaceChild(
            place_row[Place.place_id], place_row[Place.place_code], place_row[Place.place_info], read_type(place_row)
        )
    cost_center_row = session.execute(
        select(CostCenter.cost_center_id, CostCenter.cost_center_code, CostCenter.cost_center_info)
        .where(CostCenter.parent_id.is_(None))
        .order_by(CostCenter.cost_center_id)
        .limit(1)
    ).first()
    cost_center = None if cost_center_row is None else CostCenterChild(*cost_center_row)
    units = {
        code: UnitChild(unit_id, code, info)
        for unit_id, code, info in session.execute(
            select(Unit.unit_id, Unit.unit_code, Unit.unit_info).where(Unit.unit_code.in_(("USD", "SQFEET")))
        )
    }
    return Topmost(place, cost_center, units.get("USD"), units.get("SQFEET"))
