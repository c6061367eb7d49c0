"""EnergyCAP's filter language: `field operator 'value' and ...` parsed into typed conditions.

Each list endpoint declares a FieldSpec per field (type and allowed operators). Parsing checks the field,
the operator and each value against that table and raises ValidationFailed on the "filter" key naming the
offending field, operator or value (domain.md §1.7, §7 Q5). Values are typed here; the store binds them
as parameters, never as SQL text.

A filter holds at most MAX_CONDITIONS conditions and MAX_VALUES values in all (docs/security.md#limits): past
either it is refused while it is read, before any query is built.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import Enum, StrEnum
from typing import assert_never

from apportion.domain import periods
from apportion.domain.errors import ValidationFailed


class FieldType(Enum):
    """The value type of a filter field, as EnergyCAP's pages name it."""

    STRING = "String"
    INTEGER = "Integer"
    DECIMAL = "Decimal"
    BOOLEAN = "Boolean"
    DATE_PERIOD = "DatePeriod"
    DATE_TIME = "DateTime"


class FilterOperator(StrEnum):
    """An operator that compares a field with values, as a filter spells it."""

    EQUALS = "equals"
    NOT_EQUALS = "not equals"
    LESS_THAN = "less than"
    GREATER_THAN = "greater than"
    LESS_THAN_EQUAL = "less than equal"
    GREATER_THAN_EQUAL = "greater than equal"
    LIKE = "like"
    NOT_LIKE = "not like"
    BETWEEN = "between"
    NOT_BETWEEN = "not between"
    ONE_OF = "one of"
    NOT_ONE_OF = "not one of"


class DateShortcut(StrEnum):
    """An operator that takes no value: a date range relative to today, as a filter spells it."""

    TODAY = "today"
    YESTERDAY = "yesterday"
    LAST_7_DAYS = "last 7 days"
    LAST_14_DAYS = "last 14 days"
    LAST_30_DAYS = "last 30 days"
    LAST_60_DAYS = "last 60 days"
    LAST_90_DAYS = "last 90 days"
    CURRENT_MONTH = "current month"
    PRIOR_MONTH = "prior month"
    PRIOR_YEAR = "prior year"
    PRIOR_FISCAL_YEAR = "prior fiscal year"
    PRIOR_12_MONTHS = "prior 12 months"  # the same as "prior 12 months**"
    PRIOR_12_MONTHS_WITH_CURRENT = "prior 12 months*"
    PRIOR_12_MONTHS_TO_PRIOR = "prior 12 months**"
    YEAR_TO_DATE = "year-to-date"  # the same as "year-to-date*"
    YEAR_TO_DATE_WITH_CURRENT = "year-to-date*"
    YEAR_TO_DATE_TO_PRIOR = "year-to-date**"
    FISCAL_YEAR_TO_DATE_WITH_CURRENT = "fiscal year-to-date*"
    FISCAL_YEAR_TO_DATE_TO_PRIOR = "fiscal year-to-date**"


# Shortcuts that name whole months: the ones a billing period (DatePeriod) field takes. "*" runs through the
# current month, "**" through the prior month (the last whole one).
MONTH_SHORTCUTS = frozenset(
    {
        DateShortcut.CURRENT_MONTH,
        DateShortcut.PRIOR_MONTH,
        DateShortcut.PRIOR_YEAR,
        DateShortcut.PRIOR_FISCAL_YEAR,
        DateShortcut.PRIOR_12_MONTHS,
        DateShortcut.PRIOR_12_MONTHS_WITH_CURRENT,
        DateShortcut.PRIOR_12_MONTHS_TO_PRIOR,
        DateShortcut.YEAR_TO_DATE,
        DateShortcut.YEAR_TO_DATE_WITH_CURRENT,
        DateShortcut.YEAR_TO_DATE_TO_PRIOR,
        DateShortcut.FISCAL_YEAR_TO_DATE_WITH_CURRENT,
        DateShortcut.FISCAL_YEAR_TO_DATE_TO_PRIOR,
    }
)


class FilterDay(date):
    """Today in the server's time zone, with the month its fiscal year starts in (settings), for the relative date
    operators. A plain date works wherever a FilterDay does: its fiscal year starts in January."""

    fiscal_year_start_month: int = 1

    @classmethod
    def of(cls, day: date, fiscal_year_start_month: int = 1) -> FilterDay:
        """`day` with the fiscal year starting in the given month (1-12)."""
        if not 1 <= fiscal_year_start_month <= 12:
            raise ValueError(f"A fiscal year starts in a month 1-12, not {fiscal_year_start_month}.")
        found = cls(day.year, day.month, day.day)
        found.fiscal_year_start_month = fiscal_year_start_month
        return found


