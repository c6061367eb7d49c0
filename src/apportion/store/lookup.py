"""Rows by an id from a request: none for an id no row can have, which PostgreSQL would refuse to compare."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from apportion.domain.ids import in_range

T = TypeVar("T")


def fetch(session: Session, model: type[T], ident: int | None) -> T | None:
    """session.get that answers None for an id no row can have."""
    return session.get(model, ident) if in_range(ident) else None


def key_exists(session: Session, key: InstrumentedAttribute[int], ident: int | None) -> bool:
    """Whether a row has `ident` in its key column (False for an id no row can have)."""
    return in_range(ident) and session.execute(select(key).where(key == ident)).first() is not None
