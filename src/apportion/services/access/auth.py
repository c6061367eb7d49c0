"""Who is calling: API keys to users, key minting and the bootstrap administrator."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from apportion.domain.errors import NotFound, PermissionDenied, RuleViolation, Unauthenticated, ValidationFailed
from apportion.domain.permissions import Grants
from apportion.domain.scoping import Scope
from apportion.store import credentials
from apportion.store.database import Database, DbSession
from apportion.store.queries import api_keys, users
from apportion.store.queries.users import UserValues


@dataclass(frozen=True)
class Principal:
    """The user behind a request's API key."""

    user_id: int
    user_code: str
    full_name: str
    grants: Grants
    scope: Scope = Scope.WHOLE

    def require(self, name: str, level: str, what: str = "operation") -> None:
        """PermissionDenied (403) unless the user holds `name` at `level`; `what` names the refused thing."""
        if not self.grants.allows(name, level):
            raise PermissionDenied(f"This {what} requires the {name} ({level}) permission.")


def hash_key(key: str) -> str:
    """SHA-256 hex digest of a key: keys are random and long, so a plain digest is enough."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    """A fresh key in EnergyCAP's three dot-separated parts shape (clients treat it as opaque)."""
    return ".".join(secrets.token_urlsafe(n) for n in (12, 24, 12))


def authenticate(db: Database, key: str | None) -> Principal:
    """Resolve an ECI-ApiKey header value, or raise Unauthenticated."""
    return principal(key_holder(db, key))


def key_holder(db: Database, key: str | None) -> credentials.Holder:
    """The active user holding `key` (and the key's id), or Unauthenticated."""
    if not key:
        raise Unauthenticated()
    with db.reading() as session:
        holder = credentials.key_holder(session, hash_key(key))
    if holder is None or not holder.active:
        raise Unauthenticated()
    return holder


def principal(holder: credentials.Holder) -> Principal:
    """The Principal a credential's holder acts as."""
    grants = Grants.from_document(holder.permissions)
    return Principal(holder.user_id, holder.user_code, holder.full_name, grants, holder.scope)


def principal_of(db: Database, user_code: str | None) -> Principal:
    """The active user with this code (case-insensitive), or the first user when None: who a CLI command acts as."""
    with db.reading() as session:
        user = users.acting_user(session, user_code)
    if user is None and user_code is not None:
        raise NotFound("User", user_code)
    if user is None:
        raise RuleViolation("No user exists yet: create one (apportion user create CODE -p Administrator).")
    return Principal(user.user_id, user.user_code, user.full_name, Grants.from_document(user.permissions), user.scope)


def create_user_with_key(
    db: Database, user_code: str, full_name: str, grants: Grants, now: datetime, key: str | None = None
) -> tuple[int, str]:
    """Create a user holding `grants` and one API key; returns (user id, the key in clear, shown once).

    The code must be new (compared without case) and, like the full name, hold something besides spaces and fit
    its column; otherwise ValidationFailed names `userCode` or `fullName` and nothing is written.
    """
    key = key or new_key()
    with db.transaction() as session:
        _check_new_user(session, user_code, full_name)
        values = UserValues(user_code, full_name, grants.to_document(), user_role_id=role_for(grants))
        user_id = users.insert_user(session, values, now)
        api_keys.insert_api_key(session, user_id, "Default", None, hash_key(key), now)
        return user_id, key


def role_for(grants: Grants) -> int:
    """The built-in role a user created with `grants` from the command line holds (services/access/users.ROLES):
    Administrator, No permissions, or Custom for grants named one by one."""
    if grants.administrator:
        return 1
    return 4 if grants.pairs else 3


def bootstrap_administrator(db: Database, key: str, now: datetime) -> bool:
    """Create an administrator with `key` when no user exists yet; returns whether one was created."""
    with db.reading() as session:
        if users.any_user(session):
            return False
    create_user_with_key(db, "admin", "Administrator", Grants.everything(), now, key)
    return True


def rotate_key(db: Database, user_code: str, now: datetime) -> str:
    """Replace every API key of the active user with this code by one new key (the old ones are refused from now
    on, their page sessions end); the new key in clear, shown once. NotFound for an unknown code."""
    key = new_key()
    with db.transaction() as session:
        user = users.acting_user(session, user_code)
        if user is None:
            raise NotFound("User", user_code)
        api_keys.delete_keys_of(session, user.user_id)
        api_keys.insert_api_key(session, user.user_id, "Default", None, hash_key(key), now)
    return key


def revoke_keys(db: Database, user_code: str) -> int:
    """Delete every API key of the active user with this code; how many it had. NotFound for an unknown code."""
    with db.transaction() as session:
        user = users.acting_user(session, user_code)
        if user is None:
            raise NotFound("User", user_code)
        return api_keys.delete_keys_of(session, user.user_id)


MAX_USER_CODE, MAX_FULL_NAME = 65, 32  # the users table's columns


def _check_new_user(session: DbSession, user_code: str, full_name: str) -> None:
    errors: dict[str, list[str]] = {}
    if not user_code.strip():
        errors["userCode"] = ["userCode must not be empty."]
    elif len(user_code) > MAX_USER_CODE:
        errors["userCode"] = [f"userCode must be at most {MAX_USER_CODE} characters."]
    elif users.code_taken(session, user_code):
        errors["userCode"] = [f"User code '{user_code}' is already in use."]
    if not full_name.strip():
        errors["fullName"] = ["fullName must not be empty."]
    elif len(full_name) > MAX_FULL_NAME:
        errors["fullName"] = [f"fullName must be at most {MAX_FULL_NAME} characters."]
    if errors:
        raise ValidationFailed(errors)
