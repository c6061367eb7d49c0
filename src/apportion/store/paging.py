"""SQL-side paging: LIMIT/OFFSET plus a COUNT over the same filtered statement."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeAlias, TypeVar, cast

from sqlalchemy import BindParameter, Boolean, ColumnElement, Integer, Select, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import CursorResult, Dialect, RowMapping
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

AnySelect: TypeAlias = Select[*tuple[Any, ...]]
"""A SELECT of any columns."""
T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """One page of rows and the total number of matching rows."""

    rows: list[RowMapping]
    total: int


def paginate(
    session: Session,
    statement: AnySelect,
    page_number: int,
    page_size: int,
    counted_rows: AnySelect | None = None,
    ordered_keys: AnySelect | None = None,
    *,
    by_attribute: bool = False,
) -> Page:
    """Run `statement` for one page (1-based) and count all its rows with the same filters.

    `counted_rows` is a leaner SELECT with the same rows (the same FROM and WHERE without the outer joins that
    only add child columns); it is counted instead of `statement`, which SQLite would otherwise join row by row.

    `ordered_keys` selects the statement's unique key alone, with the same WHERE and ORDER BY. When given, the
    page's keys are picked from it and only those rows of `statement` are built: a deep page then skips bare
    keys, not rows whose child columns and correlated flags PostgreSQL would compute before discarding them.
    """
    # Rows read by column name skip the ORM's per-statement and per-row work on the session's connection; rows read
    # by mapped entity or attribute (row[Meter], row[Rate.rate_id]: the shaped queries) need the session's result.
    connection = session if by_attribute else session.connection()
    source = statement if counted_rows is None else counted_rows
    counted = select(func.count()).select_from(source.order_by(None).subquery())
    total = connection.execute(counted).scalar_one()
    offset = (page_number - 1) * page_size
    if offset >= total:
        return Page([], total)
    if ordered_keys is None:
        return Page(list(connection.execute(statement.limit(page_size).offset(offset)).mappings().all()), total)
    key = ordered_keys.selected_columns[0]
    page = ordered_keys.limit(page_size).offset(offset).scalar_subquery()
    return Page(list(connection.execute(statement.where(key.in_(page))).mappings().all()), total)


PAGE_KEYS: BindParameter[Any] = bindparam("page_keys", expanding=True)
"""The keys of one page: the parameter of the statement `page_by_keys` reads a page's rows with."""
_PAGE_KEY_ARRAY: BindParameter[Any] = bindparam("page_keys", type_=ARRAY(Integer))


