"""A database's fingerprint: every table's row count and the sum of each of its numeric columns."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, Integer, Numeric, cast, func, select

from apportion.store.database import Database
from apportion.store.models.base import Base


def fingerprint(db: Database) -> dict[str, tuple[object, ...]]:
    """table -> (row count, sum of each integer, numeric and boolean column): equal fingerprints mean no row was
    added, removed or had a number, id or flag changed."""
    found: dict[str, tuple[object, ...]] = {}
    with db.reading() as session:
        for table in Base.metadata.sorted_tables:
            sums = [
                func.sum(cast(column, Integer) if isinstance(column.type, Boolean) else column)
                for column in table.columns
                if isinstance(column.type, Integer | Numeric | Boolean)
            ]
            row = session.execute(select(func.count(), *sums).select_from(table)).one()
            found[table.name] = tuple(Decimal(v) if isinstance(v, float) else v for v in row)
    return found