def fiscal_start_month(day: date) -> int:
    """The month `day`'s fiscal year starts in (January for a plain date)."""
    return day.fiscal_year_start_month if isinstance(day, FilterDay) else 1


def shortcut_periods(op: DateShortcut, today: date) -> tuple[int, int] | None:
    """The billing periods (first, last, inclusive) a month-wise shortcut covers on `today`; None for a day-wise
    one. A range may be empty (first > last): "year-to-date**" in January.

    >>> shortcut_periods(DateShortcut.PRIOR_FISCAL_YEAR, FilterDay.of(date(2024, 3, 5), 7))
    (202207, 202306)
    """
    this = periods.of_date(today)
    fiscal_month = fiscal_start_month(today)
    fiscal_year = today.year if today.month >= fiscal_month else today.year - 1
    fiscal_first = fiscal_year * 100 + fiscal_month
    match op:
        case DateShortcut.CURRENT_MONTH:
            return this, this
        case DateShortcut.PRIOR_MONTH:
            return periods.prior(this), periods.prior(this)
        case DateShortcut.PRIOR_YEAR:
            return (today.year - 1) * 100 + 1, (today.year - 1) * 100 + 12
        case DateShortcut.PRIOR_FISCAL_YEAR:
            return periods.add_months(fiscal_first, -12), periods.prior(fiscal_first)
        case DateShortcut.PRIOR_12_MONTHS | DateShortcut.PRIOR_12_MONTHS_TO_PRIOR:
            return periods.add_months(this, -12), periods.prior(this)
        case DateShortcut.PRIOR_12_MONTHS_WITH_CURRENT:
            return periods.add_months(this, -11), this
        case DateShortcut.YEAR_TO_DATE | DateShortcut.YEAR_TO_DATE_WITH_CURRENT:
            return today.year * 100 + 1, this
        case DateShortcut.YEAR_TO_DATE_TO_PRIOR:
            return today.year * 100 + 1, periods.prior(this)
        case DateShortcut.FISCAL_YEAR_TO_DATE_WITH_CURRENT:
            return fiscal_first, this
        case DateShortcut.FISCAL_YEAR_TO_DATE_TO_PRIOR:
            return fiscal_first, periods.prior(this)
        case (
            DateShortcut.TODAY
            | DateShortcut.YESTERDAY
            | DateShortcut.LAST_7_DAYS
            | DateShortcut.LAST_14_DAYS
            | DateShortcut.LAST_30_DAYS
            | DateShortcut.LAST_60_DAYS
            | DateShortcut.LAST_90_DAYS
        ):
            return None
        case _:
            assert_never(op)


def shortcut_times(op: DateShortcut, today: date) -> tuple[datetime, datetime]:
    """The date-times (first, last, inclusive, to the microsecond) a shortcut covers on `today`: day-wise ones count
    back from the end of today; month-wise ones cover their months, "to date" ones ending with today."""
    tick = timedelta(microseconds=1)
    start_of_day = datetime(today.year, today.month, today.day)
    end_of_today = start_of_day + timedelta(days=1) - tick
    months = shortcut_periods(op, today)
    if months is None:
        if op is DateShortcut.TODAY:
            return start_of_day, end_of_today
        if op is DateShortcut.YESTERDAY:
            return start_of_day - timedelta(days=1), start_of_day - tick
        return start_of_day - timedelta(days=int(op.split()[1])), end_of_today
    first, last = months
    low = datetime.combine(periods.first_day(first), datetime.min.time())
    high = datetime.combine(periods.end_date(last), datetime.min.time()) - tick
    if last == periods.of_date(today) and op is not DateShortcut.CURRENT_MONTH:
        high = end_of_today  # "to date": nothing after today
    return low, high


Operator = FilterOperator | DateShortcut

