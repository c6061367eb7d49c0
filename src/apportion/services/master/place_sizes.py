"""Place sizes: floor-area versions of a place, chained so each ends where the next begins (domain.md §2.2).

Floor area feeds floor-area bill splits: the version effective at a date is the one with
begin_date <= date < end_date (end None runs on).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from apportion.domain.errors import NotFound, ValidationFailed
from apportion.store.database import Database, DbSession
from apportion.store.queries import place_sizes as store
from apportion.store.queries import places
from apportion.store.queries.place_sizes import NewSize, PlaceSizeRow

AREA_UNITS = ("SQFEET", "SQMETER")
FIRST_DATE, LAST_DATE = date(1899, 12, 31), date(3000, 1, 1)


@dataclass(frozen=True)
class SizeInput:
    """PlaceSizeCreate as the service needs it; unit_code None means SQFEET."""

    begin_date: date
    value: int
    unit_code: str | None = None


def _require_place(session: DbSession, place_id: int) -> None:
    if not places.place_exists(session, place_id):
        raise NotFound("Place", place_id)


def list_sizes(db: Database, place_id: int) -> list[PlaceSizeRow]:
    """Every size version of a place in begin order."""
    with db.reading() as session:
        _require_place(session, place_id)
        return store.sizes_of(session, place_id)


def _checked(size: SizeInput, where: str) -> tuple[SizeInput, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    unit = (size.unit_code or "SQFEET").upper()
    if unit not in AREA_UNITS:
        errors[f"{where}unitCode"] = [f"'{size.unit_code}' is not one of {', '.join(AREA_UNITS)}."]
    if not FIRST_DATE <= size.begin_date <= LAST_DATE:
        errors[f"{where}beginDate"] = [f"beginDate must lie between {FIRST_DATE} and {LAST_DATE}."]
    return SizeInput(size.begin_date, size.value, unit), errors


def create_size(db: Database, place_id: int, size: SizeInput) -> int:
    """Add a version: the preceding version now ends at its begin; it ends where the succeeding one begins."""
    size, errors = _checked(size, "")
    with db.transaction() as session:
        _require_place(session, place_id)
        versions = store.versions_of(session, place_id)
        if any(v.begin_date == size.begin_date for v in versions):
            errors.setdefault("beginDate", []).append(f"A size version already begins on {size.begin_date}.")
        if errors:
            raise ValidationFailed(errors)
        before = [v for v in versions if v.begin_date < size.begin_date]
        after = [v for v in versions if v.begin_date > size.begin_date]
        if before:
            store.end_version(session, before[-1].place_size_id, size.begin_date)
        end = after[0].begin_date if after else None
        return store.insert_size(
            session, place_id, NewSize(size.value, size.unit_code or "SQFEET", size.begin_date, end)
        )


def replace_sizes(db: Database, place_id: int, sizes: Sequence[SizeInput]) -> list[PlaceSizeRow]:
    """Make `sizes` the place's whole size history (created, edited and deleted in one go), chained by begin."""
    errors: dict[str, list[str]] = {}
    checked: list[SizeInput] = []
    seen: dict[date, int] = {}
    for i, size in enumerate(sizes):
        good, problems = _checked(size, f"[{i}].")
        errors.update(problems)
        if good.begin_date in seen:
            errors.setdefault(f"[{i}].beginDate", []).append(
                f"Versions [{seen[good.begin_date]}] and [{i}] both begin on {good.begin_date}."
            )
        seen.setdefault(good.begin_date, i)
        checked.append(good)
    with db.transaction() as session:
        _require_place(session, place_id)
        if errors:
            raise ValidationFailed(errors)
        ordered = sorted(checked, key=lambda s: s.begin_date)
        rows = [
            NewSize(
                s.value,
                s.unit_code or "SQFEET",
                s.begin_date,
                ordered[i + 1].begin_date if i + 1 < len(ordered) else None,
            )
            for i, s in enumerate(ordered)
        ]
        store.replace_sizes(session, place_id, rows)
        return store.sizes_of(session, place_id)


def get_size(db: Database, place_size_id: int) -> PlaceSizeRow:
    """One size version."""
    with db.reading() as session:
        size = store.get_size(session, place_size_id)
    if size is None:
        raise LookupError(f"Place size {place_size_id} does not exist.")
    return size
