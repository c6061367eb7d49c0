"""The filter language: parsing, typing and the errors that name the field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apportion.domain import filters
from apportion.domain.errors import ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType

FIELDS = filters.specs(
    FieldSpec("accountCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("calculateBillVersionID", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("billingPeriod", FieldType.DATE_PERIOD, frozenset({"equals", "current month"})),
    FieldSpec("totalCost", FieldType.DECIMAL, filters.NUMBER_OPS),
    FieldSpec("void", FieldType.BOOLEAN, filters.BOOLEAN_OPS),
)


def test_parses_conditions_joined_by_and() -> None:
    conditions = filters.parse(
        "accountCode like 'A1' AND calculateBillVersionID between '3'|'9' and totalCost greater than equal '10.50'",
        FIELDS,
    )
    assert [(c.field, c.operator, c.values) for c in conditions] == [
        ("accountCode", "like", ("A1",)),
        ("calculateBillVersionID", "between", (3, 9)),
        ("totalCost", "greater than equal", (Decimal("10.50"),)),
    ]


def test_field_names_and_operators_are_case_insensitive() -> None:
    (condition,) = filters.parse("ACCOUNTCODE Not One Of 'a'|'b'", FIELDS)
    assert (condition.field, condition.operator, condition.values) == ("accountCode", "not one of", ("a", "b"))


def test_quotes_escape_by_doubling() -> None:
    (condition,) = filters.parse("accountCode equals 'O''Brien and sons'", FIELDS)
    assert condition.values == ("O'Brien and sons",)


def test_value_less_shortcut() -> None:
    (condition,) = filters.parse("billingPeriod current month", FIELDS)
    assert condition.values == ()


def test_empty_filter_means_no_conditions() -> None:
    assert filters.parse(None, FIELDS) == []
    assert filters.parse("   ", FIELDS) == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("nope equals '1'", "Unknown filter field 'nope'"),
        ("accountCode between 'a'|'b'", "not allowed for field 'accountCode'"),
        ("calculateBillVersionID equals 'x'", "not a valid Integer value for field 'calculateBillVersionID'"),
        ("billingPeriod equals '202413'", "not a valid DatePeriod value for field 'billingPeriod': use YYYYMM"),
        ("void equals 'maybe'", "not a valid Boolean"),
        ("accountCode equals 'open", "Unterminated"),
        ("accountCode equals A1", "Expected a quoted value"),
        ("accountCode equals 'a' or void equals 'true'", "Expected 'and'"),
        ("calculateBillVersionID between '1'", "takes two values"),
        ("accountCode equals 'a'|'b'", "takes one value"),
        ("accountCode sounds like 'a'", "Unknown operator"),
    ],
)
def test_malformed_filters_name_the_problem(text: str, fragment: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        filters.parse(text, FIELDS)
    assert fragment in caught.value.errors["filter"][0]


def test_every_value_operator_says_how_many_values_it_takes() -> None:
    assert set(filters.VALUE_OPERATORS) == set(filters.FilterOperator)


def test_operators_keep_their_spelling() -> None:
    assert [str(op) for op in filters.FilterOperator] == [
        "equals",
        "not equals",
        "less than",
        "greater than",
        "less than equal",
        "greater than equal",
        "like",
        "not like",
        "between",
        "not between",
        "one of",
        "not one of",
    ]
    assert [str(op) for op in filters.DateShortcut] == [
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
    ]
