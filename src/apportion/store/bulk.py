"""Bulk row writes inside the caller's transaction: Core executemany on SQLite, COPY on PostgreSQL.

DESIGN.md (Performance rules) measures our runs against the driver alone, so hot paths hand whole row lists to
these two functions instead of the ORM unit of work, SQLAlchemy's per-row parameter handling or its multi-row
VALUES statements:

- `insert_rows(session, table, rows)` writes rows whose keys the table generates itself (or that carry them);
- `insert_with_ids(session, table, rows)` also returns the generated integer keys, in row order, so child rows
  can refer to them;
- `insert_columns` and `insert_columns_with_ids` do the same with the values given by column (name -> a value per
  row), for writers that build them that way (the bill writer): no dictionary per row. `prepare` makes such a
  write's statement data ahead (`insert_prepared` sends it), and both take a `meanwhile` function that runs while
  PostgreSQL works on the rows, for work of the caller's own that does not use the session.

Every row of one call has the same keys; a column the rows leave out takes its scalar Python default (as a Core
insert would) or, failing that, the database's default.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any, NamedTuple, cast

from sqlalchemy import JSON, Boolean, Date, DateTime, Table, insert
from sqlalchemy.orm import Session

from apportion.store.models.base import SQLiteExactNumeric

Row = Mapping[str, Any]
Columns = Mapping[str, Sequence[object]]
"""A bulk write by column: name -> one value per row (every column as long as the others)."""
ROWS_PER_STATEMENT = 200
SQLITE_MAX_VARIABLES = 32_766  # the default limit of bound parameters per statement since SQLite 3.32


class Prepared(NamedTuple):
    """The rows of one bulk write, ready to send (`prepare`): by column, and on PostgreSQL as COPY text when every
    value has a text form made here (else None: the driver formats each row)."""

    table: Table
    columns: Columns
    row_count: int
    copy_text: str | None


def insert_rows(session: Session, table: Table, rows: Sequence[Row]) -> None:
    """Insert `rows` into `table`."""
    if rows:
        insert_columns(session, table, _by_column(rows), len(rows))


def insert_with_ids(session: Session, table: Table, rows: Sequence[Row]) -> list[int]:
    """Insert `rows` (without the key) into a table with one generated integer key; return the keys in row order."""
    return insert_columns_with_ids(session, table, _by_column(rows), len(rows)) if rows else []


def insert_columns(
    session: Session, table: Table, columns: Columns, count: int, meanwhile: Callable[[], object] | None = None
) -> None:
    """`insert_rows` of `count` rows given by column, for writers that hold their values by column already (a
    value repeated on every row is then one list of one value times `count`, with no per-row dictionary).

    `meanwhile()`, if given, is called in this thread while PostgreSQL receives and checks the rows (the driver's
    side of the COPY runs in a thread of its own); it must not use the session. Elsewhere it is called afterwards.
    """
    insert_prepared(session, prepare(session, table, columns, count), meanwhile)


def prepare(session: Session, table: Table, columns: Columns, count: int) -> Prepared:
    """The rows of a bulk write made ready to send with `insert_prepared`: on PostgreSQL their COPY text, formatted
    here. Uses nothing of the session but its dialect's name, so it may run in a `meanwhile` function."""
    if _dialect(session) != "postgresql" or not count:
        return Prepared(table, columns, count, None)
    filled = _without_empty(table, _with_defaults(table, columns, count), count)
    return Prepared(table, filled, count, _copy_text(table, filled, count))


def insert_prepared(session: Session, rows: Prepared, meanwhile: Callable[[], object] | None = None) -> None:
    """Insert rows made ready by `prepare` (see `insert_columns` for `meanwhile`)."""
    table, columns, count, _text = rows
    dialect = _dialect(session)
    if not count:
        pass
    elif dialect == "postgresql":
        _copy(session, rows, meanwhile)
        return
    elif dialect == "sqlite":
        _executemany_sqlite(session, table, columns, count)
    else:
        session.execute(insert(table), _by_row(columns, count))
    if meanwhile is not None:
        meanwhile()


