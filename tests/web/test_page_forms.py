"""What the pages read from forms and how they write figures: periods as typed, bill filters, compact numbers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apportion.domain.errors import ValidationFailed
from apportion.web.formats import compared, compared_delta, unit_cost, when
from apportion.web.pages import bill_filter, billing_period


@pytest.mark.parametrize(("typed", "period"), [("202611", 202611), ("2026-11", 202611), (" 2026/01 ", 202601)])
def test_a_period_is_read_as_yyyymm_or_yyyy_mm(typed: str, period: int) -> None:
    assert billing_period(typed) == period


@pytest.mark.parametrize("typed", ["May", "2026-13", "202613", "26-11", "", "2026-1"])
def test_a_period_that_is_not_one_says_which_form_to_use(typed: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        billing_period(typed, "period")
    assert "period" in refused.value.errors
    assert any("YYYYMM" in reason or "month" in reason.lower() for reason in refused.value.errors["period"])


def test_the_bill_filter_quotes_what_was_typed() -> None:
    assert bill_filter({}) is None
    typed = {"period": "2026-11", "account": "O'Brien", "meter": "M-1", "batch": "", "state": "void"}
    assert bill_filter(typed) == (
        "billingPeriod equals '202611' and accountCode like 'O''Brien' and meterCode equals 'M-1' "
        "and void equals 'true'"
    )


def test_figures_are_compact_and_a_missing_comparison_reads_a_dash() -> None:
    assert unit_cost(Decimal("0.15384615")) == "0.1538"
    assert unit_cost(Decimal("0.15000000")) == "0.15"
    assert unit_cost(None) == "–"
    assert when(datetime(2026, 11, 3, 14, 5, 7, 123456)) == "2026-11-03 14:05"
    assert when(date(2026, 11, 3)) == "2026-11-03"
    assert compared(Decimal(0), True, 2) == "—"
    assert compared_delta(Decimal("650"), True) == "—"
    assert compared(Decimal("72"), False, 2) == "72.00"
    assert compared_delta(Decimal("28"), False, 2) == "+28.00"


@given(st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=8))
def test_a_unit_cost_never_shows_more_than_four_decimals(value: Decimal) -> None:
    shown = unit_cost(value)
    assert len(shown.partition(".")[2]) <= 4
    assert abs(Decimal(shown.replace(",", "")) - value) <= Decimal("0.00005")
