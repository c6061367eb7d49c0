"""store.sums: sums of decimal columns exact to the last place on both databases (SQLite keeps REAL values)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select

from apportion.store.database import Database
from apportion.store.models.base import Money
from apportion.store.sums import COST_SCALE, exact_sum


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