def insert_columns_with_ids(
    session: Session,
    table: Table,
    columns: Columns,
    count: int,
    meanwhile: Callable[[list[int]], object] | None = None,
) -> list[int]:
    """`insert_with_ids` of `count` rows given by column (see `insert_columns`); `meanwhile(keys)`, if given, is
    called with the rows' keys while PostgreSQL receives and checks the rows (see `insert_columns`)."""
    if not count:
        return []
    (key,) = table.primary_key.columns
    dialect = _dialect(session)
    if dialect == "postgresql":
        # Draw the keys from the column's sequence first, then COPY the rows with them. The sequence is looked up
        # once (a materialized CTE): named in the select list, the look-up ran for every key, 3 of its 3.5 us.
        # The driver's cursor alone: SQLAlchemy's result layer cost more than the statement's reply (5,000 keys).
        session.flush()
        driver: Any = session.connection().connection.driver_connection
        with driver.cursor() as cursor:
            cursor.execute(
                "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq)"
                " SELECT nextval(s.seq) FROM s, generate_series(1, %s)",
                (table.name, key.name, count),
            )
            ids = [value for (value,) in cursor.fetchall()]
        rows = prepare(session, table, {**columns, key.name: ids}, count)
        _copy(session, rows, None if meanwhile is None else lambda: meanwhile(ids))
        return ids
    if dialect == "sqlite":
        # SQLite cannot promise RETURNING order for a multi-row insert (SQLAlchemy would send one statement per
        # row). Writers are serialised instead: the first INSERT takes the database's write lock, held until
        # commit, and gets max(rowid) + 1; the other rows take the keys after it, in one executemany.
        first_row = {name: values[0] for name, values in columns.items()}
        first = int(session.execute(insert(table).returning(key), first_row).scalar_one())
        ids = list(range(first, first + count))
        rest = {name: values[1:] for name, values in columns.items()}
        _executemany_sqlite(session, table, {**rest, key.name: ids[1:]}, count - 1)
    else:
        statement = insert(table).returning(key, sort_by_parameter_order=True)
        ids = [int(i) for i in session.execute(statement, _by_row(columns, count)).scalars()]
    if meanwhile is not None:
        meanwhile(ids)
    return ids


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _by_column(rows: Sequence[Row]) -> dict[str, list[object]]:
    """Rows with the same keys as columns (an itemgetter pass per key, in C)."""
    return {name: list(map(itemgetter(name), rows)) for name in rows[0]}


