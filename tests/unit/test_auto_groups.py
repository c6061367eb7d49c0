"""Automatic group rules (domain/auto_groups.py): filters parsed against the field table, and the predicate over a
meter's facts, with properties tying negated operators to their positive forms."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apportion.domain.auto_groups import (
    FIELDS,
    NEGATED,
    GroupFilter,
    MeterFacts,
    describe,
    matches,
    members,
    parse,
)
from apportion.domain.errors import ValidationFailed


def _facts(meter_id: int = 1, code: str = "E-100", **changes: object) -> MeterFacts:
    values: dict[str, object] = {
        "meter_id": meter_id,
        "meter_code": code,
        "meter_info": "Hall electric",
        "serial_number": None,
        "active": True,
        "meter_type_id": 1,
        "commodity_id": 1,
        "commodity_code": "ELECTRIC",
        "place_id": 7,
        "place_code": "HALL",
        "within_place_ids": (7, 3, 1),
        "within_place_codes": ("HALL", "NORTH", "ROOT"),
        "account_ids": (21, 22),  # two links: ACC-1 of PPL, ACC-2 of GASCO
        "account_codes": ("ACC-1", "ACC-2"),
        "vendor_codes": ("PPL", "GASCO"),
    }
    values.update(changes)
    return MeterFacts(**values)  # type: ignore[arg-type]


def _holds(field_id: int, operator: str, value: str | None, facts: MeterFacts) -> bool:
    return matches(parse([GroupFilter(field_id, operator, value)]), facts)


@pytest.mark.parametrize(
    ("field_id", "operator", "value", "expected"),
    [
        (7, "equals", "electric", True),  # strings compare without case
        (7, "not equals", "GAS", True),
        (1, "like", "e-1", True),  # anywhere in the text
        (1, "not like", "gas", True),
        (1, "one of", "X|e-100", True),
        (3, "equals", "S1", False),  # an empty field equals nothing ...
        (3, "not equals", "S1", True),  # ... and is "not equal" to everything
        (3, "not one of", "S1|S2", True),
        (4, "equals", "FALSE", False),
        (6, "between", "1|2", True),
        (6, "not between", "2|5", True),
        (5, "greater than", "0", True),
        (5, "less than equal", "0", False),
        (10, "equals", "3", True),  # a place above the meter's
        (10, "not equals", "3", False),  # none of its places may be 3
        (11, "one of", "SOUTH|north", True),
        (11, "not like", "OR", False),  # NORTH contains OR
        (11, "not one of", "SOUTH|EAST", True),
        (9, "equals", "NORTH", False),  # placeCode is the meter's own place only
        (12, "equals", "22", True),  # one of the linked accounts
        (13, "not equals", "ACC-1", True),  # ACC-2 is not ACC-1: as the meter list, one link meeting it is enough
        (13, "not one of", "ACC-1|ACC-2", False),
        (14, "like", "gas", True),
    ],
)
def test_each_operator(field_id: int, operator: str, value: str, expected: bool) -> None:
    assert _holds(field_id, operator, value, _facts()) is expected


def test_all_filters_must_hold_and_members_are_sorted() -> None:
    rule = parse([GroupFilter(7, "equals", "ELECTRIC"), GroupFilter(11, "equals", "NORTH")])
    meters = [_facts(3), _facts(2, within_place_codes=("HALL", "ROOT")), _facts(1), _facts(4, commodity_code="GAS")]
    assert members(rule, meters) == [1, 3]


def test_bad_filters_name_the_filter_and_the_part() -> None:
    with pytest.raises(ValidationFailed) as failed:
        parse(
            [
                GroupFilter(99, "equals", "x"),
                GroupFilter(4, "like", "x"),
                GroupFilter(6, "equals", "six"),
                GroupFilter(6, "between", "1"),
                GroupFilter(1, "equals", None),
            ]
        )
    assert set(failed.value.errors) == {
        "automaticGroupFilters[0].fieldId",
        "automaticGroupFilters[1].operator",
        "automaticGroupFilters[2].value",
        "automaticGroupFilters[3].value",
        "automaticGroupFilters[4].value",
    }
    with pytest.raises(ValidationFailed) as empty:
        parse([])
    assert set(empty.value.errors) == {"automaticGroupFilters"}


def test_quotes_and_case_in_values_are_literal() -> None:
    facts = _facts(meter_info="O'Brien Hall")
    assert _holds(2, "equals", "o'brien HALL", facts)
    assert _holds(2, "like", "%", facts) is False  # wildcards are literal, as on the meter list
    assert describe([GroupFilter(2, "like", "O'B"), GroupFilter(4, "equals", "true")]) == (
        "meterInfo like 'O'B' and active equals 'true'"
    )


texts = st.text(alphabet="abcAB-1 '", max_size=6)
optional_texts = st.none() | texts
place_codes = st.lists(texts, max_size=3).map(tuple)


@given(
    info=texts,
    serial=optional_texts,
    codes=place_codes,
    wanted=st.lists(texts, min_size=1, max_size=3),
    negated=st.sampled_from(["not equals", "not like", "not one of"]),  # what text fields take
)
def test_a_negated_operator_holds_exactly_when_its_positive_form_does_not(
    info: str, serial: str | None, codes: tuple[str, ...], wanted: list[str], negated: str
) -> None:
    facts = _facts(meter_info=info, serial_number=serial, within_place_codes=codes)
    positive = NEGATED[negated]  # type: ignore[index]
    value = "|".join(wanted) if negated == "not one of" else wanted[0]
    for field_id in (2, 3, 11):  # a field always set, one that may be empty, one with several values
        assert _holds(field_id, negated, value, facts) is not _holds(field_id, positive, value, facts)


def test_every_field_reads_a_fact() -> None:
    facts = _facts()
    for field in FIELDS.values():
        assert facts.values_of(field.spec.name)


def test_account_filters_hold_for_one_and_the_same_link_and_never_without_a_link() -> None:
    facts = _facts()
    same_link = parse([GroupFilter(13, "like", "ACC"), GroupFilter(13, "like", "2")])
    assert matches(same_link, facts)
    apart = parse([GroupFilter(14, "equals", "PPL"), GroupFilter(14, "equals", "GASCO")])
    assert not matches(apart, facts)  # no one link has both vendors
    unlinked = _facts(account_ids=(), account_codes=(), vendor_codes=())
    for field_id, operator, value in ((13, "not equals", "X"), (12, "not one of", "1|2"), (14, "not like", "Q")):
        assert not matches(parse([GroupFilter(field_id, operator, value)]), unlinked)
