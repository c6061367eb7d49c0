"""Idempotency keys: a processor or import request's key, reserved before it runs and answered from after.

The reservation is one INSERT ... ON CONFLICT DO NOTHING, so of two requests with the same key exactly one
reserves it, on both databases; the other reads the first one's answer once it is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from apportion.store.models.chargebacks import IdempotencyKey


@dataclass(frozen=True)
class KeyRecord:
    """A key as stored: the operation and request it was used for, and the answer (None while running)."""

    operation: str
    request_hash: str
    result: dict[str, Any] | None
    created_date: datetime


def reserve(session: Session, user_id: int, key: str, operation: str, request_hash: str, now: datetime) -> bool:
    """Reserve the key for this request; False when it is taken already (by this request or another)."""
    values = {
        "user_id": user_id,
        "key": key,
        "operation": operation,
        "request_hash": request_hash,
        "result": None,
        "created_date": now,
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(IdempotencyKey).values(**values).on_conflict_do_nothing()
    # RETURNING tells what happened on both databases (a rowcount of -1 would not).
    return session.execute(statement.returning(IdempotencyKey.key)).first() is not None


def find(session: Session, user_id: int, key: str) -> KeyRecord | None:
    """The key's record, if it was used."""
    row = session.execute(
        select(
            IdempotencyKey.operation, IdempotencyKey.request_hash, IdempotencyKey.result, IdempotencyKey.created_date
        ).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    ).one_or_none()
    if row is None:
        return None
    result = None if row.result is None else dict(row.result)
    return KeyRecord(row.operation, row.request_hash, result, row.created_date)


def complete(session: Session, user_id: int, key: str, result: dict[str, Any]) -> None:
    """Keep the answer of the request that reserved the key."""
    session.execute(
        update(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key).values(result=result)
    )


def release(session: Session, user_id: int, key: str) -> None:
    """Give the key back after its request failed, so a retry runs."""
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))


def take_over(session: Session, user_id: int, key: str, now: datetime, started_before: datetime) -> bool:
    """Take a reservation whose request has been running since before `started_before` (its process died)."""
    statement = (
        update(IdempotencyKey)
        .where(
            IdempotencyKey.user_id == user_id,
            IdempotencyKey.key == key,
            IdempotencyKey.created_date < started_before,
            IdempotencyKey.result.is_(None),
        )
        .values(created_date=now)
    )
    return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]
