"""Every foreign key column of the migrated database has an index whose leading columns are the key's columns.

A delete or void walks foreign keys: deleting a bill finds the rows that name it, deleting a meter or a user the
lines and bills that name them. The database checks (or cascades) each such key by looking up the referencing
table; without an index that lookup is a scan per deleted row. Checked on the database the migrations build (each
backend in turn), so a migration that forgets the index fails here even when the models declare it.
"""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, inspect, text

from apportion.store.database import Database


def unindexed_foreign_keys(engine: Engine) -> list[str]:
    """`table(columns) -> referred table` for every foreign key no index, primary key or unique key leads with."""
    inspector = inspect(engine)
    found = []
    for table in inspector.get_table_names():
        leads = [tuple(index["column_names"]) for index in inspector.get_indexes(table)]
        leads += [tuple(unique["column_names"]) for unique in inspector.get_unique_constraints(table)]
        leads.append(tuple(inspector.get_pk_constraint(table)["constrained_columns"]))
        for key in inspector.get_foreign_keys(table):
            columns = tuple(key["constrained_columns"])
            if not any(lead[: len(columns)] == columns for lead in leads):
                found.append(f"{table}({', '.join(columns)}) -> {key['referred_table']}")
    return sorted(found)


def test_every_foreign_key_column_is_indexed(db: Database) -> None:
    assert unindexed_foreign_keys(db.engine) == []


def test_the_check_finds_an_unindexed_key_and_accepts_a_leading_one() -> None:
    engine = create_engine("sqlite://")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
        keys = "a INTEGER REFERENCES parent, b INTEGER REFERENCES parent"
        connection.execute(text(f"CREATE TABLE child (id INTEGER PRIMARY KEY, {keys})"))
        connection.execute(text("CREATE INDEX ix_child_b_a ON child (b, a)"))
    # b leads an index; a only follows b in it, which does not serve a lookup by a.
    assert unindexed_foreign_keys(engine) == ["child(a) -> parent"]
