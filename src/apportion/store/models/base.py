"""Declarative base, naming convention and the exact numeric column types."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import JSON, MetaData, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import UserDefinedType

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

FLOAT_DIGITS = 15  # significant decimal digits every IEEE double carries exactly (DBL_DIG)


class SQLiteExactNumeric(UserDefinedType[Decimal]):
    """NUMERIC(precision, scale) on SQLite, exact to its last digit.

    SQLite keeps a NUMERIC value as an 8-byte float, exact to 15 significant digits: 98765432109876.54 would come
    back as 98765432109876.55. A value that fits in 15 digits at the column's scale (below 10^(15 - scale)) is still
    stored as a float, so SQL compares, sorts and adds it as a number; a larger one is stored as the BLOB of its
    exact text at the column's scale (NUMERIC affinity would turn TEXT back into a float), which reads back exactly.
    SQL that computes with these columns goes through store.sums: `minor_units` reads both forms exactly,
    `comparable` compares them as numbers. Databases written before hold floats only, which read as they always did.
    """

    cache_ok = True

    def __init__(self, precision: int, scale: int) -> None:
        self.precision = precision
        self.scale = scale

    def get_col_spec(self, **_kw: Any) -> str:
        """The DDL type: the same NUMERIC(p, s) as on PostgreSQL (and as the migrations create)."""
        return f"NUMERIC({self.precision}, {self.scale})"

    def bind_processor(self, _dialect: Dialect) -> Callable[[Any], Any]:
        """Decimal -> float below 10^(15 - scale), else the BLOB of its exact text at the column's scale."""
        float_limit = 10.0 ** (FLOAT_DIGITS - self.scale)
        column_limit = Decimal(10) ** (self.precision - self.scale)
        quantum = Decimal(1).scaleb(-self.scale)

        def process(value: Decimal | float | None) -> float | bytes | None:
            if value is None:
                return None
            number = float(value)
            # float() rounds monotonically and 10^(15 - scale) is a float exactly: a value at the column's scale
            # takes this path only when it is below the limit.
            if -float_limit < number < float_limit:
                return number
            exact = Decimal(value) if isinstance(value, int) else value
            if not isinstance(exact, Decimal) or not exact.is_finite() or abs(exact) >= column_limit:
                return number  # a float given, or beyond the column: as SQLite always stored it (PostgreSQL refuses)
            return f"{exact.quantize(quantum, ROUND_HALF_UP):f}".encode("ascii")

        return process

    def bind_column(self, values: list[Any], process: Callable[[Any], Any]) -> list[float] | list[object]:
        """`process` of every value of a bulk write's column (store/bulk.py): when none is None and every one is
        below the float limit, as most money and quantities are, that is float() of each, done in C.

        float() of a Decimal goes through its text (about 0.4 us); when many rows hold the same Decimal object (a
        split's allocated parts and rounding steps are made once and shared, money.Allocation), each object is
        converted once."""
        keys = list(map(id, values))  # every value is held by `values` meanwhile: an id names one object
        distinct = dict(zip(keys, values, strict=True))
        numbers: list[Any]
        try:
            if len(distinct) * 2 <= len(values):
                made = {key: None if value is None else float(value) for key, value in distinct.items()}
                numbers = list(map(made.__getitem__, keys))
                present = [number for number in made.values() if number is not None]
            else:
                try:
                    numbers = list(map(float, values))
                    present = numbers
                except TypeError:  # Nones among them (a line without a value): float() of the others, None kept
                    numbers = [None if value is None else float(value) for value in values]
                    present = [number for number in numbers if number is not None]
        except (TypeError, ValueError):  # a value only `process` can tell about
            return list(map(process, values))
        float_limit = 10.0 ** (FLOAT_DIGITS - self.scale)
        if not present or (-float_limit < min(present) and max(present) < float_limit):
            return numbers
        return list(map(process, values))

    def result_processor(self, _dialect: Dialect, _coltype: object) -> Callable[[Any], Decimal | None]:
        """A stored float as SQLAlchemy's Numeric reads it (rounded to the scale), a BLOB as the exact Decimal."""
        form = f"%.{self.scale}f"

        def process(value: Any) -> Decimal | None:
            if value is None:
                return None
            if isinstance(value, bytes):
                return Decimal(value.decode("ascii"))
            return Decimal(form % value)

        return process


def exact_numeric(precision: int, scale: int) -> Numeric[Decimal]:
    """NUMERIC(precision, scale) read as Decimal: PostgreSQL's own, exact on SQLite too (SQLiteExactNumeric)."""
    return Numeric(precision, scale, asdecimal=True).with_variant(SQLiteExactNumeric(precision, scale), "sqlite")


# Exact decimals (domain.md §2.6 item 8): cost scale 2, use scale 6, unit cost / percentages scale 8.
Money = exact_numeric(18, 2)
Quantity = exact_numeric(24, 6)
Ratio = exact_numeric(24, 8)
Document = JSON().with_variant(JSON(), "postgresql")


class Base(DeclarativeBase):
    """Base of every table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


NEVER_REUSED_KEYS = {"sqlite_autoincrement": True}
"""Table options of the tables whose keys outlive their rows in logs (bills, batches, tasks; migration 0016): SQLite
would otherwise give the highest deleted key to the next row."""