# Operators with how many values they take: 1, "list" (| separated) or "pair"; a DateShortcut takes none.
VALUE_OPERATORS: dict[str, int | str] = {
    FilterOperator.EQUALS: 1,
    FilterOperator.NOT_EQUALS: 1,
    FilterOperator.LESS_THAN: 1,
    FilterOperator.GREATER_THAN: 1,
    FilterOperator.LESS_THAN_EQUAL: 1,
    FilterOperator.GREATER_THAN_EQUAL: 1,
    FilterOperator.LIKE: 1,
    FilterOperator.NOT_LIKE: 1,
    FilterOperator.BETWEEN: "pair",
    FilterOperator.NOT_BETWEEN: "pair",
    FilterOperator.ONE_OF: "list",
    FilterOperator.NOT_ONE_OF: "list",
}
DATE_SHORTCUTS = tuple(DateShortcut)
# Longest first so "less than equal" wins over "less than".
_OPERATORS: list[Operator] = sorted([*FilterOperator, *DateShortcut], key=len, reverse=True)

_Op = FilterOperator
STRING_OPS = frozenset({_Op.EQUALS, _Op.NOT_EQUALS, _Op.ONE_OF, _Op.NOT_ONE_OF, _Op.LIKE, _Op.NOT_LIKE})
NUMBER_OPS = frozenset(
    {
        _Op.EQUALS,
        _Op.NOT_EQUALS,
        _Op.LESS_THAN,
        _Op.GREATER_THAN,
        _Op.LESS_THAN_EQUAL,
        _Op.GREATER_THAN_EQUAL,
        _Op.BETWEEN,
        _Op.NOT_BETWEEN,
        _Op.ONE_OF,
        _Op.NOT_ONE_OF,
    }
)
BOOLEAN_OPS = frozenset({_Op.EQUALS, _Op.NOT_EQUALS})
DATE_TIME_OPS = NUMBER_OPS | frozenset(DateShortcut)
"""A DateTime field: comparisons and every date shortcut."""
PERIOD_OPS = NUMBER_OPS | MONTH_SHORTCUTS
"""A DatePeriod (billing period) field: comparisons and the month-wise shortcuts."""
MAX_CONDITIONS = 50
"""Most conditions one filter may join with `and`."""
MAX_VALUES = 1000
"""Most values one filter may hold in all (`one of` lists count each value)."""
MAX_DECIMAL_EXPONENT = 100
"""Decimal values lie within 1e-100 .. 1e100 in magnitude (or are 0): finite, and what both databases compare."""


@dataclass(frozen=True)
class FieldSpec:
    """A filterable field of one list endpoint: its type and the operators it allows (their spellings)."""

    name: str
    type: FieldType
    operators: frozenset[str]


FilterValue = str | int | Decimal | bool | date | datetime


@dataclass(frozen=True)
class Condition:
    """One parsed condition: canonical field name, operator and typed values (empty for shortcuts)."""

    field: str
    type: FieldType
    operator: Operator
    values: tuple[FilterValue, ...]


def specs(*fields: FieldSpec) -> dict[str, FieldSpec]:
    """Index field specs by lower-cased name: field names match case-insensitively (§7 Q5). Every date field takes
    the date shortcuts its type allows (DateTime: all; DatePeriod: the month-wise ones), on every list."""
    found: dict[str, FieldSpec] = {}
    for spec in fields:
        if spec.type is FieldType.DATE_TIME:
            spec = FieldSpec(spec.name, spec.type, spec.operators | frozenset(DateShortcut))
        elif spec.type is FieldType.DATE_PERIOD:
            spec = FieldSpec(spec.name, spec.type, spec.operators | MONTH_SHORTCUTS)
        found[spec.name.lower()] = spec
    return found


_FIELD = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_.]*)\s+")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def _invalid(reason: str) -> ValidationFailed:
    return ValidationFailed.single("filter", reason)


def _read_quoted(text: str, pos: int) -> tuple[str, int]:
    """Read a single-quoted value starting at text[pos] == "'"; '' stands for a literal quote."""
    out: list[str] = []
    i = pos + 1
    while i < len(text):
        ch = text[i]
        if ch == "'":
            if i + 1 < len(text) and text[i + 1] == "'":
                out.append("'")
                i += 2
                continue
            return "".join(out), i + 1
        out.append(ch)
        i += 1
    raise _invalid(f"Unterminated quoted value starting at position {pos + 1}.")


def _read_values(text: str, pos: int) -> tuple[list[str], int]:
    values: list[str] = []
    while True:
        while pos < len(text) and text[pos] == " ":
            pos += 1
        if pos >= len(text) or text[pos] != "'":
            raise _invalid(f"Expected a quoted value at position {pos + 1}.")
        value, pos = _read_quoted(text, pos)
        values.append(value)
        rest = pos
        while rest < len(text) and text[rest] == " ":
            rest += 1
        if rest < len(text) and text[rest] == "|":
            pos = rest + 1
            continue
        return values, pos


