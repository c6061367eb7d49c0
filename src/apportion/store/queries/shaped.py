"""A SELECT together with the reader that turns each of its rows into a typed value.

A reader finds its columns in a row by the column objects it added (`row[column]`), never by a label's text, so a
statement can be built once (its aliases cost more to make than the query costs to run), then narrowed per request
with `.where(...)` or paged; the reader still fits every statement made from it.

A column of an alias is added under an anonymous label (`labelled`) and read by that label: SQLAlchemy answers a
statement equal in structure to one it compiled before (another day's `today`, a fresh alias of the same table) from
its compiled cache, and finds the new statement's top-level labels in that answer, but not the new alias's columns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeAlias, TypeVar

from sqlalchemy import ColumnElement
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import QueryableAttribute, Session

from apportion.store.paging import AnySelect, TypedPage, paginate_as

T = TypeVar("T")
V = TypeVar("V")
Read: TypeAlias = Callable[[RowMapping], T]
Key: TypeAlias = ColumnElement[Any] | QueryableAttribute[Any]
"""A key column to join on: a Core column expression or a mapped attribute."""


@dataclass(frozen=True)
class Shaped(Generic[T]):
    """A SELECT and the reader making a `T` of each of its rows; `at`, when given, is where each child's columns
    start among the SELECT's columns (in the order the children were joined), for a reader by position."""

    statement: AnySelect
    read: Read[T]
    at: tuple[int, ...] = ()

    def all(self, session: Session, *where: ColumnElement[bool]) -> list[T]:
        """Every row the statement (narrowed by `where`) answers, as typed values."""
        return [self.read(row) for row in session.execute(self.statement.where(*where)).mappings()]

    def one(self, session: Session, *where: ColumnElement[bool]) -> T | None:
        """The row the statement (narrowed by `where`) answers, or None."""
        row = session.execute(self.statement.where(*where)).mappings().one_or_none()
        return None if row is None else self.read(row)

    def page(self, session: Session, where: ColumnElement[bool], page_number: int, page_size: int) -> TypedPage[T]:
        """One page (1-based) of the rows matching `where`, and their total (store/paging.py)."""
        return paginate_as(self.read, session, self.statement.where(where), page_number, page_size)


def grouped(
    shaped: Shaped[tuple[int, V]],
    session: Session,
    parent: Key,
    parent_ids: Sequence[int],
    *where: ColumnElement[bool],
) -> dict[int, list[V]]:
    """The children of each parent in `parent_ids`, in the statement's order: the rows (narrowed by `where`) whose
    `parent` column is one of them, read as (parent id, child). A parent without children gets an empty list."""
    out: dict[int, list[V]] = {i: [] for i in parent_ids}
    for parent_id, child in shaped.all(session, parent.in_(list(parent_ids)), *where):
        out[parent_id].append(child)
    return out


def labelled(*columns: Any) -> tuple[ColumnElement[Any], ...]:
    """Each column under an anonymous label, to add to a SELECT and to read the row by (see the module docstring)."""
    return tuple(column.label(None) for column in columns)


def present(read: Read[T | None], what: str) -> Read[T]:
    """A reader of a child every row has (an outer join on a non-null foreign key): LookupError if it is missing."""

    def read_present(row: RowMapping) -> T:
        value = read(row)
        if value is None:
            raise LookupError(f"A row has no {what}.")
        return value

    return read_present
