"""Bill import profiles: list, read, create, edit and delete saved column mappings (domain.md §2.5, §3.9).

A profile's mapping is stored with the importer's field names (`ColumnMapping`); a profile without a mapping
reads files by their header names, as the built-in STANDARD profile does. STANDARD itself is not stored and
its code cannot be taken.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from apportion.domain.errors import NotFound, RuleViolation, ValidationFailed
from apportion.importer.profiles import (
    STANDARD,
    STANDARD_CODE,
    ColumnMapping,
    ImportProfile,
    ObservationColumn,
    check_column_mapping,
)
from apportion.services import ids
from apportion.store.database import Database
from apportion.store.models.imports import BillImportProfile

MAX_CODE = 64


def mapping_from_document(document: dict[str, Any] | None) -> ColumnMapping | None:
    """The stored JSON of a mapping as a `ColumnMapping` (None for a header-driven profile)."""
    if not document:
        return None
    fields = dict(document)
    observations = fields.pop("observations", None)
    return ColumnMapping(
        **fields,
        observations=None if observations is None else tuple(ObservationColumn(**o) for o in observations),
    )


def _document(mapping: ColumnMapping | None) -> dict[str, Any]:
    return {} if mapping is None else asdict(mapping)


def profile_in(session: Session, code: str | None) -> ImportProfile:
    """The profile an import names: STANDARD when absent or "STANDARD", else the stored one (400 if unknown)."""
    if code is None or not code.strip() or code.strip().casefold() == STANDARD_CODE.casefold():
        return STANDARD
    row = session.execute(
        select(BillImportProfile).where(func.lower(BillImportProfile.profile_code) == code.strip().lower())
    ).scalar_one_or_none()
    if row is None:
        raise ValidationFailed.single("profileCode", f"Bill import profile '{code}' does not exist.")
    return ImportProfile(row.profile_code, mapping_from_document(row.column_mapping))


@dataclass(frozen=True)
class SavedProfile:
    """A stored profile: id, code and mapping (None = columns found by header name)."""

    profile_id: int
    profile_code: str
    column_mapping: ColumnMapping | None


def _saved(row: BillImportProfile) -> SavedProfile:
    return SavedProfile(row.profile_id, row.profile_code, mapping_from_document(row.column_mapping))


def list_profiles(db: Database) -> list[SavedProfile]:
    """Every saved profile, by id."""
    with db.reading() as session:
        rows = session.execute(select(BillImportProfile).order_by(BillImportProfile.profile_id)).scalars()
        return [_saved(row) for row in rows]


def get_profile(db: Database, profile_id: int) -> SavedProfile:
    """One profile, or NotFound."""
    with db.reading() as session:
        row = ids.fetch(session, BillImportProfile, profile_id)
        if row is None:
            raise NotFound("Bill import profile", profile_id)
        return _saved(row)


def _checked(session: Session, code: str, except_id: int | None) -> str:
    code = (code or "").strip()
    if not code:
        raise ValidationFailed.single("profileCode", "The profileCode field is required.")
    if len(code) > MAX_CODE:
        raise ValidationFailed.single("profileCode", f"profileCode is at most {MAX_CODE} characters.")
    if code.casefold() == STANDARD_CODE.casefold():
        raise RuleViolation(f"Profile code '{STANDARD_CODE}' is the built-in profile's.", "profileCode")
    clash = session.execute(
        select(BillImportProfile.profile_id).where(
            func.lower(BillImportProfile.profile_code) == code.lower(),
            BillImportProfile.profile_id != (except_id or 0),
        )
    ).first()
    if clash:
        raise RuleViolation(f"Profile code '{code}' is already in use.", "profileCode")
    return code


def create_profile(db: Database, code: str, mapping: ColumnMapping | None, user_id: int, now: datetime) -> int:
    """Save a new profile; codes are unique without regard to case."""
    mapping = check_column_mapping(mapping) if mapping is not None else None
    with db.transaction() as session:
        row = BillImportProfile(
            profile_code=_checked(session, code, None),
            column_mapping=_document(mapping),
            created_by=user_id,
            created_date=now,
        )
        session.add(row)
        session.flush()
        return row.profile_id


def edit_profile(db: Database, profile_id: int, code: str, mapping: ColumnMapping | None) -> None:
    """Replace a profile's code and mapping."""
    mapping = check_column_mapping(mapping) if mapping is not None else None
    with db.transaction() as session:
        row = ids.fetch(session, BillImportProfile, profile_id)
        if row is None:
            raise NotFound("Bill import profile", profile_id)
        row.profile_code = _checked(session, code, profile_id)
        row.column_mapping = _document(mapping)


def delete_profile(db: Database, profile_id: int) -> None:
    """Delete a profile; tasks that used it keep its code in their settings."""
    with db.transaction() as session:
        row = ids.fetch(session, BillImportProfile, profile_id)
        if row is None:
            raise NotFound("Bill import profile", profile_id)
        session.delete(row)