def _by_row(columns: Columns, count: int) -> list[dict[str, Any]]:
    rows = [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    if len(rows) != count:
        raise ValueError(f"{len(rows)} rows given by column, {count} expected")
    return rows


def _with_defaults(table: Table, columns: Columns, count: int) -> dict[str, Sequence[object]]:
    """The columns and, for each column of the table they leave out that has a scalar Python default, that default
    on every row (as a Core insert would give it)."""
    filled = dict(columns)
    for column in table.columns:
        if column.name not in filled and column.default is not None and column.default.is_scalar:
            filled[column.name] = [column.default.arg] * count  # type: ignore[attr-defined]
    return filled


def _without_empty(table: Table, columns: dict[str, Sequence[object]], count: int) -> dict[str, Sequence[object]]:
    """The columns less those that are None on every row and have no server default: left out of a COPY, the
    server stores NULL for them all the same, without their text to make, send and read (a bill has a dozen)."""
    kept = {
        name: values
        for name, values in columns.items()
        # Identity first, in C: most columns' first value is not None.
        if values[0] is not None or table.c[name].server_default is not None or values.count(None) != count
    }
    return kept or dict(list(columns.items())[:1])  # a COPY names one column at least


def _executemany_sqlite(session: Session, table: Table, columns: Columns, count: int) -> None:
    """Positional rows in multi-row INSERTs, each value passed through its column type's bind processor.

    The same values a Core insert would bind, without its per-row parameter dictionaries. A column that is None in
    every row and has no default is left out of the statement: SQLite stores NULL for it all the same.
    """
    if not count:
        return
    dialect = session.get_bind().dialect
    names: list[str] = []
    # Column by column, in C loops where it can be (map, list.count): one bind processor call per value, or per
    # distinct value for the repeating kinds. Processors take None as a Core insert hands it to them.
    processed: list[Sequence[Any]] = []
    for name, values in _with_defaults(table, columns, count).items():
        column = table.c[name]
        # Most columns' first value is not None: the whole column is scanned only when it might be all None
        # (list.count compares every value with None, a rich comparison per Decimal).
        if column.server_default is None and values[0] is None and values.count(None) == count:
            continue
        impl = column.type.dialect_impl(dialect)
        process = impl.bind_processor(dialect)
        if process is None:
            processed.append(values)
        elif isinstance(column.type, _REPEATING):
            processed.append(_processed(values, process))
        elif isinstance(impl, SQLiteExactNumeric):
            processed.append(impl.bind_column(list(values), process))
        else:
            processed.append(list(map(process, values)))
        names.append(name)
    if not names:  # every value None: name one column, a statement needs one
        names, processed = list(columns)[:1], [[None] * count]
    quote = dialect.identifier_preparer.quote
    marks = ", ".join("?" * len(names))
    statement = f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) VALUES ({marks})"
    session.flush()
    connection = session.connection()
    # Several rows per INSERT: SQLite steps one statement per row either way, but a multi-row VALUES statement
    # is reset and re-bound once per ROWS_PER_STATEMENT rows (about a quarter less time than one row each).
    per_statement = max(1, min(ROWS_PER_STATEMENT, SQLITE_MAX_VARIABLES // len(names)))
    full = count - count % per_statement
    if full:
        many = f"{statement}{f', ({marks})' * (per_statement - 1)}"
        # Each statement's parameters straight from the columns, row after row: the value of column c on row r
        # of a group is the group's flat parameter r * width + c.
        width = len(names)
        flat: list[Any] = [None] * (full * width)
        for index, values in enumerate(processed):
            flat[index : full * width : width] = values[:full]
        step = per_statement * width
        groups = [tuple(flat[k : k + step]) for k in range(0, full * width, step)]
        connection.exec_driver_sql(many, groups)
    if full < count:
        connection.exec_driver_sql(statement, list(zip(*(values[full:] for values in processed), strict=True)))


# Column types whose values repeat across a bulk write's rows (a few dates and flags on every bill) and whose
# SQLite bind processors are Python functions: those are called once per distinct value.
_REPEATING = (Date, DateTime, Boolean)


def _processed(values: Sequence[object], process: Callable[[object], object]) -> Sequence[object]:
    """`process` of each value, called once per distinct value (the values are hashable: dates and flags)."""
    first = values[0]
    if values.count(first) == len(values):  # one value on every row (the run's date, a flag): compared in C
        return [process(first) if first is not None else None] * len(values)
    done: dict[object, object] = {None: None}
    return [done[v] if v in done else done.setdefault(v, process(v)) for v in values]


def _copy(session: Session, rows: Prepared, meanwhile: Callable[[], object] | None) -> None:
    """COPY the rows over the session's own connection, so they belong to its transaction; with `meanwhile`, the
    COPY runs in a thread of its own while this one calls it (the session is not used by both at once: `meanwhile`
    must not use it)."""
    # The PostgreSQL driver's own modules: a SQLite process (every command line run by default) never loads them.
    from psycopg import sql
    from psycopg.types.json import Json

    table, filled, _count, copy_text = rows
    names = sql.SQL(", ").join(sql.Identifier(name) for name in filled)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table.name), names)
    session.flush()
    driver: Any = session.connection().connection.driver_connection

    def send() -> None:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            if copy_text is not None:
                copy.write(copy_text.encode(driver.info.encoding))
                return
            # COPY adapts values by their Python type; documents must be marked as JSON explicitly.
            values = [
                [None if v is None else Json(v) for v in column] if isinstance(table.c[name].type, JSON) else column
                for name, column in filled.items()
            ]
            write = copy.write_row
            for row in zip(*values, strict=True):
                write(row)

    if meanwhile is None:
        send()
        return
    # While the server inserts the rows and checks their foreign keys, the driver waits with the interpreter lock
    # released: the caller's own Python (the next rows to send) runs meanwhile.
    failed: list[BaseException] = []

    def sending() -> None:
        try:
            send()
        except BaseException as error:  # raised in the caller's thread, below
            failed.append(error)

    thread = threading.Thread(target=sending, name=f"copy-{table.name}")
    thread.start()
    try:
        meanwhile()
    finally:
        thread.join()  # the connection is the caller's again only once the COPY has ended
        if failed:
            raise failed[0]


