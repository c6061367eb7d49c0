"""Exact sums, and numeric comparisons, of decimal columns on both databases.

SQLite keeps NUMERIC values as 8-byte floats, so its SUM() adds floats and can be off in the last place; PostgreSQL's
NUMERIC sum is exact. Summing whole minor units (cents for a scale-2 column, millionths for scale 6) is exact on
both: each stored float rounds back to its integer count of minor units, a value stored as exact text
(models.base.SQLiteExactNumeric, beyond 15 significant digits) is read digit for digit, and SQLite adds integers
exactly (domain.md §2.6 item 8: money and quantities are never floats).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Float, Numeric, TypeDecorator, cast, func, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

COST_SCALE = 2  # base.Money: cost columns (domain.md §2.6 item 8)
USE_SCALE = 6  # base.Quantity: use and demand columns

_WHOLE = Numeric(38, 0)
# SQLite's integers are 64-bit (below 2**63, about 9.22 x 10^18); the margin covers the float the test is made on.
_SQLITE_INTEGER_LIMIT = 92 * 10**17


class _MinorUnits(FunctionElement[Any]):
    """A decimal value in whole units of 10**-scale: an integer on SQLite, an integral NUMERIC on PostgreSQL."""

    type = BigInteger()
    name = "minor_units"
    inherit_cache = True

    def __init__(self, value: Any, scale: int) -> None:
        super().__init__(value)
        self.scale = scale


@compiles(_MinorUnits)
def _minor_units(element: _MinorUnits, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL: an integral NUMERIC(38, 0), so no stored value can overflow.
    (value,) = element.clauses
    return compiler.process(cast(func.round(value * (10**element.scale)), _WHOLE), **kw)


@compiles(_MinorUnits, "sqlite")
def _minor_units_sqlite(element: _MinorUnits, compiler: SQLCompiler, **kw: Any) -> str:
    # A float rounds to its minor units (CAST(... AS INTEGER) makes the rounded float an INTEGER); exact text, stored
    # with exactly `scale` decimals, loses its point. A value whose minor units do not fit in 64 bits (quantities of
    # 9.2 x 10^12 and more) stays a float, approximate, rather than CAST's silent clamp to the largest integer.
    value = compiler.process(element.clauses.clauses[0], **kw)
    units = 10**element.scale
    fits = f"abs(CAST({value} AS REAL)) < {_SQLITE_INTEGER_LIMIT // units}"
    return (
        f"(CASE WHEN typeof({value}) = 'blob' AND {fits}"
        f" THEN CAST(replace(CAST({value} AS TEXT), '.', '') AS INTEGER)"
        f" WHEN {fits} THEN CAST(round({value} * {units}) AS INTEGER)"
        f" ELSE round(CAST({value} AS REAL) * {units}) END)"
    )


def minor_units(column: Any, scale: int) -> ColumnElement[Any]:
    """`column` in units of 10**-scale as an integer (SQLite) or an integral NUMERIC (PostgreSQL), for sums, the
    largest and the smallest value; read it back with `from_minor_units`. Exact on PostgreSQL, and on SQLite while
    the value is below 9.2 x 10^18 units (costs below 9.2 x 10^16, quantities below 9.2 x 10^12)."""
    return _MinorUnits(column, scale)


def minor_units_sum(column: Any, scale: int) -> ColumnElement[Any]:
    """SUM of `column` in units of 10**-scale, as an integer (SQLite) or an integral NUMERIC (PostgreSQL).

    NULLs are skipped as SUM() skips them; the sum of no rows is NULL. Read it back with `from_minor_units`.
    """
    # The result is read untouched (BigInteger has no result processor): an int, or a Decimal from PostgreSQL.
    return type_coerce(func.sum(minor_units(column, scale)), BigInteger)


class _Comparable(FunctionElement[Any]):
    """A decimal column as a number SQL compares: the column itself on PostgreSQL, its float value on SQLite."""

    type = Numeric(asdecimal=True)
    name = "comparable"
    inherit_cache = True


@compiles(_Comparable)
def _comparable(element: _Comparable, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses.clauses[0], **kw)


@compiles(_Comparable, "sqlite")
def _comparable_sqlite(element: _Comparable, compiler: SQLCompiler, **kw: Any) -> str:
    # A value kept as exact text is a BLOB, which SQLite orders after every number; CAST reads its number.
    return compiler.process(cast(element.clauses.clauses[0], Float()), **kw)


def comparable(column: Any) -> ColumnElement[Any]:
    """`column` (a models.base Money, Quantity or Ratio column) for comparisons and ordering against numbers: exact
    on PostgreSQL, to 15 significant digits on SQLite."""
    return _Comparable(column)


class _MinorUnitsValue(TypeDecorator[Decimal]):
    """A minor_units_sum read back as the Decimal it stands for."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale: int) -> None:
        super().__init__()
        self.scale = scale

    def process_result_value(self, value: Any, _dialect: Dialect) -> Decimal | None:
        return from_minor_units(value, self.scale)


def exact_sum(column: Any, scale: int) -> ColumnElement[Decimal]:
    """SUM of a decimal column, exact on both databases, read back as a Decimal (NULL for no rows)."""
    return type_coerce(minor_units_sum(column, scale), _MinorUnitsValue(scale))


def from_minor_units(value: Any, scale: int) -> Decimal | None:
    """The Decimal a `minor_units_sum` column stands for: from_minor_units(1234, 2) == Decimal('12.34')."""
    if value is None:
        return None
    return Decimal(int(value)).scaleb(-scale)
