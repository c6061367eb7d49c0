"""Money: half-up rounding, exact allocation with the largest-remainder rule, percentages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apportion.domain.errors import RuleViolation
from apportion.domain.money import (
    CENT,
    PERCENT_QUANTUM,
    USE_QUANTUM,
    Allocation,
    allocate,
    apply_percentages,
    decimal_places,
    round_half_up,
)


def d(*values: str) -> list[Decimal]:
    return [Decimal(v) for v in values]


def test_quanta() -> None:
    assert [str(q) for q in (CENT, USE_QUANTUM, PERCENT_QUANTUM)] == ["0.01", "0.000001", "1E-8"]


def test_hundred_over_three_equal_weights() -> None:
    assert allocate(Decimal("100.00"), d("1", "1", "1"), CENT) == d("33.34", "33.33", "33.33")


def test_credit_splits_as_its_mirror() -> None:
    assert allocate(Decimal("-100.00"), d("1", "1", "1"), CENT) == d("-33.34", "-33.33", "-33.33")


def test_largest_remainder_wins_the_cent() -> None:
    # Exact shares 10.00 x (1/6, 2/6, 3/6) = 1.666.., 3.333.., 5.00: truncated 1.66, 3.33, 5.00 (9.99);
    # remainders .666 and .333 -> the cent goes to the first part.
    assert allocate(Decimal("10.00"), d("1", "2", "3"), CENT) == d("1.67", "3.33", "5.00")


def test_ties_go_to_the_earlier_part() -> None:
    assert allocate(Decimal("0.02"), d("1", "1", "1"), CENT) == d("0.01", "0.01", "0.00")
    assert allocate(Decimal("0.02"), d("1", "1", "1", "1", "1"), CENT) == d("0.01", "0.01", "0", "0", "0")


def test_zero_weights_get_nothing() -> None:
    assert allocate(Decimal("5.00"), d("0", "1", "0"), CENT) == d("0", "5.00", "0")


def test_zero_amount() -> None:
    assert allocate(Decimal("0"), d("1", "2"), CENT) == d("0", "0")


def test_parts_carry_the_quantum_exponent() -> None:
    parts = allocate(Decimal("1"), d("1", "1"), USE_QUANTUM)
    assert [str(p) for p in parts] == ["0.500000", "0.500000"]


def test_fractional_weights_are_exact() -> None:
    assert allocate(Decimal("1.00"), d("0.1", "0.2"), CENT) == d("0.33", "0.67")


@pytest.mark.parametrize("weights", [[], [Decimal(0)], [Decimal(0), Decimal(0)]])
def test_weights_summing_to_zero_are_refused(weights: list[Decimal]) -> None:
    with pytest.raises(RuleViolation, match="sum to zero"):
        allocate(Decimal("1.00"), weights, CENT)


def test_negative_weights_are_refused() -> None:
    with pytest.raises(RuleViolation, match="negative"):
        allocate(Decimal("1.00"), d("2", "-1"), CENT)


def test_amount_finer_than_the_quantum_is_refused() -> None:
    with pytest.raises(RuleViolation, match="not a multiple"):
        allocate(Decimal("1.005"), d("1"), CENT)


def test_non_finite_numbers_are_refused() -> None:
    with pytest.raises(RuleViolation, match="finite"):
        allocate(Decimal("NaN"), d("1"), CENT)
    with pytest.raises(RuleViolation, match="finite"):
        allocate(Decimal("1"), [Decimal("Infinity")], CENT)


def test_percentages_totalling_100_sum_exactly() -> None:
    assert apply_percentages(Decimal("100.01"), d("50.5", "49.5"), CENT) == d("50.51", "49.50")
    assert apply_percentages(Decimal("-0.01"), d("50", "50"), CENT) == d("-0.01", "0")


def test_percentages_not_totalling_100_round_independently() -> None:
    # 60 % and 30 % of 100.01 = 60.006 and 30.003: each rounded half-up, total 90.01 (not 100 %).
    assert apply_percentages(Decimal("100.01"), d("60", "30"), CENT) == d("60.01", "30.00")
    # Above 100 % is allowed too (domain.md §4.3).
    assert apply_percentages(Decimal("10.00"), d("75", "75"), CENT) == d("7.50", "7.50")
    assert apply_percentages(Decimal("0.05"), d("50", "40"), CENT) == d("0.03", "0.02")


def test_negative_percentages_are_refused() -> None:
    with pytest.raises(RuleViolation):
        apply_percentages(Decimal("1.00"), d("110", "-10"), CENT)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2.345", "2.35"), ("-2.345", "-2.35"), ("2.344", "2.34"), ("2.3", "2.30"), ("0", "0.00")],
)
def test_round_half_up(value: str, expected: str) -> None:
    rounded = round_half_up(Decimal(value), CENT)
    assert rounded == Decimal(expected)
    assert str(rounded) == expected


def test_round_half_up_keeps_long_values_exact() -> None:
    value = Decimal("123456789012345678901234567890.125")
    assert round_half_up(value, CENT) == Decimal("123456789012345678901234567890.13")


@pytest.mark.parametrize(
    ("value", "places"), [("1.50", 1), ("100", 0), ("1E+2", 0), ("0.000", 0), ("-0.12345678", 8), ("7", 0)]
)
def test_decimal_places(value: str, places: int) -> None:
    assert decimal_places(Decimal(value)) == places


def test_the_kept_parts_of_rests_stay_bounded_however_many_allocations(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every allocation whose weights total at most 4,096 keeps the parts of each rest it meets, in one table for
    # all of them: a long-running process making thousands of allocations keeps at most _RESTS_LIMIT of them, and
    # an emptied table only means parts worked out again, the same.
    from apportion.domain import money

    monkeypatch.setattr(money, "_RESTS_LIMIT", 50)
    monkeypatch.setattr(money, "_RESTS", {})
    for first in range(1, 40):
        weights = [Decimal(first), Decimal(41 - first), Decimal(7)]
        cut = Allocation(weights, CENT)
        for cents in range(30):
            amount = Decimal(cents).scaleb(-2)
            assert cut(amount) == allocate(amount, weights, CENT) == Allocation(weights, CENT)(amount)
            assert len(money._RESTS) <= 50
