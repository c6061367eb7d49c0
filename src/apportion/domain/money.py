"""Exact decimal arithmetic for money and quantities: quanta, half-up rounding and exact allocation."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, localcontext
from functools import lru_cache
from itertools import count
from typing import Protocol

from apportion.domain.errors import RuleViolation

CENT = Decimal("0.01")
USE_QUANTUM = Decimal("0.000001")
PERCENT_QUANTUM = Decimal("0.00000001")
HUNDRED = Decimal(100)

# Enough digits that products of an amount (18 digits) and a percentage or weight (24 digits) never round.
_PRECISION = 120
_EXACT = Context(prec=_PRECISION)


def _exact(value: Decimal) -> tuple[int, int]:
    """(coefficient, exponent) with value == coefficient * 10**exponent; rejects NaN and infinities."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):  # 'n', 'N' or 'F': NaN or infinity
        raise RuleViolation(f"{value} is not a finite number.")
    # Shifting the decimal point by the exponent is exact here (ample precision); int() reads the coefficient.
    return int(value.scaleb(-exponent, _EXACT)), exponent


def _as_integers(values: Sequence[Decimal]) -> list[int]:
    """The values scaled by one common power of ten so every one is an integer (ratios preserved)."""
    pairs = [_exact(v) for v in values]
    low = min((exponent for _, exponent in pairs), default=0)
    return [coefficient * 10 ** (exponent - low) for coefficient, exponent in pairs]


def _from_quanta(count: int, quantum: Decimal) -> Decimal:
    """`count` quanta as an exact Decimal with the quantum's exponent (0 quanta of 0.01 -> 0.00)."""
    coefficient, exponent = _quantum_parts(quantum)
    return Decimal(count * coefficient).scaleb(exponent, _EXACT)


@lru_cache(maxsize=64)
def _quantum_parts(quantum: Decimal) -> tuple[int, int]:
    """_exact of a quantum; the few quanta in use (CENT, USE_QUANTUM, ...) are cached."""
    return _exact(quantum)


def _quanta_in(amount: Decimal, quantum: Decimal) -> int:
    """How many quanta make `amount`; RuleViolation when `amount` is not a whole number of quanta."""
    if not quantum.is_finite() or quantum <= 0:
        raise RuleViolation(f"The quantum must be a positive number, not {quantum}.")
    if not amount.is_finite():
        raise RuleViolation(f"{amount} is not a finite number.")
    coefficient, exponent = _quantum_parts(quantum)
    if coefficient == 1:  # a power of ten (CENT, USE_QUANTUM ...): shift the point, no common scaling needed
        shifted = amount.scaleb(-exponent, _EXACT)
        if shifted != shifted.to_integral_value():
            raise RuleViolation(f"{amount} is not a multiple of {quantum}; round it before allocating.")
        return int(shifted)
    scaled_amount, scaled_quantum = _as_integers([amount, quantum])
    count, rest = divmod(scaled_amount, scaled_quantum)
    if rest:
        raise RuleViolation(f"{amount} is not a multiple of {quantum}; round it before allocating.")
    return count


def _exact_sum(values: Sequence[Decimal]) -> Decimal:
    """Σ values without context rounding."""
    with localcontext() as context:
        context.prec = _PRECISION
        return sum(values, Decimal(0))


def decimal_places(value: Decimal) -> int:
    """Significant decimal places: decimal_places(Decimal("1.50")) == 1, decimal_places(Decimal("100")) == 0."""
    coefficient, exponent = _exact(value)
    if coefficient == 0:
        return 0
    while coefficient % 10 == 0 and exponent < 0:
        coefficient //= 10
        exponent += 1
    return max(0, -exponent)


def round_half_up(value: Decimal, quantum: Decimal) -> Decimal:
    """Round to the quantum's exponent, halves away from zero: 2.345 -> 2.35, -2.345 -> -2.35 (quantum 0.01).

    `quantum` is a power of ten (CENT, USE_QUANTUM, PERCENT_QUANTUM ...). Never loses digits to the
    decimal context: the rounding happens with ample precision.
    """
    return value.quantize(quantum, rounding=ROUND_HALF_UP, context=_EXACT)


