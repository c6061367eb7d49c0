"""Rate rules (domain/rates.py): version and assignment dates, gaps, blocks, line items, worked examples."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from apportion.domain.calculations.instructions import LineItem
from apportion.domain.errors import RuleViolation, ValidationFailed
from apportion.domain.rates import (
    OPEN_END,
    LinkRates,
    RateNotApplicable,
    RateStart,
    RateTerms,
    Segment,
    UseBlock,
    assignment_spans,
    block_cost,
    check_blocks,
    check_line_items,
    effective_date_problem,
    price,
    segments,
    version_ends,
)

D = Decimal
LINK = LinkRates(date(2024, 1, 1), date(2025, 1, 1), (RateStart(1, date(2024, 1, 1)), RateStart(2, date(2024, 3, 16))))


def test_version_ends_are_the_next_start() -> None:
    assert version_ends([date(2024, 1, 1), date(2024, 7, 1)]) == [date(2024, 7, 1), OPEN_END]
    assert version_ends([date(2024, 1, 1)], date(2024, 6, 1)) == [date(2024, 6, 1)]
    assert version_ends([]) == []  # a rate without versions
    with pytest.raises(RuleViolation):
        version_ends([date(2024, 7, 1), date(2024, 1, 1)])


def test_assignments_run_until_the_next_one_or_the_link_end() -> None:
    spans = assignment_spans(LINK)
    assert [(r, s.begin, s.end) for r, s in spans] == [
        (1, date(2024, 1, 1), date(2024, 3, 16)),
        (2, date(2024, 3, 16), date(2025, 1, 1)),
    ]
    # A rate starting after the link ends covers nothing.
    late = LinkRates(date(2024, 1, 1), date(2024, 2, 1), (RateStart(1, date(2024, 5, 1)),))
    assert assignment_spans(late) == []


def test_a_bill_is_cut_by_rate_and_version() -> None:
    versions = {
        1: (RateTerms(10, date(2023, 1, 1), D("0.10")),),
        2: (RateTerms(20, date(2023, 1, 1), D("0.20")), RateTerms(21, date(2024, 3, 25), D("0.21"))),
    }
    parts = segments([LINK], versions, date(2024, 3, 1), date(2024, 4, 1))
    assert [(p.days, p.terms.version_id) for p in parts] == [(15, 10), (9, 20), (7, 21)]


def test_a_day_without_a_version_fails_naming_it() -> None:
    versions = {1: (RateTerms(10, date(2024, 3, 10), D("0.10")),), 2: (RateTerms(20, date(2023, 1, 1), D("0.2")),)}
    with pytest.raises(RateNotApplicable, match="2024-03-01"):
        segments([LINK], versions, date(2024, 3, 1), date(2024, 4, 1))
    with pytest.raises(RateNotApplicable, match="2025-01-01"):
        segments([LINK], {1: versions[2], 2: versions[2]}, date(2024, 12, 1), date(2025, 2, 1))
    with pytest.raises(RateNotApplicable):
        segments([], versions, date(2024, 3, 1), date(2024, 4, 1))


def test_worked_example_two_versions_with_demand_and_line_items() -> None:
    tax = LineItem("Percentage", "Tax", D(5), 3)
    charge = LineItem("Fixed", "Customer charge", D(30), 3)
    admin = LineItem("Fixed", "Admin", D(3), 3)
    old = RateTerms(1, date(2024, 1, 1), D("0.10"), 1, D(10), 20, (charge, tax), (admin,))
    new = RateTerms(2, date(2024, 3, 16), D("0.13"), 1, None, None, (charge, tax))
    rated = price([Segment(15, old), Segment(16, new)], {None: D(1000), 1: D(1000)}, D(50), {None: D(50), 20: D(50)})
    assert rated.use_cost == D("115.48")  # 48.39 + 67.09, the cent to the larger remainder
    assert rated.demand_cost == D("241.94")
    assert [(p.item.caption, p.cost) for p in rated.meter_items] == [
        ("Customer charge", D("30.00")),
        ("Tax", D("17.87")),
    ]
    assert [(p.item.caption, p.cost) for p in rated.account_items] == [("Admin", D("1.45"))]


def test_a_version_without_a_use_price_or_in_another_unit_fails() -> None:
    with pytest.raises(RateNotApplicable, match="no use unit cost"):
        price([Segment(31, RateTerms(7, date(2024, 1, 1), None))], {None: D(1)}, None)
    with pytest.raises(RateNotApplicable, match="unit 5"):
        price([Segment(31, RateTerms(7, date(2024, 1, 1), D(1), 5))], {None: D(1)}, None)


def test_blocks_price_use_step_by_step_and_prorate_limits() -> None:
    blocks = [UseBlock(D(100), D("0.10")), UseBlock(D(300), D("0.08")), UseBlock(None, D("0.05"))]
    assert block_cost(D(50), blocks) == D("5.00")
    assert block_cost(D(500), blocks) == D("10") + D("16") + D("10")
    assert block_cost(D(100), blocks, D("0.5")) == D("5") + D("4")  # limits halved: 50 and 150
    terms = RateTerms(1, date(2024, 1, 1), None, use_blocks=tuple(blocks))
    assert price([Segment(30, terms)], {None: D(500)}, None).use_cost == D("36.00")


def test_checks_of_blocks_line_items_and_dates() -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_blocks([UseBlock(None, D(1)), UseBlock(D(10), D(1))])
    assert set(caught.value.errors) == {"[0].upTo", "[1].upTo"}
    with pytest.raises(ValidationFailed) as caught:
        check_blocks([UseBlock(D(100), D(1)), UseBlock(D(50), D(1)), UseBlock(None, D(1))])
    assert set(caught.value.errors) == {"[1].upTo"}
    assert check_blocks([UseBlock(None, D(1))]) == (UseBlock(None, D(1)),)
    with pytest.raises(ValidationFailed) as caught:
        check_line_items([LineItem("subtotal", "S")], "meterLineItems")
    assert set(caught.value.errors) == {"meterLineItems[0].calculationType"}
    assert effective_date_problem(date(2024, 2, 1), date(2024, 1, 1), date(2024, 3, 1)) is None
    assert "previous" in str(effective_date_problem(date(2024, 1, 1), date(2024, 1, 1), None))
    assert "next" in str(effective_date_problem(date(2024, 3, 1), None, date(2024, 3, 1)))
