"""Users: the caller (GET /me), list, read and create, with built-in roles and scrypt password hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from apportion.domain import filters
from apportion.domain.errors import NotFound, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.domain.ids import parse_filter, require
from apportion.domain.permissions import CATALOGUE, Grants
from apportion.domain.scoping import Scope
from apportion.services.access import scoping
from apportion.store.database import Database, DbSession
from apportion.store.queries import users as store
from apportion.store.queries.children import CostCenterChild, PlaceChild
from apportion.store.queries.users import Topmost, UserRow, UserValues
from apportion.store.scoping import cost_center_children, place_children

FILTERS = filters.specs(
    FieldSpec("userId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("userCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("fullName", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("email", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("active", FieldType.BOOLEAN, filters.BOOLEAN_OPS),
)


@dataclass(frozen=True)
class Role:
    """A built-in user role: the grants a user created with it receives (docs/reference-data.md)."""

    role_id: int
    info: str
    grants: Grants


ROLES: dict[int, Role] = {
    1: Role(1, "Administrator", Grants.everything()),
    2: Role(
        2, "Read only", Grants(frozenset((name, "View") for name, levels in CATALOGUE.items() if "View" in levels))
    ),
    3: Role(3, "No permissions", Grants(frozenset())),
}
"""The roles a user can be given over the API."""

CUSTOM = Role(4, "Custom", Grants(frozenset()))
"""The role of a user whose grants were named one by one (`apportion user create -p NAME:LEVEL`): its grants are
its own, kept when it is edited with this role."""


@dataclass(frozen=True)
class NewUser:
    """UserCreateRequest / UserEditRequest as the service needs it; topmost ids naming a root leave that tree
    unlimited (docs/scoping.md), topmost collection ids are accepted and not kept."""

    user_code: str
    full_name: str
    password: str
    email: str
    user_role_id: int
    active: bool = True
    active_directory: bool = False
    password_expiration_interval: int | None = None
    strong_password: bool = False
    force_password_change: bool = False
    max_approval_amount: int | None = None
    topmost_place_ids: tuple[int, ...] = ()
    topmost_cost_center_ids: tuple[int, ...] = ()


MAX_INT = 2**31 - 1
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str, salt: bytes | None = None) -> str:
    """`scrypt$n$r$p$salt$digest` (base64 parts): the only form a password is kept in."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    b64 = base64.b64encode
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches a hash_password() value."""
    try:
        _name, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def is_strong(password: str) -> bool:
    """At least 8 characters drawn from 3 of: lower case, upper case, digits, other characters."""
    classes = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    return len(password) >= 8 and sum(classes) >= 3


def list_users(db: Database, filter_text: str | None, today: date) -> list[UserRow]:
    """Every user matching the filter, ordered by id."""
    conditions = parse_filter(filter_text, FILTERS)
    with db.reading() as session:
        return store.list_users(session, conditions, today)


def get_user(db: Database, user_id: int) -> UserRow:
    """One user, or NotFound."""
    require(user_id, "User")
    with db.reading() as session:
        row = store.get_user(session, user_id)
    if row is None:
        raise NotFound("User", user_id)
    return row


def topmost(db: Database) -> Topmost:
    """The whole-tree scope every user has (domain.md §1.10 [rec]): the root place and cost center, and the
    currency and floor-area units."""
    with db.reading() as session:
        return store.topmost(session)


@dataclass(frozen=True)
class OwnTopmost:
    """A user's topmost places and cost centers; None in a tree the user is not limited in."""

    places: list[PlaceChild] | None
    cost_centers: list[CostCenterChild] | None


def own_topmost(db: Database, scope: Scope) -> OwnTopmost:
    """The places and cost centers a user's scope names (nothing to read for an unlimited user)."""
    if scope.whole:
        return OwnTopmost(None, None)
    with db.reading() as session:
        places = None if scope.place_ids is None else place_children(session, sorted(scope.place_ids))
        cost_centers = (
            None if scope.cost_center_ids is None else cost_center_children(session, sorted(scope.cost_center_ids))
        )
    return OwnTopmost(places, cost_centers)


