"""Place sizes: floor-area versions of a place, chained so each ends where the next begins (domain.md §2.2).

Floor area feeds floor-area bill splits: the version effective at a date is the one with
begin_date <= date < end_date (end None runs on).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import RowMapping, and_, case, delete, insert, or_, select
from sqlalchemy.orm import Session, aliased

from apportion.domain.errors import NotFound, ValidationFailed
from apportion.services.ids import fetch
from apportion.store.database import Database
from apportion.store.models.organisation import Place, PlaceSize
from apportion.store.models.reference import Unit

AREA_UNITS = ("SQFEET", "SQMETER")
FIRST_DATE, LAST_DATE = date(1899, 12, 31), date(3000, 1, 1)


@dataclass(frozen=True)
class SizeInput:
    """PlaceSizeCreate as the service needs it; unit_code None means SQFEET."""

    begin_date: date
    value: int
    unit_code: str | None = None


def join_size_child(statement: Any, place_id: Any, today: date, prefix: str = "size") -> Any:
    """Add the place's current size: the version effective `today`, else its latest (render.place_size_child).

    Labels: `<prefix>_id`, `_begin_date`, `_end_date`, `_value`, `_unit_id`, `_unit_code`, `_unit_info`.
    """
    inner = aliased(PlaceSize)
    effective = and_(inner.begin_date <= today, or_(inner.end_date.is_(None), inner.end_date > today))
    current = (
        select(inner.place_size_id)
        .where(inner.place_id == place_id)
        .order_by(case((effective, 0), else_=1), inner.begin_date.desc())
        .limit(1)
        .correlate_except(inner)
        .scalar_subquery()
    )
    size, unit = aliased(PlaceSize), aliased(Unit)
    return (
        statement.outerjoin(size, size.place_size_id == current)
        .outerjoin(unit, unit.unit_code == size.unit_code)
        .add_columns(*_size_columns(size, unit, prefix))
    )


def _size_columns(size: Any, unit: Any, prefix: str) -> list[Any]:
    return [
        size.place_size_id.label(f"{prefix}_id"),
        size.begin_date.label(f"{prefix}_begin_date"),
        size.end_date.label(f"{prefix}_end_date"),
        size.value.label(f"{prefix}_value"),
        unit.unit_id.label(f"{prefix}_unit_id"),
        size.unit_code.label(f"{prefix}_unit_code"),
        unit.unit_info.label(f"{prefix}_unit_info"),
    ]


def _require_place(session: Session, place_id: int) -> None:
    if fetch(session, Place, place_id) is None:
        raise NotFound("Place", place_id)


def _rows(session: Session, place_id: int) -> list[RowMapping]:
    statement = (
        select(*_size_columns(PlaceSize, Unit, "size"))
        .outerjoin(Unit, Unit.unit_code == PlaceSize.unit_code)
        .where(PlaceSize.place_id == place_id)
        .order_by(PlaceSize.begin_date)
    )
    return list(session.execute(statement).mappings())


def list_sizes(db: Database, place_id: int) -> list[RowMapping]:
    """Every size version of a place in begin order (`size_*` columns)."""
    with db.reading() as session:
        _require_place(session, place_id)
        return _rows(session, place_id)


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
        versions = list(
            session.execute(select(PlaceSize).where(PlaceSize.place_id == place_id).order_by(PlaceSize.begin_date))
            .scalars()
            .all()
        )
        if any(v.begin_date == size.begin_date for v in versions):
            errors.setdefault("beginDate", []).append(f"A size version already begins on {size.begin_date}.")
        if errors:
            raise ValidationFailed(errors)
        before = [v for v in versions if v.begin_date < size.begin_date]
        after = [v for v in versions if v.begin_date > size.begin_date]
        if before:
            before[-1].end_date = size.begin_date
        row = PlaceSize(
            place_id=place_id,
            value=size.value,
            unit_code=size.unit_code,
            begin_date=size.begin_date,
            end_date=after[0].begin_date if after else None,
        )
        session.add(row)
        session.flush()
        return row.place_size_id


def replace_sizes(db: Database, place_id: int, sizes: Sequence[SizeInput]) -> list[RowMapping]:
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
        session.execute(delete(PlaceSize).where(PlaceSize.place_id == place_id))
        rows = [
            {
                "place_id": place_id,
                "value": s.value,
                "unit_code": s.unit_code,
                "begin_date": s.begin_date,
                "end_date": ordered[i + 1].begin_date if i + 1 < len(ordered) else None,
            }
            for i, s in enumerate(ordered)
        ]
        if rows:
            session.execute(insert(PlaceSize), rows)
        return _rows(session, place_id)


def get_size(db: Database, place_size_id: int) -> RowMapping:
    """One size version (`size_*` columns)."""
    with db.reading() as session:
        statement = (
            select(*_size_columns(PlaceSize, Unit, "size"))
            .outerjoin(Unit, Unit.unit_code == PlaceSize.unit_code)
            .where(PlaceSize.place_size_id == place_size_id)
        )
        return session.execute(statement).mappings().one()
