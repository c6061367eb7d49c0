"""API keys: create (the key is shown once, only its digest is kept), list and delete (effective at once)."""

from __future__ import annotations

from datetime import date, datetime

from apportion.domain import filters, texts
from apportion.domain.errors import NotFound, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.domain.ids import parse_filter, require
from apportion.services.access.auth import hash_key, new_key
from apportion.store.database import Database
from apportion.store.queries import api_keys as store
from apportion.store.queries.api_keys import ApiKeyRow

FILTERS = filters.specs(
    FieldSpec("apiKeyId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("apiKeyName", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("apiKeyDescription", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("createdByUserCode", FieldType.STRING, filters.STRING_OPS),
)


def list_api_keys(db: Database, filter_text: str | None, today: date) -> list[ApiKeyRow]:
    """Every API key (never the key itself) with the user who owns it, ordered by id."""
    conditions = parse_filter(filter_text, FILTERS)
    with db.reading() as session:
        return store.list_api_keys(session, conditions, today)


def get_api_key(db: Database, api_key_id: int) -> ApiKeyRow:
    """One API key, or NotFound."""
    require(api_key_id, "API key")
    with db.reading() as session:
        row = store.get_api_key(session, api_key_id)
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
        if store.name_taken(session, user_id, name):
            raise ValidationFailed.single("apiKeyName", f"You already have an API key named '{name}'.")
        return store.insert_api_key(session, user_id, name, description, hash_key(key), now), key


def delete_api_key(db: Database, api_key_id: int) -> None:
    """Delete a key; the next request made with it is refused (401)."""
    with db.transaction() as session:
        if not store.api_key_exists(session, api_key_id):
            raise NotFound("API key", api_key_id)
        store.delete_api_key(session, api_key_id)