class InPage(ColumnElement[bool]):
    """`column` is one of the page's keys (the parameter PAGE_KEYS): `column IN (?, ?, ...)`, a parameter a key, and
    on PostgreSQL `column = ANY(%(page_keys)s)`, one array parameter, so the statement's text does not grow with the
    page (250 parameters rendered by SQLAlchemy and parsed by psycopg on every request, 0.5 ms of a page)."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a condition as it is (not `... = 1` on a database without booleans)
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]  # noqa: RUF012 (SQLAlchemy's own form)

    def __init__(self, column: ColumnElement[Any] | QueryableAttribute[Any]) -> None:
        self.column: ColumnElement[Any] = column.expression if isinstance(column, QueryableAttribute) else column


@compiles(InPage)
def _in_page(element: InPage, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column.in_(PAGE_KEYS), **kw)


@compiles(InPage, "postgresql")
def _in_page_array(element: InPage, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column == any_(_PAGE_KEY_ARRAY), **kw)


def page_by_keys(
    read: Callable[[Sequence[Any]], T],
    session: Session,
    rows_of_keys: AnySelect,
    counted_rows: AnySelect,
    ordered_keys: AnySelect,
    page_number: int,
    page_size: int,
) -> TypedPage[T]:
    """One page (1-based) in three statements, each row read by position: the count of `counted_rows`, the page's
    keys from `ordered_keys` (the unique key alone, with the WHERE and ORDER BY; on PostgreSQL these two are one
    statement, `counted_rows` then only counted for a page past the end), then their rows from
    `rows_of_keys`, whose WHERE takes the keys as `PAGE_KEYS` (`InPage(key)`) and which orders them as
    `ordered_keys` does (`read_by_position`).

    `rows_of_keys` does not change with the filter, so it is built once: SQLAlchemy then finds its compiled form
    without walking a new statement of the listing's joins, aliases and flag subqueries on every request (about
    half a millisecond of a bill page); only the lean key statements are new per request.
    """
    connection = session.connection()
    offset = (page_number - 1) * page_size
    if connection.dialect.name == "postgresql":
        # The keys and the total in one statement (`count(*) OVER ()` counts every row the WHERE picks, before the
        # LIMIT): a round trip less, each a wait on a busy server. SQLite counts a table faster than it walks it.
        numbered = ordered_keys.add_columns(func.count().over()).limit(page_size).offset(offset)
        found = connection.execute(numbered).all()
        if found:
            result = connection.execute(rows_of_keys, {PAGE_KEYS.key: [key for key, _ in found]})
            return TypedPage(read_by_position(read, result, rows_of_keys), found[0][1])
    counted = select(func.count()).select_from(counted_rows.order_by(None).subquery())
    total = connection.execute(counted).scalar_one()
    if offset >= total:
        return TypedPage([], total)
    keys = connection.execute(ordered_keys.limit(page_size).offset(offset)).scalars().all()  # one fetchall
    if not keys:
        return TypedPage([], total)
    result = connection.execute(rows_of_keys, {PAGE_KEYS.key: keys})
    return TypedPage(read_by_position(read, result, rows_of_keys), total)


def read_by_position(read: Callable[[Sequence[Any]], T], result: CursorResult[Any], statement: AnySelect) -> list[T]:
    """`read` of every row of `result` (of `statement`, a SELECT of columns built once and kept), given as the
    driver's tuple with each value converted as SQLAlchemy's own rows would give it (SQLite's dates from text, exact
    decimals, booleans from integers, JSON documents).

    SQLAlchemy makes a row object per row and converts its values one by one, and a reader by name then finds each
    column in the row's mapping; here the driver's rows are taken as they are, only the columns that need it are
    converted, a column at a time (`map` of SQLAlchemy's own converters), and `read` takes the values by position.
    """
    cursor = result.cursor
    rows: list[tuple[Any, ...]] = cast(list[tuple[Any, ...]], cursor.fetchall())
    description = cursor.description
    result.close()
    if not rows:
        return []
    converters = _converters(statement, result.dialect, tuple(d[1] for d in description))
    if not converters:
        return list(map(read, rows))
    columns: list[Any] = list(zip(*rows, strict=True))
    for index, convert in converters:
        columns[index] = map(convert, columns[index])
    return list(map(read, zip(*columns, strict=True)))


Converters: TypeAlias = tuple[tuple[int, Callable[[Any], Any]], ...]
_CONVERTERS: dict[tuple[int, str, tuple[Any, ...]], tuple[AnySelect, Converters]] = {}


def _converters(statement: AnySelect, dialect: Dialect, driver_types: Sequence[Any]) -> Converters:
    """(position, converter) of each column of `statement` whose driver value needs converting: SQLAlchemy's
    converter of the column's type for this dialect and driver type; found once per statement and dialect (the
    statements given here are built once and kept, and each is kept here with its converters)."""
    key = (id(statement), dialect.name, tuple(driver_types))
    kept = _CONVERTERS.get(key)
    found = kept[1] if kept is not None and kept[0] is statement else None
    if found is None:
        columns = statement.selected_columns
        if len(columns) != len(driver_types):
            raise ValueError("read_by_position takes a SELECT of columns")
        found = tuple(
            (index, convert)
            for index, (column, driver_type) in enumerate(zip(columns, driver_types, strict=True))
            if (convert := column.type.dialect_impl(dialect).result_processor(dialect, driver_type)) is not None
        )
        _CONVERTERS[key] = (statement, found)
    return found


@dataclass(frozen=True)
class TypedPage(Generic[T]):
    """One page of typed values and the total number of matching rows."""

    rows: list[T]
    total: int


def paginate_as(
    read: Callable[[RowMapping], T], session: Session, statement: AnySelect, page_number: int, page_size: int
) -> TypedPage[T]:
    """`paginate`, each row of the page turned into a typed value by `read`."""
    page = paginate(session, statement, page_number, page_size, by_attribute=True)
    return TypedPage([read(row) for row in page.rows], page.total)
