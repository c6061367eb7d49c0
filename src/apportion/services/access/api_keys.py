"""API keys: create (the key is shown once, only its digest is kept), list and delete (effective at once)."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import RowMapping, func, select

from apportion.domain import filters, texts
from apportion.domain.errors import NotFound, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.services.access.auth import hash_key, new_key
from apportion.services.ids import fetch, parse_filter, require
from apportion.store.database import Database
from apportion.store.filtering import compile_filter
from apportion.store.models.users import ApiKey, User

FILTERS = filters.specs(
    FieldSpec("apiKeyId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("apiKeyName", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("apiKeyDescription", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("createdByUserCode", FieldType.STRING, filters.STRING_OPS),
)


@cache
def _select() -> Any:
    return select(
        ApiKey.api_key_id,
        ApiKey.name,
        ApiKey.description,
        ApiKey.created_date,
        User.user_id.label("created_user_id"),
        User.user_code.label("created_user_code"),
        User.full_name.label("created_full_name"),
    ).join(User, User.user_id == ApiKey.user_id)


def list_api_keys(db: Database, filter_text: str | None, today: date) -> list[RowMapping]:
    """Every API key (never the key itself) with the user who owns it, ordered by id."""
    conditions = parse_filter(filter_text, FILTERS)
    targets = {
        "apiKeyId": ApiKey.api_key_id,
        "apiKeyName": ApiKey.name,
        "apiKeyDescription": ApiKey.description,
        "createdByUserCode": User.user_code,
    }
    statement = _select().where(compile_filter(conditions, targets, today)).order_by(ApiKey.api_key_id)
    with db.reading() as session:
        return list(session.execute(statement).mappings())


def get_api_key(db: Database, api_key_id: int) -> RowMapping:
    """One API key row, or NotFound."""
    require(api_key_id, "API key")
    with db.reading() as session:
        row = session.execute(_select().where(ApiKey.api_key_id == api_key_id)).mappings().one_or_none()
    if row is None:
        raise NotFound("API key", api_key_id)
    return row


def create_api_key(db: Database, user_id: int, name: str, description: str | None, now: datetime) -> tuple[int, str]:
    """A new key for the caller (it carries the caller's permissions, domain.md §1.2): (id, key in clear)."""
    if not name.strip():
        raise ValidationFailed.single("apiKeyName", "apiKeyName must not be empty.")
    if errors := texts.too_long({"apiKeyDescription": (description, texts.MAX_NOTE)}):
        raise ValidationFailed(errors)
    key = new_key()
    with db.transaction() as session:
        clash = session.execute(
            select(ApiKey.api_key_id).where(ApiKey.user_id == user_id, func.lower(ApiKey.name) == name.lower())
        ).first()
        if clash:
            raise ValidationFailed.single("apiKeyName", f"You already have an API key named '{name}'.")
        row = ApiKey(user_id=user_id, name=name, description=description, key_hash=hash_key(key), created_date=now)
        session.add(row)
        session.flush()
        return row.api_key_id, key


def delete_api_key(db: Database, api_key_id: int) -> None:
    """Delete a key; the next request made with it is refused (401)."""
    with db.transaction() as session:
        row = fetch(session, ApiKey, api_key_id)
        if row is None:
            raise NotFound("API key", api_key_id)
        session.delete(row)
