"""A bulk write's money column on SQLite binds the same values as each value through the type's processor."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite

from apportion.store.models.base import SQLiteExactNumeric

MONEY = SQLiteExactNumeric(18, 2)
PROCESS = MONEY.bind_processor(sqlite.dialect())

money = st.decimals(min_value=Decimal("-1e16"), max_value=Decimal("1e16"), places=2, allow_nan=False)
values = st.one_of(money, st.none(), st.integers(-(10**17), 10**17), st.floats(allow_nan=False))


def same(left: list[Any], right: list[Any]) -> bool:
    return [(type(a), a) for a in left] == [(type(b), b) for b in right]


@given(st.lists(values, max_size=20))
def test_a_column_binds_as_its_values_one_by_one(column: list[Any]) -> None:
    assert same(MONEY.bind_column(column, PROCESS), [PROCESS(v) for v in column])


def test_a_large_amount_keeps_every_digit() -> None:
    column = [Decimal("12.34"), Decimal("98765432109876.54")]
    assert MONEY.bind_column(column, PROCESS) == [12.34, b"98765432109876.54"]
    assert MONEY.bind_column([Decimal("12.34"), None], PROCESS) == [12.34, None]