def floor_to_cent(value: Decimal) -> Decimal:
    """Round down (toward minus infinity) to the cent: 2.349 -> 2.34, -2.341 -> -2.35."""
    return value.quantize(CENT, rounding=ROUND_FLOOR, context=_EXACT)


def multiply(amount: Decimal, factor: Decimal, divisor: Decimal = Decimal(1)) -> Decimal:
    """amount x factor / divisor computed with ample precision (exact for divisors like 100)."""
    # In _EXACT rather than a local context: a split calls this for every line it cuts, and entering a local
    # context costs more than the arithmetic.
    return _EXACT.divide(_EXACT.multiply(amount, factor), divisor)


def allocate(amount: Decimal, weights: Sequence[Decimal], quantum: Decimal) -> list[Decimal]:
    """Split `amount` over non-negative relative `weights`; parts are multiples of `quantum` summing to `amount`.

    Rule (largest remainder, domain.md §4.3 / §7 Q7):
      1. exact share_i = amount x w_i / Σw;
      2. round every share toward zero to the quantum (for negative amounts too, so -x splits as -(x));
      3. hand the quanta still missing out one at a time to the parts with the largest fractional
         remainder; equal remainders go to the earlier part (input order).

    Worked example: 100.00 over weights 1, 1, 1 with quantum 0.01: exact shares are 33.333..., truncated
    to 33.33 each (sum 99.99); one cent is missing, all remainders are equal, so the first part takes it:
    [33.34, 33.33, 33.33]. A credit of -100.00 gives [-33.34, -33.33, -33.33].

    Computed in integers, so the result is exact and deterministic. Every part is within one quantum of
    its exact share. Raises RuleViolation when Σw is 0, a weight is negative, or `amount` is not a whole
    number of quanta (round it first).
    """
    count = _quanta_in(amount, quantum)
    return Allocation(weights, quantum).of_quanta(count)