def _convert(spec: FieldSpec, raw: str) -> FilterValue:
    kind = spec.type
    try:
        if kind is FieldType.STRING:
            return raw
        if kind is FieldType.INTEGER:
            if not re.fullmatch(r"-?\d{1,18}", raw.strip()):
                raise ValueError
            return int(raw)
        if kind is FieldType.DECIMAL:
            number = Decimal(raw.strip())
            if not number.is_finite() or (number and abs(number.adjusted()) > MAX_DECIMAL_EXPONENT):
                raise ValueError  # NaN, sNaN and infinities are no amounts; 1e999999 fits no column
            return number
        if kind is FieldType.BOOLEAN:
            lowered = raw.strip().lower()
            if lowered not in ("true", "false"):
                raise ValueError
            return lowered == "true"
        if kind is FieldType.DATE_PERIOD:
            if not re.fullmatch(r"\d{6}", raw.strip()) or not periods.is_valid(int(raw)):
                raise _invalid(
                    f"'{raw}' is not a valid {kind.value} value for field '{spec.name}': use YYYYMM, "
                    f"e.g. {periods.parse(raw) or periods.EXAMPLE}."
                )
            return int(raw)
        if kind is FieldType.DATE_TIME:
            return datetime.fromisoformat(raw.strip().replace("Z", "")).replace(tzinfo=None)
        assert_never(kind)
    except (ValueError, InvalidOperation):
        raise _invalid(f"'{raw}' is not a valid {kind.value} value for field '{spec.name}'.") from None


def parse(text: str | None, fields: Mapping[str, FieldSpec]) -> list[Condition]:
    """Parse a filter string against an endpoint's fields; empty or None means no conditions.

    >>> f = specs(FieldSpec("accountCode", FieldType.STRING, STRING_OPS))
    >>> parse("accountCode one of 'A1'|'B''2'", f)[0].values
    ('A1', "B'2")
    """
    if text is None or not text.strip():
        return []
    conditions: list[Condition] = []
    value_count = 0
    pos = 0
    while True:
        match = _FIELD.match(text, pos)
        if not match:
            raise _invalid(f"Expected a field name at position {pos + 1}.")
        name = match.group(1)
        spec = fields.get(name.lower())
        if spec is None:
            known = ", ".join(sorted(s.name for s in fields.values()))
            raise _invalid(f"Unknown filter field '{name}'. Filterable fields: {known}.")
        pos = match.end()
        operator = next((op for op in _OPERATORS if text[pos : pos + len(op)].lower() == op), None)
        if operator is None or (pos + len(operator) < len(text) and text[pos + len(operator)] not in " "):
            raise _invalid(f"Unknown operator after field '{spec.name}' at position {pos + 1}.")
        if operator not in spec.operators:
            allowed = ", ".join(sorted(spec.operators))
            raise _invalid(f"Operator '{operator}' is not allowed for field '{spec.name}'. Allowed: {allowed}.")
        pos += len(operator)
        arity = 0 if isinstance(operator, DateShortcut) else VALUE_OPERATORS[operator]
        raw_values: list[str] = []
        if arity != 0:
            raw_values, pos = _read_values(text, pos)
            if arity == 1 and len(raw_values) != 1:
                raise _invalid(f"Operator '{operator}' on '{spec.name}' takes one value.")
            if arity == "pair" and len(raw_values) != 2:
                raise _invalid(f"Operator '{operator}' on '{spec.name}' takes two values: 'low'|'high'.")
        values = tuple(_convert(spec, raw) for raw in raw_values)
        conditions.append(Condition(spec.name, spec.type, operator, values))
        if len(conditions) > MAX_CONDITIONS:
            raise _invalid(
                f"The filter has more than {MAX_CONDITIONS} conditions; at most {MAX_CONDITIONS} are allowed."
            )
        value_count += len(values)
        if value_count > MAX_VALUES:
            raise _invalid(f"The filter has more than {MAX_VALUES} values; at most {MAX_VALUES} are allowed in all.")
        if pos >= len(text) or not text[pos:].strip():
            return conditions
        joiner = _AND.match(text, pos)
        if not joiner:
            raise _invalid(f"Expected 'and' between conditions at position {pos + 1}.")
        pos = joiner.end()


def field_names(conditions: Iterable[Condition]) -> set[str]:
    """The canonical names of the fields a filter uses."""
    return {condition.field for condition in conditions}
