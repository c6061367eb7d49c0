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
from enum import Enum

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


# Operators with how many values they take: 1, "list" (| separated), "pair" or 0 (date shortcuts).
VALUE_OPERATORS: dict[str, int | str] = {
    "equals": 1,
    "not equals": 1,
    "less than": 1,
    "greater than": 1,
    "less than equal": 1,
    "greater than equal": 1,
    "like": 1,
    "not like": 1,
    "between": "pair",
    "not between": "pair",
    "one of": "list",
    "not one of": "list",
}
DATE_SHORTCUTS = (
    "today",
    "yesterday",
    "last 7 days",
    "last 14 days",
    "last 30 days",
    "last 60 days",
    "last 90 days",
    "current month",
    "prior month",
    "prior year",
    "prior 12 months",
    "year-to-date",
)
# Longest first so "less than equal" wins over "less than".
_OPERATORS = sorted([*VALUE_OPERATORS, *DATE_SHORTCUTS], key=len, reverse=True)

STRING_OPS = frozenset({"equals", "not equals", "one of", "not one of", "like", "not like"})
NUMBER_OPS = frozenset(
    {
        "equals",
        "not equals",
        "less than",
        "greater than",
        "less than equal",
        "greater than equal",
        "between",
        "not between",
        "one of",
        "not one of",
    }
)
BOOLEAN_OPS = frozenset({"equals", "not equals"})
MAX_CONDITIONS = 50
"""Most conditions one filter may join with `and`."""
MAX_VALUES = 1000
"""Most values one filter may hold in all (`one of` lists count each value)."""
MAX_DECIMAL_EXPONENT = 100
"""Decimal values lie within 1e-100 .. 1e100 in magnitude (or are 0): finite, and what both databases compare."""


@dataclass(frozen=True)
class FieldSpec:
    """A filterable field of one list endpoint: its type and the operators it allows."""

    name: str
    type: FieldType
    operators: frozenset[str]


FilterValue = str | int | Decimal | bool | date | datetime


@dataclass(frozen=True)
class Condition:
    """One parsed condition: canonical field name, operator and typed values (empty for shortcuts)."""

    field: str
    type: FieldType
    operator: str
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
                raise ValueError
            return int(raw)
        return datetime.fromisoformat(raw.strip().replace("Z", "")).replace(tzinfo=None)
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
        arity = VALUE_OPERATORS.get(operator, 0)
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
