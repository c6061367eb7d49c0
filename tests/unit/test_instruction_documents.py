"""Calculated bill instructions survive the trip to their stored JSON document and back."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import get_args

import pytest

from apportion.domain import calculations as calc
from apportion.store import instructions

CASES = [
    calc.CalculatedBillInstructions(
        1,
        use=calc.FixedUse(Decimal("12.500000"), 3),
        cost=calc.FixedCost(Decimal("99.99")),
        demand=calc.FixedDemand(Decimal("4.2"), 7),
        meter_line_items=(
            calc.LineItem("Percentage", "Tax", Decimal("7.25"), 3),
            calc.LineItem("Subtotal", "Sub"),
            calc.LineItem("Fixed", "Fee", Decimal("1.10"), 3),
        ),
        account_line_items=(calc.LineItem("Fixed", "Admin", Decimal("5"), 3),),
    ),
    calc.CalculatedBillInstructions(
        2,
        use=calc.MeterCalculation((1, 2), (9,), (3,), ()),
        cost=calc.MeterCalculation((1, 2), (), (), (8,)),
        demand=calc.ReadingsChannel(4),
    ),
    calc.CalculatedBillInstructions(
        3, use=calc.CopyFromMeter(5, Decimal("50.5")), cost=calc.CopyFromMeter(5, Decimal("12.12345678"))
    ),
    calc.CalculatedBillInstructions(4, use=calc.CalendarizedSum((1, 2)), cost=calc.CalendarizedSum((2,))),
    calc.CalculatedBillInstructions(5, use=calc.ReadingsChannel(6), cost=calc.RateSchedule()),
    calc.CalculatedBillInstructions(6, use=calc.FixedUse(Decimal(0), 1), cost=calc.UnitCostFromMeter(8)),
    calc.CalculatedBillInstructions(7, use=calc.FixedUse(Decimal(1), 1), cost=calc.FixedUnitCost(Decimal("0.1"), 1)),
    calc.CalculatedBillInstructions(8),
]


@pytest.mark.parametrize("original", CASES)
def test_round_trip_through_json(original: calc.CalculatedBillInstructions) -> None:
    stored = json.loads(json.dumps(instructions.to_document(original)))
    assert instructions.from_document(original.version_id, stored) == original


@pytest.mark.parametrize("original", CASES)
def test_round_trip_through_the_stored_text(original: calc.CalculatedBillInstructions) -> None:
    text = json.dumps(instructions.to_document(original))
    assert instructions.from_text(original.version_id, text) == original
    # Read again (the next run), the same text gives the same instructions, for this version only.
    assert instructions.from_text(original.version_id, text) == original
    assert instructions.from_text(original.version_id + 100, text).version_id == original.version_id + 100


def test_no_stored_text_is_a_version_without_instructions() -> None:
    assert instructions.from_text(9, None) == calc.CalculatedBillInstructions(9)
    assert instructions.from_text(9, "null") == calc.CalculatedBillInstructions(9)


def test_decimals_are_strings_and_shapes_follow_the_wire() -> None:
    document = instructions.to_document(CASES[0])
    assert document["use"] == {"fixedAmount": {"fixedUseAmount": "12.500000", "unitId": 3}}
    assert document["cost"] == {"fixedAmount": "99.99"}
    assert document["meterLineItems"][0] == {
        "observationTypeId": 3,
        "caption": "Tax",
        "calculationType": "Percentage",
        "value": "7.25",
    }


def test_empty_document_is_a_version_without_instructions() -> None:
    assert instructions.from_document(9, None) == calc.CalculatedBillInstructions(9)
    assert instructions.from_document(9, {}) == calc.CalculatedBillInstructions(9)


def test_every_instruction_type_has_a_round_trip_case() -> None:
    """A type added to a union needs its stored form (mypy's assert_never) and a case above (this test)."""
    for union, part in (
        (calc.UseInstruction, "use"),
        (calc.CostInstruction, "cost"),
        (calc.DemandInstruction, "demand"),
    ):
        covered = {type(getattr(case, part)) for case in CASES}
        assert set(get_args(union)) <= covered, part


@pytest.mark.parametrize("part", ["use", "cost"])
def test_a_stored_option_this_code_does_not_know_fails_instead_of_becoming_a_default(part: str) -> None:
    with pytest.raises(ValueError, match=f"stored {part} instruction sets none of the options"):
        instructions.from_document(9, {part: {"useSmartAnalytics": True}})
