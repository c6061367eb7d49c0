"""Bulk row writes inside the caller's transaction: Core executemany on SQLite, COPY on PostgreSQL.

DESIGN.md (Performance rules) measures our runs against the driver alone, so hot paths hand whole row lists to
these two functions instead of the ORM unit of work, SQLAlchemy's per-row parameter handling or its multi-row
VALUES statements:

- `insert_rows(session, table, rows)` writes rows whose keys the table generates itself (or that carry them);
- `insert_with_ids(session, table, rows)` also returns the generated integer keys, in row order, so child rows
  can refer to them.

Every row of one call has the same keys; a column the rows leave out takes its scalar Python default (as a Core
insert would) or, failing that, the database's default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import chain
from operator import itemgetter
from typing import Any

from psycopg import sql
from psycopg.types.json import Json
from sqlalchemy import JSON, Boolean, Date, DateTime, Table, insert, text
from sqlalchemy.orm import Session

from apportion.store.models.base import SQLiteExactNumeric

Row = Mapping[str, Any]
ROWS_PER_STATEMENT = 50
SQLITE_MAX_VARIABLES = 32_766  # the default limit of bound parameters per statement since SQLite 3.32


def insert_rows(session: Session, table: Table, rows: Sequence[Row]) -> None:
    """Insert `rows` into `table`."""
    if not rows:
        return
    dialect = _dialect(session)
    if dialect == "postgresql":
        _copy(session, table, rows)
    elif dialect == "sqlite":
        _executemany_sqlite(session, table, rows)
    else:
        session.execute(insert(table), list(rows))


def insert_with_ids(session: Session, table: Table, rows: Sequence[Row]) -> list[int]:
    """Insert `rows` (without the key) into a table with one generated integer key; return the keys in row order."""
    if not rows:
        return []
    (key,) = table.primary_key.columns
    dialect = _dialect(session)
    if dialect == "postgresql":
        # Draw the keys from the column's sequence first, then COPY the rows with them.
        ids = list(
            session.execute(
                text("SELECT nextval(pg_get_serial_sequence(:table, :column)) FROM generate_series(1, :n)"),
                {"table": table.name, "column": key.name, "n": len(rows)},
            ).scalars()
        )
        _copy(session, table, rows, {key.name: ids})
        return ids
    if dialect == "sqlite":
        # SQLite cannot promise RETURNING order for a multi-row insert (SQLAlchemy would send one statement per
        # row). Writers are serialised instead: the first INSERT takes the database's write lock, held until
        # commit, and gets max(rowid) + 1; the other rows take the keys after it, in one executemany.
        first = int(session.execute(insert(table).returning(key), dict(rows[0])).scalar_one())
        ids = list(range(first, first + len(rows)))
        _executemany_sqlite(session, table, rows[1:], {key.name: ids[1:]})
        return ids
    statement = insert(table).returning(key, sort_by_parameter_order=True)
    return [int(i) for i in session.execute(statement, list(rows)).scalars()]


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _columns(table: Table, rows: Sequence[Row]) -> tuple[list[str], dict[str, Any]]:
    """The rows' keys, and the scalar Python defaults of the columns they leave out."""
    keys = list(rows[0])
    defaults = {
        column.name: column.default.arg  # type: ignore[attr-defined]
        for column in table.columns
        if column.name not in rows[0] and column.default is not None and column.default.is_scalar
    }
    return keys, defaults


