"""What the pages show, shaped from the services' results: digest sections with their charts, paging links."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from apportion.domain import periods
from apportion.domain.digest import DigestFigures
from apportion.domain.source_split import Left
from apportion.services.chargebacks.calculated_details import CalculatedDetailsView
from apportion.services.chargebacks.digest import DigestLine, DigestStep, WorkflowDigest
from apportion.web.charts import BarGroup, Series, bar_chart
from apportion.web.formats import money, quantity

SERIES = (Series("Prior year", "s-year"), Series("Prior period", "s-prior"), Series("Current", "s-current"))
LEFT_CAPTIONS = {
    Left.ACCOUNT_CHARGES: "Account charges of dynamic splits",
    Left.UNSPLIT_METERS: "Meters no version splits",
    Left.PERCENTAGES: "Percentages not totalling 100 %",
    Left.VACANCY: "Vacancy (days no account was linked)",
    Left.FAILED_VERSIONS: "Bills of failed versions",
    Left.NOT_SPLIT: "Cost a dynamic split of use does not split",
}
"""How the pages name what stayed on a source bill (the conservation record's reasons)."""
METERS_PER_PAGE = 20


@dataclass(frozen=True)
class MeterRow:
    """One table row: a meter (a split destination when `child`), its use unit and its figures."""

    meter_id: int
    code: str
    info: str
    child: bool
    use_unit: str
    figures: DigestFigures

    @property
    def no_prior_period(self) -> bool:
        """The prior period has no use or cost to compare with: its figures and deltas read '—'."""
        return _nothing(self.figures.prior_period.use, self.figures.prior_period.cost)

    @property
    def no_prior_year(self) -> bool:
        """The same period a year before has no use or cost to compare with."""
        return _nothing(self.figures.prior_year.use, self.figures.prior_year.cost)


def _nothing(use: Decimal, cost: Decimal) -> bool:
    return use == 0 and cost == 0


@dataclass(frozen=True)
class MeterSection:
    """One digest result: the meter, its destinations, and charts of their cost and use."""

    rows: tuple[MeterRow, ...]
    cost_chart: Markup
    use_chart: Markup

    @property
    def source(self) -> MeterRow:
        """The section's own meter (the split source, or the calculated meter)."""
        return self.rows[0]


@dataclass(frozen=True)
class Pager:
    """Where a page sits in a list: its number, the total number of pages and items."""

    number: int
    pages: int
    total: int

    @property
    def previous(self) -> int | None:
        """The previous page's number, if any."""
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        """The next page's number, if any."""
        return self.number + 1 if self.number < self.pages else None


def pager(number: int, size: int, total: int) -> Pager:
    """The pager of page `number` of `size` items over `total`."""
    return Pager(number, max(1, -(-total // size)), total)


@dataclass(frozen=True)
class DigestView:
    """The digest page: the step, its periods, an overview chart of the page's meters and one section each."""

    step: DigestStep
    cost_unit: str
    billing_period: int
    prior_period: int
    prior_year: int
    overview: Markup | None
    sections: tuple[MeterSection, ...]
    totals: tuple[Decimal, Decimal, Decimal]  # cost: current, prior period, prior year (all meters)
    page: Pager


def _row(line: DigestLine, child: bool) -> MeterRow:
    meter = line.meter
    return MeterRow(
        meter_id=meter.meter_id,
        code=meter.meter_code,
        info=meter.meter_info or "",
        child=child,
        use_unit=line.use_unit.unit_code if line.use_unit is not None else "",
        figures=line.figures,
    )


def _costs(figures: DigestFigures) -> tuple[Decimal, Decimal, Decimal]:
    return (figures.prior_year.cost, figures.prior_period.cost, figures.current.cost)


def _uses(figures: DigestFigures) -> tuple[Decimal, Decimal, Decimal]:
    return (figures.prior_year.use, figures.prior_period.use, figures.current.use)


def section(line: DigestLine, cost_unit: str) -> MeterSection:
    """A result's rows (the meter, then its split destinations in order) and its cost and use charts."""
    rows = (_row(line, False), *(_row(s, True) for s in line.splits or ()))
    units = {r.use_unit for r in rows}
    use_unit = units.pop() if len(units) == 1 else "mixed units"

    def label(row: MeterRow) -> str:
        return row.code if use_unit != "mixed units" else f"{row.code} ({row.use_unit})"

    source = rows[0].code
    cost_chart = bar_chart(
        f"Cost of {source}",
        cost_unit,
        SERIES,
        [BarGroup(r.code, _costs(r.figures), r.child) for r in rows],
        money,
    )
    use_chart = bar_chart(
        f"Use of {source}",
        use_unit,
        SERIES,
        [BarGroup(label(r), _uses(r.figures), r.child) for r in rows],
        quantity,
    )
    return MeterSection(rows, cost_chart, use_chart)


def digest_view(result: WorkflowDigest, page_number: int, size: int = METERS_PER_PAGE) -> DigestView:
    """The digest page for page `page_number` of its meters (`size` results a page)."""
    step = result.step
    cost_unit = step.cost_unit.unit_code if step.cost_unit is not None else ""
    page = pager(page_number, size, len(result.results))
    shown: Sequence[DigestLine] = result.results[(page.number - 1) * size : page.number * size]
    sections = tuple(section(line, cost_unit) for line in shown)
    overview = None
    if len(sections) > 1:
        groups = [BarGroup(s.source.code, _costs(s.source.figures)) for s in sections]
        overview = bar_chart("Cost by meter", cost_unit, SERIES, groups, money)
    all_costs = [_costs(line.figures) for line in result.results]
    totals = (
        sum((c[2] for c in all_costs), Decimal(0)),
        sum((c[1] for c in all_costs), Decimal(0)),
        sum((c[0] for c in all_costs), Decimal(0)),
    )
    return DigestView(
        step=step,
        cost_unit=cost_unit,
        billing_period=result.billing_period,
        prior_period=periods.prior(result.billing_period),
        prior_year=periods.same_period_prior_year(result.billing_period),
        overview=overview,
        sections=sections,
        totals=totals,
        page=page,
    )


def _instruction_text(value: object, meters: Mapping[int, Any]) -> str:
    """One instruction in words: its kind and each field set, meter ids shown as their codes."""
    if value is None:
        return ""
    if not is_dataclass(value):
        return str(value)
    parts = []
    for item in fields(value):
        field_value = getattr(value, item.name)
        if field_value in (None, (), False):
            continue
        label = item.name.replace("_", " ")
        if "meter_ids" in item.name or item.name == "meter_id":
            ids = field_value if isinstance(field_value, tuple) else (field_value,)
            shown = ", ".join(str((meters.get(i) or {}).get("meter_code", i)) for i in ids)
            parts.append(f"{label.replace(' ids', 's').replace(' id', '')}: {shown}")
        elif is_dataclass(field_value):
            parts.append(f"{label}: {_instruction_text(field_value, meters)}")
        elif isinstance(field_value, Decimal):
            parts.append(f"{label}: {quantity(field_value)}")
        else:
            parts.append(f"{label}: {field_value}")
    name = type(value).__name__
    kind = "".join(" " + c.lower() if c.isupper() else c for c in name).strip()
    return f"{kind} ({'; '.join(parts)})" if parts else kind


@dataclass(frozen=True)
class InstructionPart:
    """One part of a calculated bill's instructions in words: what it sets (use, cost ...) and how."""

    part: str
    text: str


def describe_instructions(view: CalculatedDetailsView) -> tuple[InstructionPart, ...]:
    """A calculated-bill version's use, cost and demand formulas and its line items, in words."""
    meters = view.meters
    found = instructions = view.instructions
    parts = [
        InstructionPart(name, _instruction_text(getattr(found, name), meters))
        for name in ("use", "cost", "demand")
        if getattr(found, name) is not None
    ]
    for caption, items in (
        ("meter line", instructions.meter_line_items),
        ("account line", instructions.account_line_items),
    ):
        for item in items:
            value = "" if item.value is None else f" = {quantity(item.value)}"
            parts.append(InstructionPart(caption, f"{item.caption or ''}: {item.calculation_type}{value}"))
    return tuple(parts)
