"""API keys as typed values (never the key, nor its digest): the list, one key, name clashes; the writes (of the
digest only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import delete, func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from apportion.domain.filters import Condition
from apportion.store.filtering import compile_filter
from apportion.store.lookup import key_exists
from apportion.store.models.users import ApiKey, User
from apportion.store.queries.children import UserChild
from apportion.store.queries.shaped import Shaped


@dataclass(frozen=True)
class ApiKeyRow:
    """An API key's name and description, when it was made, and the user holding it."""

    api_key_id: int
    name: str
    description: str | None
    created_date: datetime
    created_by: UserChild


@cache
def _keys() -> Shaped[ApiKeyRow]:
    statement = select(
        ApiKey.api_key_id,
        ApiKey.name,
        ApiKey.description,
        ApiKey.created_date,
        User.user_id,
        User.user_code,
        User.full_name,
    )

    def read(row: RowMapping) -> ApiKeyRow:
        holder = UserChild(row[User.user_id], row[User.user_code], row[User.full_name])
        return ApiKeyRow(
            row[ApiKey.api_key_id], row[ApiKey.name], row[ApiKey.description], row[ApiKey.created_date], holder
        )

    return Shaped(statement.join(User, User.user_id == ApiKey.user_id).order_by(ApiKey.api_key_id), read)


def list_api_keys(session: Session, conditions: Sequence[Condition], today: date) -> list[ApiKeyRow]:
    """Every API key matching the conditions, by id."""
    targets = {
        "apiKeyId": ApiKey.api_key_id,
        "apiKeyName": ApiKey.name,
        "apiKeyDescription": ApiKey.description,
        "createdByUserCode": User.user_code,
    }
    return _keys().all(session, compile_filter(conditions, targets, today))


def get_api_key(session: Session, api_key_id: int) -> ApiKeyRow | None:
    """One API key, or None."""
    return _keys().one(session, ApiKey.api_key_id == api_key_id)


def name_taken(session: Session, user_id: int, name: str) -> bool:
    """Whether the user has a key with this name (compared without case)."""
    clash = select(ApiKey.api_key_id).where(ApiKey.user_id == user_id, func.lower(ApiKey.name) == name.lower())
    return session.execute(clash).first() is not None


def insert_api_key(
    session: Session, user_id: int, name: str, description: str | None, key_hash: str, now: datetime
) -> int:
    """Write an API key (its digest only) for the user; returns its id."""
    row = ApiKey(user_id=user_id, name=name, description=description, key_hash=key_hash, created_date=now)
    session.add(row)
    session.flush()
    return row.api_key_id


def api_key_exists(session: Session, api_key_id: int) -> bool:
    """Whether the API key exists."""
    return key_exists(session, ApiKey.api_key_id, api_key_id)


def delete_api_key(session: Session, api_key_id: int) -> None:
    """Delete an API key (the page sessions signed in with it go with it)."""
    session.execute(delete(ApiKey).where(ApiKey.api_key_id == api_key_id))


def delete_keys_of(session: Session, user_id: int) -> int:
    """Delete every API key of the user (their page sessions go with them); how many there were."""
    result = session.execute(delete(ApiKey).where(ApiKey.user_id == user_id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