def role_of(user_role_id: int | None) -> Role | None:
    """The built-in role with this id, if any."""
    if user_role_id == CUSTOM.role_id:
        return CUSTOM
    return ROLES.get(user_role_id) if user_role_id is not None else None


def _validate(session: DbSession, user: NewUser, user_id: int | None = None, role_kept: bool = False) -> None:
    errors: dict[str, list[str]] = {}
    clash = store.code_taken(session, user.user_code, user_id)
    if not user.user_code.strip():
        errors["userCode"] = ["userCode must not be empty."]
    elif clash:
        errors["userCode"] = [f"User code '{user.user_code}' is already in use."]
    if not user.full_name.strip():
        errors["fullName"] = ["fullName must not be empty."]
    if not _EMAIL.match(user.email):
        errors["email"] = [f"'{user.email}' is not an email address."]
    if user.user_role_id not in ROLES and not role_kept:
        known = ", ".join(f"{r.role_id} ({r.info})" for r in ROLES.values())
        errors["userRoleId"] = [f"User role {user.user_role_id} does not exist. Roles: {known}."]
    if not user.password and user_id is None:
        errors["password"] = ["password must not be empty."]
    elif user.password and user.strong_password and not is_strong(user.password):
        errors["password"] = [
            "A strong password has at least 8 characters from 3 of: lower case, upper case, digits, symbols."
        ]
    for name, value in (
        ("passwordExpirationInterval", user.password_expiration_interval),
        ("maxApprovalAmount", user.max_approval_amount),
    ):
        if value is not None and not 0 <= value <= MAX_INT:
            errors[name] = [f"{name} must lie between 0 and {MAX_INT}."]
    if errors:
        raise ValidationFailed(errors)


def _values(user: NewUser, scope: Scope, permissions: dict[str, object]) -> UserValues:
    return UserValues(
        user_code=user.user_code,
        full_name=user.full_name,
        permissions=dict(permissions),
        email=user.email,
        active=user.active,
        password_hash=hash_password(user.password) if user.password else None,
        user_role_id=user.user_role_id,
        active_directory=user.active_directory,
        password_expiration_interval=user.password_expiration_interval,
        strong_password=user.strong_password,
        force_password_change=user.force_password_change,
        max_approval_amount=user.max_approval_amount,
        topmost_place_ids=None if scope.place_ids is None else sorted(scope.place_ids),
        topmost_cost_center_ids=None if scope.cost_center_ids is None else sorted(scope.cost_center_ids),
    )


def create_user(db: Database, user: NewUser, now: datetime, caller: Scope = Scope.WHOLE) -> int:
    """Create a user holding its role's grants, limited to its topmost places and cost centers (which must lie in
    the caller's scope); codes are unique (case-insensitive)."""
    with db.transaction() as session:
        _validate(session, user)
        scope = scoping.topmost_for(session, caller, user.topmost_place_ids, user.topmost_cost_center_ids)
        values = _values(user, scope, ROLES[user.user_role_id].grants.to_document())
        return store.insert_user(session, values, now)


def edit_user(db: Database, user_id: int, user: NewUser, caller: Scope = Scope.WHOLE) -> None:
    """Overwrite a user's settings, role and topmost ids (UserEditRequest); the password only when given. A user
    with the Custom role may keep it (and its own grants)."""
    require(user_id, "User")
    with db.transaction() as session:
        current = store.get_user(session, user_id)
        if current is None:
            raise NotFound("User", user_id)
        kept = user.user_role_id == CUSTOM.role_id == current.user_role_id
        _validate(session, user, user_id, role_kept=kept)
        scope = scoping.topmost_for(session, caller, user.topmost_place_ids, user.topmost_cost_center_ids)
        permissions = store.permissions_of(session, user_id) if kept else ROLES[user.user_role_id].grants.to_document()
        values = _values(user, scope, permissions)
        store.update_user(session, user_id, values, values.password_hash)
