"""Allocation properties: parts sum exactly, are whole quanta, are deterministic and near their exact share."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from apportion.domain.money import (
    CENT,
    PERCENT_QUANTUM,
    USE_QUANTUM,
    Allocation,
    allocate,
    apply_percentages,
    round_half_up,
)

QUANTA = st.sampled_from([CENT, USE_QUANTUM, PERCENT_QUANTUM, Decimal(1)])
# Amounts as whole quanta, negative (credits), zero and positive, up to a trillion units.
COUNTS = st.integers(-(10**14), 10**14) | st.integers(-3, 3)
WEIGHTS = st.lists(
    st.builds(lambda n, places: Decimal(n).scaleb(-places), st.integers(0, 10**9), st.integers(0, 8)),
    min_size=1,
    max_size=12,
).filter(lambda ws: sum(ws) > 0)


def amount_of(count: int, quantum: Decimal) -> Decimal:
    return Decimal(count) * quantum


@st.composite
def percentages_to_100(draw: st.DrawFn) -> list[Decimal]:
    """Positive percentages at 8 places that total exactly 100."""
    units = 100 * 10**8
    cuts = sorted(draw(st.lists(st.integers(1, units - 1), max_size=10, unique=True)))
    bounds = [0, *cuts, units]
    return [Decimal(b - a).scaleb(-8) for a, b in pairwise(bounds)]


def is_multiple(part: Decimal, quantum: Decimal) -> bool:
    return Fraction(part) % Fraction(quantum) == 0


@given(COUNTS, WEIGHTS, QUANTA)
def test_allocate_sums_exactly_in_whole_quanta(count: int, weights: list[Decimal], quantum: Decimal) -> None:
    amount = amount_of(count, quantum)
    parts = allocate(amount, weights, quantum)
    assert len(parts) == len(weights)
    assert sum(map(Fraction, parts)) == Fraction(amount)
    assert all(is_multiple(p, quantum) for p in parts)


@given(COUNTS, WEIGHTS, QUANTA)
def test_allocate_is_within_one_quantum_of_the_exact_share(
    count: int, weights: list[Decimal], quantum: Decimal
) -> None:
    amount = amount_of(count, quantum)
    total = sum(map(Fraction, weights))
    for part, weight in zip(allocate(amount, weights, quantum), weights, strict=True):
        exact = Fraction(amount) * Fraction(weight) / total
        assert abs(Fraction(part) - exact) < Fraction(quantum)
        if weight == 0:
            assert part == 0


@given(COUNTS, WEIGHTS, QUANTA)
def test_allocate_is_deterministic_and_sign_symmetric(count: int, weights: list[Decimal], quantum: Decimal) -> None:
    amount = amount_of(count, quantum)
    parts = allocate(amount, weights, quantum)
    assert allocate(amount, list(weights), quantum) == parts
    assert allocate(-amount, weights, quantum) == [-p for p in parts]


@given(COUNTS, WEIGHTS)
def test_scaling_the_weights_changes_nothing(count: int, weights: list[Decimal]) -> None:
    amount = amount_of(count, CENT)
    assert allocate(amount, [w * 7 for w in weights], CENT) == allocate(amount, weights, CENT)


@given(COUNTS, percentages_to_100(), QUANTA)
def test_percentages_totalling_100_sum_exactly(count: int, percentages: list[Decimal], quantum: Decimal) -> None:
    amount = amount_of(count, quantum)
    parts = apply_percentages(amount, percentages, quantum)
    assert sum(map(Fraction, parts)) == Fraction(amount)
    for part, percentage in zip(parts, percentages, strict=True):
        assert is_multiple(part, quantum)
        assert abs(Fraction(part) - Fraction(amount) * Fraction(percentage) / 100) < Fraction(quantum)
    assert apply_percentages(amount, percentages, quantum) == parts


@given(COUNTS, st.lists(st.integers(0, 300 * 10**8), min_size=1, max_size=8), QUANTA)
def test_other_percentages_round_each_part_half_up(count: int, units: list[int], quantum: Decimal) -> None:
    percentages = [Decimal(u).scaleb(-8) for u in units]
    amount = amount_of(count, quantum)
    parts = apply_percentages(amount, percentages, quantum)
    for part, percentage in zip(parts, percentages, strict=True):
        exact = Fraction(amount) * Fraction(percentage) / 100
        assert abs(Fraction(part) - exact) <= Fraction(quantum) / 2
        assert is_multiple(part, quantum)


@given(st.integers(-(10**15), 10**15), st.integers(0, 8))
def test_round_half_up_is_nearest_with_halves_away_from_zero(coefficient: int, extra: int) -> None:
    value = Decimal(coefficient).scaleb(-(2 + extra))
    rounded = round_half_up(value, CENT)
    distance = Fraction(rounded) - Fraction(value)
    assert abs(distance) <= Fraction(1, 200)
    if abs(distance) == Fraction(1, 200):
        assert abs(rounded) > abs(value)


def largest_remainder(count: int, weights: list[Decimal]) -> list[int]:
    """The rule of money.allocate in fractions, for `count` >= 0 quanta: each part's exact share rounded down, then
    one quantum more to the largest remainders, the earlier part first among equal ones."""
    total = sum(Fraction(w) for w in weights)
    exact = [count * Fraction(w) / total for w in weights]
    floors = [math.floor(share) for share in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: -(exact[i] - floors[i]))
    for index in by_remainder[: count - sum(floors)]:
        floors[index] += 1
    return floors


@given(st.lists(COUNTS, min_size=1, max_size=20), WEIGHTS, QUANTA)
def test_one_allocation_cuts_every_amount_by_the_rule(
    counts: list[int], weights: list[Decimal], quantum: Decimal
) -> None:
    # A split applies one Allocation to every line it cuts; what it keeps between amounts changes no part.
    allocation = Allocation(weights, quantum)
    for count in counts:
        sign = -1 if count < 0 else 1
        expected = [amount_of(sign * part, quantum) for part in largest_remainder(abs(count), weights)]
        assert allocation.of_quanta(count) == expected