class Allocation:
    """`allocate` for one set of weights and one quantum, checked and scaled once: a split applies the same
    shares to every line of every source bill."""

    def __init__(self, weights: Sequence[Decimal], quantum: Decimal) -> None:
        for given in weights:
            if not given.is_finite():  # checked before the cache: a signalling NaN cannot be hashed
                raise RuleViolation(f"{given} is not a finite number.")
        _quanta_in(Decimal(0), quantum)  # the quantum's own checks
        self.quantum = quantum
        self._scaled, self._total = _scaled_weights(tuple(weights))
        self._order = range(len(self._scaled))
        # What _from_quanta and _steps give for this quantum, kept here: a split makes every part of every line.
        self._coefficient, self._exponent = _quantum_parts(quantum)
        self._steps = _steps(quantum)
        self._made = _MADE.setdefault(self._exponent, {})
        # Where this allocation's rests are kept in _RESTS (its serial, shifted past every rest), or -1: not kept.
        self._rests_key = next(_SERIALS) << _REST_BITS if self._total <= 1 << _REST_BITS else -1

    def __call__(self, amount: Decimal) -> list[Decimal]:
        """allocate(amount, weights, quantum)."""
        return self._parts(self._quanta(amount))[0]

    def of_quanta(self, count: int) -> list[Decimal]:
        """The parts of `count` quanta (negative for a credit), as Decimals of the quantum."""
        return self._parts(count)[0]

    def with_rounding(self, amount: Decimal) -> tuple[list[Decimal], list[Decimal]]:
        """The parts of `amount` and, for each, what the largest-remainder rule moved: the part minus its exact
        share rounded toward zero to the quantum (zero or one quantum, with the amount's sign)."""
        return self._parts(self._quanta(amount))

    def _quanta(self, amount: Decimal) -> int:
        """_quanta_in(amount, quantum), the quantum checked once: a power of ten shifts the point."""
        if self._coefficient == 1 and amount.is_finite():
            shifted = amount.scaleb(-self._exponent, _EXACT)
            if shifted == shifted.to_integral_value():
                return int(shifted)
        return _quanta_in(amount, self.quantum)  # its answer, or its error

    def _parts(self, count: int) -> tuple[list[Decimal], list[Decimal]]:
        magnitude = -count if count < 0 else count
        # magnitude = times x total + rest: part i is times x weight_i (no remainder) plus its part of `rest`, and
        # the remainders, so the quanta the rule hands out, are those of `rest` alone. Weights totalling a few
        # thousand at most (percentages: 100) have as many rests, each worked out once.
        times, rest = divmod(magnitude, self._total)
        key = self._rests_key
        found = None if key < 0 else _RESTS.get(key | rest)
        if found is None:
            found = self._rest_parts(rest)
            if key >= 0:
                if len(_RESTS) >= _RESTS_LIMIT:
                    _RESTS.clear()
                _RESTS[key | rest] = found
        of_rest, moved_up, moved_down = found
        floors = (
            [times * weight + part for weight, part in zip(self._scaled, of_rest, strict=True)] if times else of_rest
        )
        sign = -1 if count < 0 else 1
        # _from_quanta of each part: count x coefficient quanta, shifted by the quantum's exponent. The same parts
        # recur (a fixed charge cut by the same shares on every bill), so each is made once and shared (immutable).
        factor, exponent, made = sign * self._coefficient, self._exponent, self._made
        parts = []
        for whole in floors:
            quanta = factor * whole
            part = made.get(quanta)
            if part is None:
                if len(made) >= _MADE_LIMIT:
                    made.clear()
                part = made[quanta] = Decimal(quanta).scaleb(exponent, _EXACT)
            parts.append(part)
        return parts, list(moved_down if sign < 0 else moved_up)

    def _rest_parts(self, rest: int) -> tuple[tuple[int, ...], tuple[Decimal, ...], tuple[Decimal, ...]]:
        """The largest-remainder parts of `rest` quanta (0 <= rest < total), and what the rule moved on each for a
        positive and for a negative amount (zero or one quantum, with the amount's sign)."""
        total = self._total
        cuts = [divmod(rest * weight, total) for weight in self._scaled]
        floors = [whole for whole, _ in cuts]
        bumped = [False] * len(floors)
        # Largest remainder first; among equals the earlier index (sort is stable on -remainder).
        for index in sorted(self._order, key=lambda i: -cuts[i][1])[: rest - sum(floors)]:
            floors[index] += 1
            bumped[index] = True
        steps = self._steps  # what rounding moves is always 0 or one quantum: three Decimals, made once
        up = tuple(steps[1] if bump else steps[0] for bump in bumped)
        down = tuple(steps[-1] if bump else steps[0] for bump in bumped)
        return tuple(floors), up, down


# exponent -> {n: Decimal(n) shifted by the exponent}, as allocations made them (by exponent, not quantum:
# Decimal("0.01") and Decimal("0.010") are equal keys with different exponents). Each starts over when full.
_MADE: dict[int, dict[int, Decimal]] = {}
_MADE_LIMIT = 1 << 16  # Decimals kept per exponent: a few MB at most
# The parts of each rest of each allocation whose weights total at most 2**_REST_BITS (rest < total), under the
# allocation's serial and the rest; one table for all allocations, so that what is kept is bounded (a few tens of
# MB) however many allocations a long-running process makes, and emptied when full like _MADE.
_REST_BITS = 12
_RESTS: dict[int, tuple[tuple[int, ...], tuple[Decimal, ...], tuple[Decimal, ...]]] = {}
_RESTS_LIMIT = 1 << 16
_SERIALS = count()


@lru_cache(maxsize=64)
def _steps(quantum: Decimal) -> dict[int, Decimal]:
    """_from_quanta of -1, 0 and 1 quanta."""
    return {step: _from_quanta(step, quantum) for step in (-1, 0, 1)}