_TEXT_AS_IS = frozenset({int, Decimal, date, datetime})
"""Python types whose COPY text is their str(), as the driver's text dumpers make it."""
_NULL = "\\N"
_BOOLEAN_TEXT: dict[object, str] = {True: "t", False: "f", None: _NULL}
_COPY_ESCAPES = str.maketrans(
    {"\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f", "\r": "\\r"}
)
_COPY_SPECIAL = re.compile("[\\\\\b\t\n\v\f\r]")
_NO_VALUE = type(None)


def _copy_text(table: Table, columns: Columns, count: int) -> str | None:
    """The rows as COPY text, as the driver's `write_row` would send them, built a column at a time in C loops (the
    str of each value, then joined); None when a column holds a value whose text this does not make exactly as the
    driver does (a document, a type not listed, a NaN, NUL in a text), for the driver to format row by row."""
    texts: list[Sequence[str]] = []
    for name, values in columns.items():
        if isinstance(table.c[name].type, JSON):
            return None
        if values[0] is None and values.count(None) == count:  # a column left empty (by identity, in C)
            texts.append([_NULL] * count)
            continue
        kinds = set(map(type, values))
        some_none = _NO_VALUE in kinds
        kinds.discard(_NO_VALUE)
        if not kinds:
            texts.append([_NULL] * count)
        elif kinds == {bool}:
            texts.append(list(map(_BOOLEAN_TEXT.__getitem__, values)))
        elif kinds <= _TEXT_AS_IS:
            strings = _texts(values, kinds, count)
            if some_none:  # `None in values` would compare every value with None
                strings = [_NULL if v is None else s for v, s in zip(values, strings, strict=True)]
            if Decimal in kinds and "NaN" in "".join(strings):
                return None  # the driver writes a signalling NaN as NaN
            texts.append(strings)
        elif kinds == {str}:
            words = cast(Sequence[str], [_NULL if v is None else v for v in values] if some_none else values)
            joined = "".join(words)
            if "\0" in joined:
                return None  # the driver refuses it, with its own error
            if _COPY_SPECIAL.search(joined):
                words = [_NULL if v is None else cast(str, v).translate(_COPY_ESCAPES) for v in values]
            texts.append(words)
        else:
            return None
    return "\n".join(map("\t".join, zip(*texts, strict=True))) + "\n"


def _texts(values: Sequence[object], kinds: set[type], count: int) -> list[str]:
    """`str` of each value (None gives "None"), made once per distinct value where values repeat: a bulk write's
    dates and timestamps (str of a timestamp is about 1 us) and its small integer keys (types, units, positions)."""
    if kinds == {datetime}:
        # By identity: equal timestamps of other zones (or folds) print differently. A write's timestamps are
        # mostly one object (its `now`) on every row.
        distinct = dict(zip(map(id, values), values, strict=True))
        if len(distinct) * 4 <= count:
            made = {key: str(value) for key, value in distinct.items()}
            return list(map(made.__getitem__, map(id, values)))
    elif (kinds == {date} or kinds == {int}) and len(set(values[:64])) <= 16:
        # Equal dates, and equal integers (not bools: those are apart in `kinds`), print alike. Only where the first
        # rows repeat: a column of distinct keys (the rows' own ids) is not worth the set.
        seen = set(values)
        if len(seen) * 4 <= count:
            known = {value: str(value) for value in seen}
            return list(map(known.__getitem__, values))
    return list(map(str, values))
