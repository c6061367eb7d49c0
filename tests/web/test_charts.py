"""The SVG charts and the figure formats, without a database."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from apportion.web.charts import LABEL_WIDTH, PLOT_WIDTH, BarGroup, Series, bar_chart, nice_ticks, short_number
from apportion.web.formats import money, period, quantity, signed

SERIES = (Series("Prior", "s-prior"), Series("Current", "s-current"))


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [
        (0, 950, [0, 200, 400, 600, 800, 1000]),
        (0, 150, [0, 50, 100, 150]),
        (-16, 80, [-20, 0, 20, 40, 60, 80]),
        (0, 0, [0, 0.2, 0.4, 0.6, 0.8, 1]),
        (0, 0.003, [0, 0.001, 0.002, 0.003]),
    ],
)
def test_ticks_are_round_and_cover_the_values(low: float, high: float, ticks: list[float]) -> None:
    assert nice_ticks(low, high) == ticks


def test_tick_labels_are_short() -> None:
    assert [short_number(v) for v in (1500, 2_000_000, 0.25, -3000, 0)] == ["1.5k", "2M", "0.25", "-3k", "0"]
    # Three significant digits: never '17.898k'; a value that rounds up takes the next suffix.
    assert [short_number(v) for v in (17_898, 999.6, 123.84, 999_600)] == ["17.9k", "1k", "124", "1M"]


def _bars(svg: str) -> list[tuple[float, float]]:
    return [
        (float(x), float(w))
        for x, w in re.findall(r'<rect class="bar [^"]+" x="([\d.]+)" y="\d+" width="([\d.]+)"', svg)
    ]


def test_bars_scale_from_zero_and_credits_draw_left_of_it() -> None:
    svg = str(
        bar_chart(
            "Cost",
            "USD",
            SERIES,
            [BarGroup("A", (Decimal("80"), Decimal("-20"))), BarGroup("B", (Decimal("40"), Decimal(0)), child=True)],
            money,
        )
    )
    # Axis -20 … 80: zero sits a fifth of the way along the plot.
    zero = LABEL_WIDTH + PLOT_WIDTH * 20 / 100
    (a_prior, a_current, b_prior, b_current) = _bars(svg)
    assert a_prior == pytest.approx((zero, PLOT_WIDTH * 0.8), abs=0.1)
    assert a_current == pytest.approx((zero - PLOT_WIDTH * 0.2, PLOT_WIDTH * 0.2), abs=0.1)
    assert b_prior == pytest.approx((zero, PLOT_WIDTH * 0.4), abs=0.1)
    assert b_current[1] == 0.5  # a zero still shows as a hairline at the axis
    assert "<title>A · Current: -20.00 USD</title>" in svg
    assert "↳ B" in svg
    assert svg.count('class="zero"') == 1


def test_labels_are_escaped() -> None:
    svg = str(bar_chart("<b>", "kWh", SERIES, [BarGroup('<script>"x"</script>', (Decimal(1), None))]))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "no bills" in svg


def test_formats() -> None:
    assert money(Decimal("1234.5")) == "1,234.50"
    assert quantity(Decimal("1000.000000")) == "1,000"
    assert quantity(Decimal("0.15384615")) == "0.15384615"
    assert quantity(None) == "–"
    assert signed(Decimal("-16"), 2) == "−16.00"
    assert signed(Decimal("200.000000")) == "+200"
    assert signed(Decimal(0)) == "0"
    assert period(202403) == "Mar 2024"