@lru_cache(maxsize=4096)
def _scaled_weights(weights: tuple[Decimal, ...]) -> tuple[tuple[int, ...], int]:
    """Weights as integers with their sum, checked; cached because a split applies one set to many lines.

    The integers are divided by their greatest common divisor: the parts and the order of the remainders are the
    same, and percentages read as 10.00000000, 15.00000000 ... total 20 rather than 10^10 (see Allocation._parts).
    """
    if any(w < 0 for w in weights):
        raise RuleViolation("Allocation weights cannot be negative.")
    scaled = _as_integers(weights)
    common = math.gcd(*scaled)
    if common > 1:
        scaled = [weight // common for weight in scaled]
    total = sum(scaled)
    if total == 0:
        raise RuleViolation("Cannot allocate over weights that sum to zero.")
    return tuple(scaled), total


@lru_cache(maxsize=4096)
def _totals_hundred(percentages: tuple[Decimal, ...]) -> bool:
    """Whether the percentages sum to exactly 100 (cached like _scaled_weights)."""
    return _exact_sum(percentages) == HUNDRED


def apply_percentages(amount: Decimal, percentages: Sequence[Decimal], quantum: Decimal) -> list[Decimal]:
    """Parts of `amount` for percentages such as Decimal("50.5") (= 50.5 %).

    When the percentages sum to exactly 100 the parts come from `allocate` and sum exactly to `amount`
    (domain.md §4.3: "if the total is 100 % the destination bills sum exactly to the source"). Otherwise
    the total is meant to differ from the source, so each part is round_half_up(amount x p / 100)
    independently: 100.01 at 60 % and 30 % gives [60.01, 30.00].
    Negative percentages raise RuleViolation.
    """
    return percentage_parts(percentages, quantum)(amount)


class Parts(Protocol):
    """Parts of an amount for one set of shares and one quantum: `Allocation` or `IndependentPercentages`."""

    def __call__(self, amount: Decimal) -> list[Decimal]:
        """The parts of `amount`."""
        ...

    def with_rounding(self, amount: Decimal) -> tuple[list[Decimal], list[Decimal]]:
        """The parts and what rounding moved on each (the part minus its exact share rounded toward zero)."""
        ...


class IndependentPercentages:
    """Percentages that do not total 100: each part is round_half_up(amount x p / 100) on its own."""

    def __init__(self, percentages: Sequence[Decimal], quantum: Decimal) -> None:
        self.percentages = tuple(percentages)
        self.quantum = quantum

    def __call__(self, amount: Decimal) -> list[Decimal]:
        """The parts of `amount`."""
        return [round_half_up(multiply(amount, p, HUNDRED), self.quantum) for p in self.percentages]

    def with_rounding(self, amount: Decimal) -> tuple[list[Decimal], list[Decimal]]:
        """The parts and what half-up rounding moved on each (compared with rounding toward zero)."""
        parts: list[Decimal] = []
        moved: list[Decimal] = []
        for p in self.percentages:
            exact = multiply(amount, p, HUNDRED)
            part = round_half_up(exact, self.quantum)
            moved.append(part - toward_zero(exact, self.quantum))
            parts.append(part)
        return parts, moved


def percentage_parts(percentages: Sequence[Decimal], quantum: Decimal) -> Parts:
    """`apply_percentages` for one set of percentages and one quantum, checked once (see `Allocation`)."""
    if any(p < 0 for p in percentages):
        raise RuleViolation("Percentages cannot be negative.")
    if all(p.is_finite() for p in percentages) and _totals_hundred(tuple(percentages)):
        return Allocation(percentages, quantum)
    return IndependentPercentages(percentages, quantum)


def toward_zero(value: Decimal, quantum: Decimal) -> Decimal:
    """`value` rounded toward zero to the quantum's exponent: 33.3399 -> 33.33, -33.3399 -> -33.33."""
    return value.quantize(quantum, rounding=ROUND_DOWN, context=_EXACT)


SHARE_PLACES = Decimal("0.000000000001")


@lru_cache(maxsize=4096)  # a split asks it of the same few percentages and weights for every version and line
def ratio_text(numerator: Decimal, denominator: Decimal) -> str:
    """numerator / denominator as a plain decimal: exact when it ends within 12 places, else to 12 places (half-up).

    ratio_text(60, 100) == "0.6"; ratio_text(1, 3) == "0.333333333333"; ratio_text(0, 5) == "0".
    """
    with localcontext() as context:
        context.prec = _PRECISION
        exact = numerator / denominator
        shown = exact.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)
    text = format(shown.normalize(), "f")
    return "0" if shown == 0 else text
