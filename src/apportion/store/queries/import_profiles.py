"""Saved bill import profiles as typed values: find one by code or id, list, and create, change or delete them.

A profile's column mapping is kept as the JSON document of the importer's `ColumnMapping` fields; the service
turns it into one (the store does not import the importer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from apportion.store.models.imports import BillImportProfile

_COLUMNS = (BillImportProfile.profile_id, BillImportProfile.profile_code, BillImportProfile.column_mapping)


@dataclass(frozen=True)
class StoredProfile:
    """A saved profile: its id, code and column mapping document (empty for a header-driven profile)."""

    profile_id: int
    profile_code: str
    column_mapping: dict[str, Any]


def profile(session: Session, profile_id: int) -> StoredProfile | None:
    """One profile, or None."""
    row = session.execute(select(*_COLUMNS).where(BillImportProfile.profile_id == profile_id)).first()
    return None if row is None else StoredProfile(*row)


def profile_with_code(session: Session, code: str) -> StoredProfile | None:
    """The profile with this code without regard to case, or None."""
    statement = select(*_COLUMNS).where(func.lower(BillImportProfile.profile_code) == code.lower())
    row = session.execute(statement).one_or_none()
    return None if row is None else StoredProfile(*row)


def profiles(session: Session) -> list[StoredProfile]:
    """Every profile, by id."""
    rows = session.execute(select(*_COLUMNS).order_by(BillImportProfile.profile_id))
    return [StoredProfile(*row) for row in rows]


def code_in_use(session: Session, code: str, except_profile_id: int | None) -> bool:
    """Whether another profile has this code, without regard to case."""
    statement = select(BillImportProfile.profile_id).where(
        func.lower(BillImportProfile.profile_code) == code.lower(),
        BillImportProfile.profile_id != (except_profile_id or 0),
    )
    return session.execute(statement).first() is not None


def insert_profile(session: Session, code: str, mapping: dict[str, Any], user_id: int, now: datetime) -> int:
    """Save a new profile; its id."""
    statement = insert(BillImportProfile).values(
        profile_code=code, column_mapping=mapping, created_by=user_id, created_date=now
    )
    return session.execute(statement.returning(BillImportProfile.profile_id)).scalar_one()


def update_profile(session: Session, profile_id: int, code: str, mapping: dict[str, Any]) -> None:
    """Give a profile a new code and mapping."""
    session.execute(
        update(BillImportProfile)
        .where(BillImportProfile.profile_id == profile_id)
        .values(profile_code=code, column_mapping=mapping)
    )


def delete_profile(session: Session, profile_id: int) -> None:
    """Delete a profile (tasks that used it keep its code in their settings)."""
    session.execute(delete(BillImportProfile).where(BillImportProfile.profile_id == profile_id))
