"""Bill import profiles: list, read, create, edit and delete saved column mappings (domain.md §2.5, §3.9).

A profile's mapping is stored with the importer's field names (`ColumnMapping`); a profile without a mapping
reads files by their header names, as the built-in STANDARD profile does. STANDARD itself is not stored and
its code cannot be taken.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from apportion.domain import ids
from apportion.domain.errors import NotFound, RuleViolation, ValidationFailed
from apportion.importer.profiles import (
    STANDARD,
    STANDARD_CODE,
    ColumnMapping,
    ImportProfile,
    ObservationColumn,
    check_column_mapping,
)
from apportion.store.database import Database, UnitOfWork
from apportion.store.queries import import_profiles as stored
from apportion.store.queries.import_profiles import StoredProfile

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


def profile_in(session: UnitOfWork, code: str | None) -> ImportProfile:
    """The profile an import names: STANDARD when absent or "STANDARD", else the stored one (400 if unknown)."""
    if code is None or not code.strip() or code.strip().casefold() == STANDARD_CODE.casefold():
        return STANDARD
    found = stored.profile_with_code(session, code.strip())
    if found is None:
        raise ValidationFailed.single("profileCode", f"Bill import profile '{code}' does not exist.")
    return ImportProfile(found.profile_code, mapping_from_document(found.column_mapping))


@dataclass(frozen=True)
class SavedProfile:
    """A stored profile: id, code and mapping (None = columns found by header name)."""

    profile_id: int
    profile_code: str
    column_mapping: ColumnMapping | None


def _saved(found: StoredProfile) -> SavedProfile:
    return SavedProfile(found.profile_id, found.profile_code, mapping_from_document(found.column_mapping))


def list_profiles(db: Database) -> list[SavedProfile]:
    """Every saved profile, by id."""
    with db.reading() as session:
        return [_saved(found) for found in stored.profiles(session)]


def _existing(session: UnitOfWork, profile_id: int) -> StoredProfile:
    found = stored.profile(session, profile_id) if ids.in_range(profile_id) else None
    if found is None:
        raise NotFound("Bill import profile", profile_id)
    return found


def get_profile(db: Database, profile_id: int) -> SavedProfile:
    """One profile, or NotFound."""
    with db.reading() as session:
        return _saved(_existing(session, profile_id))


def _checked(session: UnitOfWork, code: str, except_id: int | None) -> str:
    code = (code or "").strip()
    if not code:
        raise ValidationFailed.single("profileCode", "The profileCode field is required.")
    if len(code) > MAX_CODE:
        raise ValidationFailed.single("profileCode", f"profileCode is at most {MAX_CODE} characters.")
    if code.casefold() == STANDARD_CODE.casefold():
        raise RuleViolation(f"Profile code '{STANDARD_CODE}' is the built-in profile's.", "profileCode")
    if stored.code_in_use(session, code, except_id):
        raise RuleViolation(f"Profile code '{code}' is already in use.", "profileCode")
    return code


def create_profile(db: Database, code: str, mapping: ColumnMapping | None, user_id: int, now: datetime) -> int:
    """Save a new profile; codes are unique without regard to case."""
    mapping = check_column_mapping(mapping) if mapping is not None else None
    with db.transaction() as session:
        return stored.insert_profile(session, _checked(session, code, None), _document(mapping), user_id, now)


def edit_profile(db: Database, profile_id: int, code: str, mapping: ColumnMapping | None) -> None:
    """Replace a profile's code and mapping."""
    mapping = check_column_mapping(mapping) if mapping is not None else None
    with db.transaction() as session:
        _existing(session, profile_id)
        stored.update_profile(session, profile_id, _checked(session, code, profile_id), _document(mapping))


def delete_profile(db: Database, profile_id: int) -> None:
    """Delete a profile; tasks that used it keep its code in their settings."""
    with db.transaction() as session:
        _existing(session, profile_id)
        stored.delete_profile(session, profile_id)
