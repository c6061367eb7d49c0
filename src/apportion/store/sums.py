"""Exact sums of decimal columns on both databases.

SQLite keeps NUMERIC values as 8-byte floats, so its SUM() adds floats and can be off in the last place; PostgreSQL's
NUMERIC sum is exact. Summing whole minor units (cents for a scale-2 column, millionths for scale 6) is exact on
both: each stored value rounds back to its integer count of minor units, and SQLite adds integers exactly
(domain.md §2.6 item 8: money and quantities are never floats).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Numeric, TypeDecorator, cast, func, type_coerce
from sqlalchemy.engine import Dialect

COST_SCALE = 2  # base.Money: cost columns (domain.md §2.6 item 8)
USE_SCALE = 6  # base.Quantity: use and demand columns

_WHOLE = BigInteger().with_variant(Numeric(38, 0), "postgresql")


def minor_units_sum(column: Any, scale: int) -> ColumnElement[Any]:
    """SUM of `column` in units of 10**-scale, as an integer (SQLite) or an integral NUMERIC (PostgreSQL).

    NULLs are skipped as SUM() skips them; the sum of no rows is NULL. Read it back with `from_minor_units`.
    """
    # SQLite: CAST(... AS BIGINT) makes the rounded float an INTEGER, and integer sums are exact 64-bit sums.
    # PostgreSQL: an integral NUMERIC(38, 0), so no stored value can overflow.
    # The result is read untouched (BigInteger has no result processor): an int, or a Decimal from PostgreSQL.
    return type_coerce(func.sum(cast(func.round(column * (10**scale)), _WHOLE)), BigInteger)


class _MinorUnits(TypeDecorator[Decimal]):
    """A minor_units_sum read back as the Decimal it stands for."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale: int) -> None:
        super().__init__()
        self.scale = scale

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return from_minor_units(value, self.scale)


def exact_sum(column: Any, scale: int) -> ColumnElement[Decimal]:
    """SUM of a decimal column, exact on both databases, read back as a Decimal (NULL for no rows)."""
    return type_coerce(minor_units_sum(column, scale), _MinorUnits(scale))


def from_minor_units(value: Any, scale: int) -> Decimal | None:
    """The Decimal a `minor_units_sum` column stands for: from_minor_units(1234, 2) == Decimal('12.34')."""
    if value is None:
        return None
    return Decimal(int(value)).scaleb(-scale)
