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
from datetime import date, datetime
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
    PRIOR_12_MONTHS = "prior 12 months"
    YEAR_TO_DATE = "year-to-date"


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
    """Index field specs by lower-cased name: field names match case-insensitively (§7 Q5)."""
    return {spec.name.lower(): spec for spec in fields}


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
