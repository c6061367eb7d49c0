"""Compile parsed filter conditions into SQLAlchemy clauses with bound parameters only.

A field of a related row (a bill's account code, a meter's linked vendors ...) is a `Related` target: every
condition on that field goes into one sub-select, `key IN (SELECT key ... WHERE c1 AND c2 ...)`, never one
sub-select per condition. PostgreSQL plans each sub-select as a semi-join and searches the orders of all of them:
60 conditions on accountCode took a minute to plan, one sub-select for the field takes milliseconds. For a field
with several related rows (a bill's meters) the conditions on it hold for one and the same row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, assert_never, cast

from sqlalchemy import ColumnElement, Date, DateTime, Select, and_, exists, func, literal, not_, or_

from apportion.domain.filters import (
    Condition,
    DateShortcut,
    FieldType,
    FilterOperator,
    shortcut_periods,
    shortcut_times,
)
from apportion.store.sums import comparable

Clause = ColumnElement[bool]


@dataclass(frozen=True)
class Related:
    """A filter field on a column of related rows: `within(all of the field's conditions on column)` is the clause."""

    column: Any  # a column, or a mapped attribute
    within: Callable[[Clause], Clause]


def related_in(key: Any, keys: Select[Any], column: Any) -> Related:
    """`key IN (keys WHERE conditions on column)`: an uncorrelated sub-select, planned once, not run per row."""
    return Related(column, lambda where: _clause(key.in_(keys.where(where))))


def related_exists(column: Any, *correlation: ColumnElement[bool]) -> Related:
    """`EXISTS (... WHERE correlation AND conditions on column)`."""
    return Related(column, lambda where: _clause(exists().where(*correlation, where)))


Target = ColumnElement[Any] | Related | Callable[[Condition], Clause]


def _clause(expression: Any) -> Clause:
    return cast(Clause, expression)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _containing(value: Any) -> str:
    """The LIKE pattern of a `like` filter: the value anywhere in the text, its wildcards taken literally."""
    return f"%{_escape_like(str(value))}%"


def _shortcut_range(
    op: DateShortcut, field_type: FieldType, today: date
) -> tuple[int, int] | tuple[datetime, datetime]:
    """Inclusive bounds of a value-less date operator, in the field's own terms (domain.filters)."""
    if field_type is FieldType.DATE_PERIOD:
        bounds = shortcut_periods(op, today)
        if bounds is not None:
            return bounds
    return shortcut_times(op, today)


def _on_date_column(column: ColumnElement[Any], value: object) -> object:
    """A midnight date-time compared with a DATE column is that date.

    SQLAlchemy binds a datetime as DATETIME even against a DATE column, and SQLite compares the text
    '2024-02-01' with '2024-02-01 00:00:00.000000' as different; other times keep their ordering as they are.
    """
    column_type = getattr(column, "type", None)
    if isinstance(column_type, Date) and not isinstance(column_type, DateTime) and isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    return value


def compile_condition(condition: Condition, column: ColumnElement[Any], today: date) -> Clause:
    """One condition against one column; strings compare case-insensitively (§7 Q5)."""
    op = condition.operator
    values: list[Any] = [_on_date_column(column, v) for v in condition.values]
    target: ColumnElement[Any] = column
    if condition.type is FieldType.STRING:
        target = func.lower(column)
        values = [str(v).lower() for v in values]
    elif condition.type is FieldType.DECIMAL:
        target = comparable(column)  # SQLite keeps a long decimal as exact text (models.base.SQLiteExactNumeric)
    if isinstance(op, DateShortcut):
        low, high = _shortcut_range(op, condition.type, today)
        return target.between(literal(_on_date_column(column, low)), literal(_on_date_column(column, high)))
    match op:
        case FilterOperator.EQUALS:
            return _clause(target == values[0])
        case FilterOperator.NOT_EQUALS:
            return or_(target != values[0], column.is_(None))
        case FilterOperator.LESS_THAN:
            return _clause(target < values[0])
        case FilterOperator.GREATER_THAN:
            return _clause(target > values[0])
        case FilterOperator.LESS_THAN_EQUAL:
            return _clause(target <= values[0])
        case FilterOperator.GREATER_THAN_EQUAL:
            return _clause(target >= values[0])
        case FilterOperator.BETWEEN:
            return target.between(values[0], values[1])
        case FilterOperator.NOT_BETWEEN:
            return not_(target.between(values[0], values[1]))
        case FilterOperator.ONE_OF:
            return target.in_(values)
        case FilterOperator.NOT_ONE_OF:
            return or_(target.not_in(values), column.is_(None))
        case FilterOperator.LIKE:
            return target.like(_containing(values[0]), escape="\\")
        case FilterOperator.NOT_LIKE:
            return or_(not_(target.like(_containing(values[0]), escape="\\")), column.is_(None))
        case _:
            assert_never(op)


def compile_filter(conditions: Iterable[Condition], targets: Mapping[str, Any], today: date) -> Clause:
    """AND of every condition; a target is a column, a `Related` column (one sub-select for all of the field's
    conditions), or a function building the clause itself."""
    clauses: list[Clause] = []
    related: dict[str, list[Clause]] = {}
    for condition in conditions:
        target = targets[condition.field]
        if isinstance(target, Related):
            related.setdefault(condition.field, []).append(compile_condition(condition, target.column, today))
        elif callable(target) and not isinstance(target, ColumnElement):
            clauses.append(target(condition))
        else:
            clauses.append(compile_condition(condition, target, today))
    for field, on_column in related.items():
        clauses.append(targets[field].within(and_(*on_column)))
    return and_(True, *clauses)