def _executemany_sqlite(
    session: Session, table: Table, rows: Sequence[Row], extra: Mapping[str, Sequence[Any]] | None = None
) -> None:
    """Positional rows in multi-row INSERTs, each value passed through its column type's bind processor; `extra`
    gives more columns (name -> a value per row: the generated keys), kept out of the rows' dictionaries.

    The same values a Core insert would bind, without its per-row parameter dictionaries. A column that is None in
    every row and has no default is left out of the statement: SQLite stores NULL for it all the same.
    """
    if not rows:
        return
    keys, defaults = _columns(table, rows)
    given = dict(extra or {})
    defaults = {name: value for name, value in defaults.items() if name not in given}
    keys = [*keys, *given]
    dialect = session.get_bind().dialect
    count = len(rows)
    names: list[str] = []
    # Column by column, in C loops where it can be (itemgetter, map): one bind processor call per value, or per
    # distinct value for the repeating kinds. Processors take None as a Core insert hands it to them.
    columns: list[list[Any]] = []
    for name in [*keys, *defaults]:
        if name in given:
            values = list(given[name])
        elif name in defaults:
            values = [defaults[name]] * count
        else:
            values = list(map(itemgetter(name), rows))
        column = table.c[name]
        # Most columns' first value is not None: the whole column is scanned only when it might be all None
        # (list.count compares every value with None, a rich comparison per Decimal).
        if column.server_default is None and values[0] is None and values.count(None) == count:
            continue
        impl = column.type.dialect_impl(dialect)
        process = impl.bind_processor(dialect)
        if process is None:
            columns.append(values)
        elif isinstance(column.type, _REPEATING):
            columns.append(_processed(values, process))
        elif isinstance(impl, SQLiteExactNumeric):
            columns.append(impl.bind_column(values, process))
        else:
            columns.append(list(map(process, values)))
        names.append(name)
    if not names:  # every value None: name one column, a statement needs one
        names, columns = keys[:1], [[None] * count]
    quote = dialect.identifier_preparer.quote
    marks = ", ".join("?" * len(names))
    statement = f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) VALUES ({marks})"
    parameters = list(zip(*columns, strict=True))
    session.flush()
    connection = session.connection()
    # Several rows per INSERT: SQLite steps one statement per row either way, but a multi-row VALUES statement
    # is reset and re-bound once per ROWS_PER_STATEMENT rows (about a quarter less time than one row each).
    per_statement = max(1, min(ROWS_PER_STATEMENT, SQLITE_MAX_VARIABLES // len(names)))
    full = len(parameters) - len(parameters) % per_statement
    if full:
        many = f"{statement}{f', ({marks})' * (per_statement - 1)}"
        groups = [tuple(chain.from_iterable(parameters[k : k + per_statement])) for k in range(0, full, per_statement)]
        connection.exec_driver_sql(many, groups)
    if full < len(parameters):
        connection.exec_driver_sql(statement, parameters[full:])


# Column types whose values repeat across a bulk write's rows (a few dates and flags on every bill) and whose
# SQLite bind processors are Python functions: those are called once per distinct value.
_REPEATING = (Date, DateTime, Boolean)


def _processed(values: list[object], process: Callable[[object], object]) -> list[object]:
    """`process` of each value, called once per distinct value (the values are hashable: dates and flags)."""
    done: dict[object, object] = {None: None}
    return [done[v] if v in done else done.setdefault(v, process(v)) for v in values]


def _copy(
    session: Session, table: Table, rows: Sequence[Row], extra: Mapping[str, Sequence[Any]] | None = None
) -> None:
    """COPY the rows over the session's own connection, so they belong to its transaction (`extra` as in
    `_executemany_sqlite`)."""
    keys, defaults = _columns(table, rows)
    given = dict(extra or {})
    defaults = {name: value for name, value in defaults.items() if name not in given}
    columns = sql.SQL(", ").join(sql.Identifier(name) for name in (*keys, *given, *defaults))
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table.name), columns)
    fill = tuple(defaults.values())
    # COPY adapts values by their Python type; documents must be marked as JSON explicitly.
    documents = [i for i, name in enumerate(keys) if isinstance(table.c[name].type, JSON)]
    session.flush()
    driver: Any = session.connection().connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        more = list(zip(*given.values(), strict=True)) if given else [()] * len(rows)
        for row, added in zip(rows, more, strict=True):
            values = [row[k] for k in keys]
            for i in documents:
                values[i] = None if values[i] is None else Json(values[i])
            copy.write_row((*values, *added, *fill))
