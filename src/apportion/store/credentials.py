"""Credentials: who an API key's digest or a page session's token digest belongs to, and the pages' signing key.

Only digests are stored: a key or a session token in clear never reaches the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from apportion.domain.scoping import Scope
from apportion.store.models.users import ApiKey, PageSession, PageSigningKey, User

SIGNING_KEY_ID = 1


@dataclass(frozen=True)
class Holder:
    """The user holding a credential, with the API key it is (or, for a page session, was signed in with)."""

    user_id: int
    user_code: str
    full_name: str
    permissions: dict[str, Any]
    active: bool
    api_key_id: int
    scope: Scope = Scope.WHOLE


@dataclass(frozen=True)
class SessionHolder:
    """A page session and its user."""

    session_id: int
    last_seen: datetime
    holder: Holder


_HOLDER = (
    User.user_id,
    User.user_code,
    User.full_name,
    User.permissions,
    User.active,
    ApiKey.api_key_id,
    User.topmost_place_ids,
    User.topmost_cost_center_ids,
)


def _holder(row: Any) -> Holder:
    scope = Scope.of(row.topmost_place_ids, row.topmost_cost_center_ids)
    return Holder(
        row.user_id, row.user_code, row.full_name, row.permissions or {}, bool(row.active), row.api_key_id, scope
    )


# Every API request runs this: built once, so SQLAlchemy finds its compiled form without walking a new statement.
_KEY_HOLDER = select(*_HOLDER).join(ApiKey, ApiKey.user_id == User.user_id).where(ApiKey.key_hash == bindparam("key"))


def key_holder(session: Session, key_hash: str) -> Holder | None:
    """The user whose API key has this digest (active or not), or None."""
    # Through the connection: a Core result, without the ORM's per-statement handling.
    row = session.connection().execute(_KEY_HOLDER, {"key": key_hash}).one_or_none()
    return None if row is None else _holder(row)


def session_holder(session: Session, token_hash: str) -> SessionHolder | None:
    """The page session whose token has this digest, with its user, or None."""
    row = session.execute(
        select(PageSession.session_id, PageSession.last_seen, *_HOLDER)
        .join(User, User.user_id == PageSession.user_id)
        .join(ApiKey, ApiKey.api_key_id == PageSession.api_key_id)
        .where(PageSession.token_hash == token_hash)
    ).one_or_none()
    return None if row is None else SessionHolder(row.session_id, row.last_seen, _holder(row))


def add_session(session: Session, token_hash: str, holder: Holder, now: datetime) -> None:
    """Record a new page session for `holder`."""
    session.add(
        PageSession(
            token_hash=token_hash, user_id=holder.user_id, api_key_id=holder.api_key_id, created_date=now, last_seen=now
        )
    )


def touch_session(session: Session, session_id: int, now: datetime) -> None:
    """Mark the session as used at `now`."""
    session.execute(update(PageSession).where(PageSession.session_id == session_id).values(last_seen=now))


def remove_session(session: Session, token_hash: str) -> None:
    """End the session whose token has this digest (nothing happens if there is none)."""
    session.execute(delete(PageSession).where(PageSession.token_hash == token_hash))


def remove_idle_sessions(session: Session, last_seen_before: datetime) -> None:
    """End every session not used since `last_seen_before`."""
    session.execute(delete(PageSession).where(PageSession.last_seen < last_seen_before))


def signing_secret(session: Session, candidate: str, now: datetime) -> str:
    """The pages' signing secret; `candidate` becomes it when there is none yet (the first writer wins a race)."""
    found = session.execute(select(PageSigningKey.secret).where(PageSigningKey.key_id == SIGNING_KEY_ID)).scalar()
    if found is not None:
        return str(found)
    values = {"key_id": SIGNING_KEY_ID, "secret": candidate, "created_date": now}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(PageSigningKey).values(**values).on_conflict_do_nothing(index_elements=["key_id"]))
    return str(
        session.execute(select(PageSigningKey.secret).where(PageSigningKey.key_id == SIGNING_KEY_ID)).scalar_one()
    )
