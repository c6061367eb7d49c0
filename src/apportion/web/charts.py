"""Inline SVG bar charts drawn on the server: no script, no network, readable without colour alone.

A chart is a list of groups (one per meter), each with one bar per series (prior year, prior period, current).
Bars run horizontally so that long meter codes and many split destinations stay readable; zero is a visible
baseline, so credits (negative costs) draw to its left.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

LABEL_WIDTH = 150
PLOT_WIDTH = 320
RIGHT_MARGIN = 56
TOP = 46  # legend and axis labels
BAR_HEIGHT = 9
BAR_GAP = 2
GROUP_GAP = 12
BOTTOM = 12


@dataclass(frozen=True)
class Series:
    """One bar per group: its legend text and CSS class (the colour comes from the page's style sheet)."""

    name: str
    css_class: str


@dataclass(frozen=True)
class BarGroup:
    """One meter's bars, one value per series (None: no figure), and whether it is a split destination."""

    label: str
    values: tuple[Decimal | None, ...]
    child: bool = False


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] in about `count` steps of 1, 2, 2.5 or 5 × 10^n.

    >>> nice_ticks(0, 950)
    [0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]
    """
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(i * step, 10) for i in range(first, last + 1)]


def short_number(value: float) -> str:
    """A label to three significant digits: 1500 -> '1.5k', 18477 -> '18.5k', 2000000 -> '2M', 0.25 -> '0.25'
    (the exact figure is in the bar's title and the table)."""
    rounded = float(f"{value:.3g}")
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(rounded) >= limit:
            return f"{rounded / limit:g}{suffix}"
    return f"{rounded:g}"


def bar_chart(
    title: str,
    unit: str,
    series: Sequence[Series],
    groups: Sequence[BarGroup],
    written: Callable[[Decimal], str] = str,
) -> Markup:
    """An accessible SVG of `groups`, each drawn as one horizontal bar per series, on a shared value axis; each
    bar's tooltip gives its figure as `written` formats it."""
    numbers = [float(v) for g in groups for v in g.values if v is not None]
    ticks = nice_ticks(min([0.0, *numbers]), max([0.0, *numbers]))
    low, high = ticks[0], ticks[-1]

    def x(value: float) -> float:
        return LABEL_WIDTH + (value - low) / (high - low) * PLOT_WIDTH

    group_height = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    height = TOP + len(groups) * (group_height + GROUP_GAP) + BOTTOM
    width = LABEL_WIDTH + PLOT_WIDTH + RIGHT_MARGIN
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    legend_x = LABEL_WIDTH
    for s in series:
        parts.append(
            f'<rect class="{escape(s.css_class)}" x="{legend_x}" y="4" width="12" height="12"/>'
            f'<text class="legend" x="{legend_x + 16}" y="14">{escape(s.name)}</text>'
        )
        legend_x += 24 + 7 * len(s.name)
    parts.append(f'<text class="axis-unit" x="{width - 4}" y="14" text-anchor="end">{escape(unit)}</text>')
    for tick in ticks:
        tx = x(tick)
        parts.append(
            f'<line class="{"zero" if tick == 0 else "grid"}" x1="{tx:.1f}" y1="{TOP - 6}" x2="{tx:.1f}" '
            f'y2="{height - BOTTOM}"/><text class="tick" x="{tx:.1f}" y="{TOP - 10}" text-anchor="middle">'
            f"{escape(short_number(tick))}</text>"
        )
    zero = x(0.0)
    for i, group in enumerate(groups):
        top = TOP + i * (group_height + GROUP_GAP)
        label = ("↳ " if group.child else "") + group.label
        parts.append(
            f'<text class="label{" child" if group.child else ""}" x="{LABEL_WIDTH - 8}" '
            f'y="{top + group_height / 2 + 4:.1f}" text-anchor="end">{escape(_clip(label))}</text>'
        )
        for j, (s, value) in enumerate(zip(series, group.values, strict=True)):
            y = top + j * (BAR_HEIGHT + BAR_GAP)
            tip = f"{group.label} · {s.name}: {'no bills' if value is None else f'{written(value)} {unit}'}"
            if value is None:
                parts.append(
                    f'<text class="none" x="{zero + 3:.1f}" y="{y + BAR_HEIGHT - 1}"><title>{escape(tip)}</title>'
                    "no bills</text>"
                )
                continue
            end = x(float(value))
            left, bar_width = min(zero, end), abs(end - zero)
            parts.append(
                f'<rect class="bar {escape(s.css_class)}" x="{left:.1f}" y="{y}" width="{max(bar_width, 0.5):.1f}" '
                f'height="{BAR_HEIGHT}"><title>{escape(tip)}</title></rect>'
                f'<text class="value" x="{max(zero, end) + 3:.1f}" y="{y + BAR_HEIGHT - 1}">'
                f"{escape(short_number(float(value)))}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _clip(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
