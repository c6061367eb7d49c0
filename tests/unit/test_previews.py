"""domain/previews.py: a dry run's comparison of live bills before and after, per destination."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from apportion.domain import periods
from apportion.domain.previews import BillFigure, Change, compare, summarise

D = Decimal


def test_each_kind_of_change() -> None:
    before = [
        BillFigure(1, "T1", "M1", D("10.00")),
        BillFigure(1, "T2", "M2", D("5.00")),
        BillFigure(2, "T3", "M3", D("7.00")),
    ]
    after = [
        BillFigure(1, "T1", "M1", D("10.00")),
        BillFigure(1, "T2", "M2", D("5.50")),
        BillFigure(3, "T4", "M4", D("1.25")),
    ]
    found = {(d.account_code, d.change, d.difference) for d in compare(before, after)}
    assert found == {
        ("T1", Change.UNCHANGED, D("0.00")),
        ("T2", Change.CHANGED, D("0.50")),
        ("T3", Change.VOIDED, D("-7.00")),
        ("T4", Change.NEW, D("1.25")),
    }
    summary = summarise(compare(before, after))
    assert (summary.new, summary.changed, summary.unchanged, summary.voided) == (1, 1, 1, 1)
    assert (summary.live_cost, summary.new_cost, summary.difference) == (D("22.00"), D("16.75"), D("-5.25"))


def test_a_second_bill_for_the_same_destination_is_a_change() -> None:
    before = [BillFigure(1, "T1", "M1", D("10.00"))]
    after = [BillFigure(1, "T1", "M1", D("10.00")), BillFigure(1, "T1", "M1", D("0.00"))]
    (difference,) = compare(before, after)
    assert (difference.change, difference.live_bills, difference.new_bills) == (Change.CHANGED, 1, 2)


cents = st.integers(min_value=-(10**9), max_value=10**9).map(lambda n: D(n).scaleb(-2))
figures = st.lists(
    st.builds(BillFigure, st.integers(1, 4), st.sampled_from(["A", "B", "C"]), st.sampled_from(["M", None]), cents),
    max_size=12,
)


@given(figures, figures)
def test_differences_add_up_to_the_change_of_the_live_total(before: list[BillFigure], after: list[BillFigure]) -> None:
    differences = compare(before, after)
    total = sum((b.total_cost for b in after), D(0)) - sum((b.total_cost for b in before), D(0))
    assert sum((d.difference for d in differences), D(0)) == total
    assert summarise(differences).difference == total
    assert all(d.difference == d.new_cost - d.live_cost for d in differences)
    assert all((d.change is Change.NEW) == (d.live_bills == 0) for d in differences)


def test_periods_as_people_write_them() -> None:
    assert [periods.parse(t) for t in ("202611", "2026-11", "2026/11", "2026-1", " 2026 - 03 ")] == [
        202611,
        202611,
        202611,
        202601,
        202603,
    ]
    assert [periods.parse(t) for t in ("20261", "2026-13", "Nov 2026", "", "2026-00")] == [None] * 5
    assert periods.hint("2026-11") == "'2026-11' is not a billing period: use YYYYMM, e.g. 202611."
    assert periods.hint("May") == "'May' is not a billing period: use YYYYMM, e.g. 202611."
