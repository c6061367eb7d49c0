"""Typed master-data queries (store/queries): a reader keeps finding its columns when SQLAlchemy answers a
statement from its compiled cache, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from apportion.store.database import Database
from apportion.store.queries import place_sizes, places, users
from apportion.store.queries.place_sizes import NewSize


def test_a_fresh_statement_of_the_same_shape_reads_the_same_values(db: Database) -> None:
    # topmost() makes fresh aliases on every call: the second call is compiled from the cache of the first.
    with db.reading() as session:
        first, second = users.topmost(session), users.topmost(session)
    assert first == second
    assert first.place is not None
    assert first.place.place_type is not None
    assert first.place.place_type.place_type_code == "ORGANIZATION"
    assert first.currency_unit is not None
    assert first.currency_unit.unit_code == "USD"


def test_each_day_reads_the_size_effective_that_day(db: Database) -> None:
    # One statement per day, equal in shape: every day after the first is answered from the compiled cache.
    with db.transaction() as session:
        place_sizes.replace_sizes(
            session,
            1,
            [
                NewSize(100, "SQFEET", date(2024, 1, 1), date(2024, 7, 1)),
                NewSize(250, "SQMETER", date(2024, 7, 1), None),
            ],
        )
    with db.reading() as session:
        sizes = {
            day: places.get_place(session, 1, day) for day in (date(2024, 3, 1), date(2024, 9, 1), date(2020, 1, 1))
        }
    values = {day: (row.size.value, row.size.unit_code) for day, row in sizes.items() if row and row.size}
    assert values == {
        date(2024, 3, 1): (100, "SQFEET"),
        date(2024, 9, 1): (250, "SQMETER"),
        date(2020, 1, 1): (250, "SQMETER"),  # before every version: the latest
    }
    assert all(row is not None and row.place_type is not None for row in sizes.values())
