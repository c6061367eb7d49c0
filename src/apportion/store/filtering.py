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
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, Date, DateTime, Select, and_, exists, func, literal, not_, or_

from apportion.domain import periods
from apportion.domain.filters import Condition, FieldType
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


def _shortcut_range(condition: Condition, today: date) -> tuple[Any, Any]:
    """Inclusive bounds of a value-less date operator, in the field's own terms."""
    op = condition.operator
    this_period = periods.of_date(today)
    if condition.type is FieldType.DATE_PERIOD:
        ranges = {
            "current month": (this_period, this_period),
            "prior month": (periods.prior(this_period), periods.prior(this_period)),
            "prior year": ((today.year - 1) * 100 + 1, (today.year - 1) * 100 + 12),
            "prior 12 months": (periods.add_months(this_period, -12), periods.prior(this_period)),
            "year-to-date": (today.year * 100 + 1, this_period),
        }
        if op in ranges:
            return ranges[op]
    start_of_day = datetime(today.year, today.month, today.day)
    days = {"today": 0, "yesterday": 1}
    if op in days:
        begin = start_of_day - timedelta(days=days[op])
        return begin, begin + timedelta(days=1) - timedelta(microseconds=1)
    if op.startswith("last "):
        n = int(op.split()[1])
        return start_of_day - timedelta(days=n), start_of_day + timedelta(days=1) - timedelta(microseconds=1)
    first = periods.first_day(this_period)
    month_begin = datetime(first.year, first.month, 1)
    if op == "current month":
        return month_begin, datetime.combine(periods.end_date(this_period), datetime.min.time()) - timedelta(
            microseconds=1
        )
    if op == "prior month":
        prior_first = periods.first_day(periods.prior(this_period))
        return datetime(prior_first.year, prior_first.month, 1), month_begin - timedelta(microseconds=1)
    if op == "prior year":
        return datetime(today.year - 1, 1, 1), datetime(today.year, 1, 1) - timedelta(microseconds=1)
    if op == "year-to-date":
        return datetime(today.year, 1, 1), start_of_day + timedelta(days=1) - timedelta(microseconds=1)
    prior12 = periods.first_day(periods.add_months(this_period, -12))
    return datetime(prior12.year, prior12.month, 1), month_begin - timedelta(microseconds=1)


def _on_date_column(column: ColumnElement[Any], value: Any) -> Any:
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
    if not values and op not in ("equals", "not equals"):
        low, high = _shortcut_range(condition, today)
        return target.between(literal(_on_date_column(column, low)), literal(_on_date_column(column, high)))
    if op == "equals":
        return _clause(target == values[0])
    if op == "not equals":
        return or_(target != values[0], column.is_(None))
    if op == "less than":
        return _clause(target < values[0])
    if op == "greater than":
        return _clause(target > values[0])
    if op == "less than equal":
        return _clause(target <= values[0])
    if op == "greater than equal":
        return _clause(target >= values[0])
    if op == "between":
        return target.between(values[0], values[1])
    if op == "not between":
        return not_(target.between(values[0], values[1]))
    if op == "one of":
        return target.in_(values)
    if op == "not one of":
        return or_(target.not_in(values), column.is_(None))
    pattern = f"%{_escape_like(str(values[0]))}%"
    if op == "like":
        return target.like(pattern, escape="\\")
    return or_(not_(target.like(pattern, escape="\\")), column.is_(None))


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
