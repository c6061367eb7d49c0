"""domain.bills.storage_problem: a bill whose figures its columns cannot hold is named before anything is written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from apportion.domain.bills import LIMITS, MAX_COST, MAX_QUANTITY, BillDraft, LineDraft, storage_problem

D = Decimal


def _bill(*lines: LineDraft) -> BillDraft:
    return BillDraft(1, 202401, date(2024, 1, 1), date(2024, 2, 1), lines)


def _use(value: str, cost: str | None = None, meter: int = 7, unit: int | None = None) -> LineDraft:
    return LineDraft(1, "use", meter, None, D(value), unit, None if cost is None else D(cost))


def test_figures_within_the_columns_pass() -> None:
    largest = _use(str(MAX_QUANTITY - D("0.000001")), str(MAX_COST - D("0.01")))
    assert storage_problem(_bill(largest)) is None
    assert storage_problem(_bill(_use("-12.5", "-3.10"), LineDraft(3, "cost", None, "Fee", None, None, D("1")))) is None


@pytest.mark.parametrize(
    ("lines", "named"),
    [
        ((_use("-1e20"),), "The use of meter 7 (-100000000000000000000)"),
        ((_use("1e18"),), "The use of meter 7 (1000000000000000000)"),
        ((_use("1", "1e16"),), "A cost of meter 7 (10000000000000000)"),
        ((LineDraft(3, "cost", None, "Fee", None, None, D("-1e16")),), "A cost of the account"),
        ((_use("6e17"), _use("6e17")), "The total use of meter 7"),
        ((_use("1", "6e15"), _use("1", "6e15")), "The total cost of meter 7"),
        ((_use("1", "6e15", meter=7), _use("1", "6e15", meter=8)), "The bill's total cost (12000000000000000)"),
        ((_use("NaN"),), "The use of meter 7 (NaN)"),
    ],
)
def test_a_figure_beyond_its_column_is_named(lines: tuple[LineDraft, ...], named: str) -> None:
    problem = storage_problem(_bill(*lines))
    assert problem is not None
    assert problem.startswith(named), problem
    assert problem.endswith(f"is beyond what a bill holds: {LIMITS}.")


def test_use_counts_in_the_common_unit() -> None:
    # 1e15 MMBtu is 1e21 kBtu: the meter's rollup (bill_meters.use) could not hold it, even though the line can.
    def to_common(value: Decimal, unit: int | None) -> Decimal:
        return value * 1_000_000 if unit == 2 else value

    assert storage_problem(_bill(_use("1e15", unit=1)), to_common) is None
    problem = storage_problem(_bill(_use("1e15", unit=2)), to_common)
    assert problem is not None
    assert problem.startswith("The total use of meter 7 in its commodity's common unit (1000000000000000000000")
