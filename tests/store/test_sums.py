"""store.sums: sums of decimal columns exact to the last place on both databases (SQLite keeps REAL values)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select

from apportion.store.database import Database
from apportion.store.models.base import Money, Quantity
from apportion.store.sums import (
    COST_SCALE,
    USE_SCALE,
    comparable,
    exact_sum,
    from_minor_units,
    minor_units,
    minor_units_sum,
)


def test_exact_sum_of_large_amounts_is_exact_where_a_float_sum_is_not(db: Database) -> None:
    metadata = MetaData()
    amounts = Table("sum_check", metadata, Column("id", Integer, primary_key=True), Column("cost", Money))
    metadata.create_all(db.engine)
    try:
        value = Decimal("123456789012.34")  # 14 digits: each one stored to the cent, their float sum is not
        with db.engine.begin() as connection:
            connection.execute(insert(amounts), [{"cost": value} for _ in range(100)] + [{"cost": Decimal("0.01")}])
        with db.engine.connect() as connection:
            total = connection.execute(select(exact_sum(amounts.c.cost, COST_SCALE))).scalar_one()
            nothing = connection.execute(
                select(func.coalesce(exact_sum(amounts.c.cost, COST_SCALE), 0)).where(amounts.c.id < 0)
            ).scalar_one()
        assert total == value * 100 + Decimal("0.01")
        assert isinstance(total, Decimal)
        assert nothing == 0
    finally:
        metadata.drop_all(db.engine)


def test_values_beyond_float_precision_are_stored_summed_and_compared_exactly(db: Database) -> None:
    # On SQLite a value with more than 15 significant digits is kept as exact text next to values kept as floats:
    # reads, sums, the largest and smallest value, and comparisons must treat both alike (PostgreSQL: NUMERIC).
    metadata = MetaData()
    table = Table("exact_check", metadata, Column("id", Integer, primary_key=True), Column("use", Quantity))
    metadata.create_all(db.engine)
    values = [
        Decimal("8999999999999.999999"),  # 19 digits: kept as text on SQLite, and its millionths fit in 64 bits
        Decimal("-123456789012.345678"),
        Decimal("0.000001"),
        Decimal("12.5"),
        Decimal("-0.000001"),
    ]
    try:
        with db.engine.begin() as connection:
            connection.execute(insert(table), [{"id": i, "use": v} for i, v in enumerate(values)])
        with db.engine.connect() as connection:
            read = connection.execute(select(table.c.use).order_by(table.c.id)).scalars().all()
            units = minor_units(table.c.use, USE_SCALE)
            smallest, largest = connection.execute(select(func.min(units), func.max(units))).one()
            sub_total = connection.execute(
                select(minor_units_sum(table.c.use, USE_SCALE)).where(table.c.id > 0)
            ).scalar_one()
            above = (
                connection.execute(
                    select(table.c.id).where(comparable(table.c.use) > Decimal("12")).order_by(comparable(table.c.use))
                )
                .scalars()
                .all()
            )
        assert read == values
        assert from_minor_units(largest, USE_SCALE) == values[0]
        assert from_minor_units(smallest, USE_SCALE) == values[1]
        assert from_minor_units(sub_total, USE_SCALE) == sum(values[1:], Decimal(0))
        assert list(above) == [3, 0]
    finally:
        metadata.drop_all(db.engine)


def test_values_whose_minor_units_exceed_64_bits_are_approximate_on_sqlite_never_clamped(db: Database) -> None:
    metadata = MetaData()
    table = Table("huge_check", metadata, Column("id", Integer, primary_key=True), Column("use", Quantity))
    metadata.create_all(db.engine)
    values = [Decimal("999999999999999999.999999"), Decimal("-999999999999999999.999999"), Decimal("1.5")]
    try:
        with db.engine.begin() as connection:
            connection.execute(insert(table), [{"id": i, "use": v} for i, v in enumerate(values)])
        with db.engine.connect() as connection:
            assert connection.execute(select(table.c.use).order_by(table.c.id)).scalars().all() == values
            units = minor_units(table.c.use, USE_SCALE)
            smallest, largest = connection.execute(select(func.min(units), func.max(units))).one()
        exact = db.engine.dialect.name == "postgresql"
        for got, expected in ((largest, values[0]), (smallest, values[1])):
            value = from_minor_units(got, USE_SCALE)
            assert value is not None
            assert value == expected if exact else abs(value - expected) / abs(expected) < Decimal("1e-15")
    finally:
        metadata.drop_all(db.engine)
