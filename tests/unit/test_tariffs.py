"""Time-of-use prices and block uses (domain/rates.py): worked examples and the failures that name their cause."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from apportion.domain.rates import (
    RateNotApplicable,
    RateTerms,
    Segment,
    TimeOfUsePrice,
    UseBlock,
    UseLine,
    block_uses,
    price,
)

BEGIN = date(2024, 1, 1)
ON, OFF = 4, 5
TOU = (TimeOfUsePrice(ON, D("0.20")), TimeOfUsePrice(OFF, D("0.08")))


def test_time_of_use_prices_the_parts_and_the_use_price_the_rest() -> None:
    terms = RateTerms(1, BEGIN, D("0.11"), time_of_use=TOU)
    rated = price([Segment(30, terms)], {None: D(1000)}, None, None, {None: {ON: D(400), OFF: D(500)}})
    assert rated.use_cost == D("131.00")
    assert rated.use_lines == (
        UseLine(None, D(1000), D("11.00")),
        UseLine(ON, D(400), D("80.00")),
        UseLine(OFF, D(500), D("40.00")),
    )


def test_a_tariff_change_mid_bill_prices_each_version_by_its_days() -> None:
    # 15 days without time of use (all 900 kWh at 0.10), 15 days with it (no rest: on + off = use).
    parts = [Segment(15, RateTerms(1, BEGIN, D("0.10"))), Segment(15, RateTerms(2, BEGIN, None, time_of_use=TOU))]
    rated = price(parts, {None: D(900)}, None, None, {None: {ON: D(300), OFF: D(600)}})
    # 900 x 0.10 / 2 = 45.00; (300 x 0.20 + 600 x 0.08) / 2 = 30.00 + 24.00 = 54.00
    assert rated.use_cost == D("99.00")
    assert [line.cost for line in rated.use_lines] == [D("45.00"), D("30.00"), D("24.00")]


def test_time_of_use_failures_name_their_cause() -> None:
    terms = RateTerms(7, BEGIN, None, time_of_use=TOU)
    with pytest.raises(RateNotApplicable, match=r"no use of observation type 5 .* rate version 7"):
        price([Segment(30, terms)], {None: D(10)}, None, None, {None: {ON: D(10)}})
    with pytest.raises(RateNotApplicable, match="more than its use"):
        price([Segment(30, terms)], {None: D(10)}, None, None, {None: {ON: D(10), OFF: D(1)}})
    with pytest.raises(RateNotApplicable, match="Rate version 7 has no use unit cost"):
        price([Segment(30, terms)], {None: D(12)}, None, None, {None: {ON: D(10), OFF: D(1)}})


def test_block_uses_on_a_prorated_bill() -> None:
    blocks = [UseBlock(D(500), D("0.12")), UseBlock(None, D("0.10"))]
    assert block_uses(D(800), blocks) == [D(500), D(300)]
    assert block_uses(D(200), blocks) == [D(200), D(0)]
    assert block_uses(D(800), blocks, D("0.5")) == [D(250), D(550)]
