"""What the `apportion` command shows people: progress bars, import and chargeback task summaries, the digest table.

Views only: they take what the services return and draw it with rich; the commands in cli.py call the services.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich import box
from rich import progress as bars
from rich.cells import cell_len
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from apportion.domain import periods
from apportion.domain.digest import DigestFigures
from apportion.domain.source_split import Left

if TYPE_CHECKING:  # the commands that show these import their services themselves: `apportion --help` stays quick
    from apportion.runtime.progress import Progress
    from apportion.services.chargebacks.chargeback_tasks import ChargebackTaskListing, TaskLine
    from apportion.services.chargebacks.digest import DigestLine, WorkflowDigest
    from apportion.services.chargebacks.lineage_reports import BillLineage, RerunGroup
    from apportion.services.chargebacks.lineage_reports import Conservation as ConservationReport
    from apportion.services.chargebacks.workflows import Step, Workflow
    from apportion.services.imports.import_tasks import TaskRecord
    from apportion.services.runs.previews import Preview
    from apportion.store.queries.users import UserRow

WIDTH_OFF_TERMINAL = 180  # a file or a pipe gets the digest's full width unless COLUMNS says otherwise


def stdout() -> Console:
    """The console results go to: the terminal's width, or WIDTH_OFF_TERMINAL columns when writing to a file."""
    console = Console(highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = WIDTH_OFF_TERMINAL
    return console


@contextmanager
def progress_bar(description: str) -> Iterator[Progress]:
    """A bar on standard error for the duration of the block; yields the callback a service reports to."""
    columns = (
        bars.SpinnerColumn(),
        bars.TextColumn("{task.description}"),
        bars.BarColumn(),
        bars.MofNCompleteColumn(),
        bars.TextColumn("{task.fields[stage]}"),
        bars.TimeElapsedColumn(),
    )
    with bars.Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task(description, total=None, stage="")

        def report(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total, stage=label)

        yield report


def import_summary(console: Console, task: TaskRecord, batch_code: str | None, kickout_hint: str | None) -> None:
    """A finished bill import task: status, counts, its batch and where its kickout file is."""
    output: Mapping[str, Any] = task.output or {}
    console.print(f"import task {task.task_guid}: [bold]{task.status}[/bold]")
    if task.message:
        console.print(task.message)
    if output:
        console.print(
            f"bills created: {output.get('billCount', 0)}   rows: {output.get('rowCount', 0)}   "
            f"kicked out: {output.get('kickoutRowCount', 0)}   replaced (voided): {output.get('voidedBillCount', 0)}"
        )
    if task.batch_id is not None:
        mode = output.get("batchMode")
        console.print(f"batch: {batch_code} (id {task.batch_id})" + (f", {mode}" if mode else ""))
    if kickout_hint:
        console.print(kickout_hint)


def chargeback_summary(console: Console, task: ChargebackTaskListing, errors: Sequence[tuple[int, str]]) -> None:
    """A finished chargeback task (chargeback_tasks.get_task) and its versions' error messages."""
    workflow = task.workflow
    step = f", step {workflow.step_id} {workflow.step_info}" if workflow is not None else ""
    console.print(
        f"chargeback task {task.task_id} ({task.chargeback_type}, period {task.billing_period}{step}): "
        f"[bold]{task.status}[/bold]"
    )
    console.print(
        f"bills created: {task.number_of_bills_created}   failed versions: {task.number_of_failed_versions}   "
        f"batch: {task.batch_code} (id {task.batch_id})"
    )
    for version_id, message in errors:
        console.print(f"  version {version_id}: {message}", markup=False)


def _quantity(value: Decimal) -> str:
    """A decimal with thousands separators and no trailing zeros: 1234.500000 -> 1,234.5."""
    normal = value.normalize()
    if normal.as_tuple().exponent > 0:  # type: ignore[operator]
        normal = normal.quantize(Decimal(1))
    return f"{normal:,f}"


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _signed(text: str) -> str:
    return text if text.startswith("-") else f"+{text}"


DIGEST_PRIORITY = (0, 8, 10, 3, 12, 1, 2, 5, 7, 9, 11, 4, 6)
"""The digest's columns by importance, kept in this order while they fit the console: the meter, the period's
cost, its change from the prior period, the period's use, the cost's change from last year, the unit, the bills,
then the use changes and the comparison periods' own figures."""


def _cell_width(text: str) -> int:
    return max((cell_len(part) for part in text.splitlines()), default=0)


def fitting_columns(headings: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[int]:
    """The indexes of the columns (by DIGEST_PRIORITY) that fit `width` whole, in table order: a SIMPLE_HEAVY table
    takes each column's widest cell plus three characters (padding and divider) and one more for its edge."""
    widths = [max([_cell_width(h), *(_cell_width(r[i]) for r in rows)]) for i, h in enumerate(headings)]
    chosen: list[int] = []
    used = 1
    for index in DIGEST_PRIORITY:
        if index >= len(headings):
            continue
        if chosen and used + widths[index] + 3 > width:
            continue
        chosen.append(index)
        used += widths[index] + 3
    return sorted(chosen)


def digest_table(result: WorkflowDigest, width: int | None = None, wide: bool = False) -> Table:
    """The digest as a table: one row per meter (split destinations indented under their source), with use and cost
    for the period, the prior period and the same period last year, and the deltas (current - comparison).

    Unless `wide`, only the columns that fit `width` whole are shown (DIGEST_PRIORITY), never a number cut short;
    the caption names the columns left out."""
    step, period = result.step, result.billing_period
    currency = step.cost_unit.unit_code if step.cost_unit is not None else "the system currency"
    prior, year = periods.prior(period), periods.same_period_prior_year(period)
    headings = ["meter", "unit", "bills"]
    headings += [f"use {period}", f"use {prior}", f"use Δ {prior}", f"use {year}", f"use Δ {year}"]
    headings += [f"cost {period}", f"cost {prior}", f"cost Δ {prior}", f"cost {year}", f"cost Δ {year}"]
    rows: list[tuple[list[str], str | None]] = []
    for line in result.results:
        rows.append((_cells(line, indent=""), "bold" if line.splits else None))
        for child in line.splits or ():
            rows.append((_cells(child, indent="  └ "), None))
    shown = list(range(len(headings)))
    if not wide and width is not None:
        shown = fitting_columns(headings, [cells for cells, _style in rows], width)
    hidden = [headings[i] for i in range(len(headings)) if i not in shown]
    caption = f"use in each meter's unit; cost in {currency}; Δ = current - comparison"
    if hidden:
        caption += f"; not shown: {', '.join(hidden)} (--wide shows them, --csv/--xlsx/--json export them)"
    table = Table(
        title=f"Digest of step {step.step_id} {step.step_info} ({step.step_type}), period {period}",
        box=box.SIMPLE_HEAVY,
        caption=caption,
    )
    for index in shown:
        table.add_column(headings[index], justify="left" if index < 2 else "right", no_wrap=True)
    for cells, style in rows:
        table.add_row(*(cells[i] for i in shown), style=style)
    return table


def _cells(line: DigestLine, indent: str) -> list[str]:
    figures: DigestFigures = line.figures
    now, before, last_year = figures.current, figures.prior_period, figures.prior_year
    return [
        f"{indent}{line.meter.meter_code}",
        line.use_unit.unit_code if line.use_unit is not None else "",
        str(now.number_of_bills),
        _quantity(now.use),
        _quantity(before.use),
        _signed(_quantity(before.use_delta)),
        _quantity(last_year.use),
        _signed(_quantity(last_year.use_delta)),
        _money(now.cost),
        _money(before.cost),
        _signed(_money(before.cost_delta)),
        _money(last_year.cost),
        _signed(_money(last_year.cost_delta)),
    ]


def digest(console: Console, result: WorkflowDigest, wide: bool = False) -> None:
    """Print the digest table (fitted to the console unless `wide`), or say that the step has no task in the
    period."""
    if not result.results:
        step = result.step
        console.print(
            f"step {step.step_id} {step.step_info} has no chargeback task in period {result.billing_period}: "
            "nothing to show (run it first: apportion run --step ID --period YYYYMM)"
        )
        return
    table = digest_table(result, console.width, wide)
    # --wide: the whole table at its natural width, however narrow the console (the terminal wraps, or a pager
    # scrolls); otherwise it fits the console.
    if not wide:
        console.print(table)
        return
    natural = Measurement.get(console, console.options.update(width=10_000), table).maximum
    width = console.width
    console.width = max(width, natural)
    try:
        console.print(table, crop=False)
    finally:
        console.width = width


_LEFT_CAPTIONS = {
    Left.ACCOUNT_CHARGES: "account charges of dynamic splits",
    Left.UNSPLIT_METERS: "meters no version splits",
    Left.PERCENTAGES: "percentages not totalling 100 %",
    Left.VACANCY: "vacancy (days no account was linked)",
    Left.FAILED_VERSIONS: "bills of failed versions",
    Left.NOT_SPLIT: "cost a dynamic split of use does not split",
}


def conservation(console: Console, report: ConservationReport) -> None:
    """Where a split task's source amounts went: allocated, left on the sources by reason, rounding; per source."""
    total = report.total
    if not report.sources:
        return
    console.print(
        f"conservation: source {_money(total.source_amount)} = allocated {_money(total.allocated)}"
        f" + left on the sources {_money(sum(total.left.values(), Decimal(0)))}"
        f"   (rounding moved {_money(total.rounding)})"
    )
    for reason, caption in _LEFT_CAPTIONS.items():
        amount = total.left.get(reason, Decimal(0))
        if amount:
            console.print(f"  left: {_money(amount)}  {caption}")
    table = Table(box=box.SIMPLE_HEAD)
    for name in ("source bill", "account", "meters", "source", "allocated", "left", "rounding"):
        table.add_column(name, justify="left" if name in ("account", "meters") else "right")
    for item in report.sources:
        record, bill = item.record, item.bill
        table.add_row(
            str(record.source_bill_id),
            bill.account_code if bill else "",
            " ".join(bill.meter_codes) if bill else "",
            _money(record.source_amount),
            _money(record.allocated),
            _money(sum(record.left.values(), Decimal(0))),
            _money(record.rounding),
        )
    console.print(table)


def lineage(console: Console, found: BillLineage) -> None:
    """A bill's sources, its lines' shares and its live dependents, indented by depth."""
    bill = found.bill
    state = "void" if bill.void else "live"
    console.print(
        f"bill {bill.bill_id}: account {bill.account_code}, meter {' '.join(bill.meter_codes)}, "
        f"{bill.billing_period}, {_money(bill.total_cost)} ({state})",
        markup=False,
    )
    for source in found.sources:
        kind = "split from" if source.split else "used"
        console.print(
            f"  {kind} bill {source.bill.bill_id}: account {source.bill.account_code}, "
            f"{_money(source.bill.total_cost)}{' (void)' if source.bill.void else ''}",
            markup=False,
        )
    for line in found.lines:
        if line.basis is not None:
            console.print(
                f"  line {line.line_order}: {_money(line.cost) if line.cost is not None else '-'} from line "
                f"{line.source_line_id}, {line.basis}, exact share {line.exact_share}, rounding "
                f"{_money(line.rounding) if line.rounding is not None else '-'}",
                markup=False,
            )
    for dependent in found.dependents:
        made = "split to" if dependent.split else "used by"
        console.print(
            f"{'  ' * dependent.depth}{made} bill {dependent.bill.bill_id}: account {dependent.bill.account_code}, "
            f"{_money(dependent.bill.total_cost)} (task {dependent.bill.chargeback_task_id})",
            markup=False,
        )
    for correction in found.corrections:
        console.print(f"  {correction.action} on {correction.created_date:%Y-%m-%d}: {correction.reason}", markup=False)


def reruns(console: Console, groups: Sequence[RerunGroup]) -> None:
    """The step periods that need running again, with each version and why."""
    if not groups:
        console.print("nothing needs running again")
        return
    for group in groups:
        step = f"step {group.step_id} {group.step_info}" if group.step_id is not None else "versions outside a workflow"
        console.print(f"[bold]{step}, billing period {group.billing_period}[/bold]")
        for rerun in group.reruns:
            done = f" (resolved by task {rerun.resolved_task_id})" if rerun.resolved_task_id else ""
            console.print(
                f"  {rerun.chargeback_type} version {rerun.version_id} ({rerun.account_code} / {rerun.meter_code}): "
                f"{rerun.reason}{done}",
                markup=False,
            )


def kickouts(console: Console, reasons: Sequence[str], limit: int = 20) -> None:
    """The rows an import kicked out, each with its reason (the first `limit`, then how many more)."""
    if not reasons:
        return
    console.print(f"kicked out ({len(reasons):,}):")
    for reason in reasons[:limit]:
        console.print(f"  {reason}", markup=False)
    if len(reasons) > limit:
        console.print(f"  ... and {len(reasons) - limit:,} more (the kickout file has them all)")


def preview(console: Console, found: Preview, what: str) -> None:
    """A dry run: each task's outcome and conservation, then the difference from what is live, per destination."""
    console.print(f"[bold]dry run[/bold] of {what} for {found.billing_period}: nothing was written")
    for task in found.tasks:
        result = task.result
        step = f"step {result.workflow_step_id} " if result.workflow_step_id is not None else ""
        console.print(
            f"{step}({result.chargeback_type}): {result.status}, would create {result.bills_created:,} bills"
            + (f", {result.failed_versions} versions failing" if result.failed_versions else "")
        )
        if task.conservation is not None:
            record = task.conservation
            left = sum(record.left.values(), Decimal(0))
            console.print(
                f"  conservation: source {_money(record.source_amount)} = allocated {_money(record.allocated)} "
                f"+ left {_money(left)} (rounding {_money(record.rounding)})"
            )
        for version_id, message in result.errors:
            console.print(f"  version {version_id}: {message}", markup=False)
    summary = found.summary
    console.print(
        f"against what is live: {summary.new} new, {summary.changed} changed, {summary.unchanged} unchanged, "
        f"{summary.voided} voided"
    )
    console.print(
        f"cost live now {_money(summary.live_cost)}, after posting {_money(summary.new_cost)} "
        f"({_signed(_money(summary.difference))})"
    )
    if not found.differences:
        return
    table = Table(box=box.SIMPLE_HEAD)
    for name in ("account", "meter", "version", "change", "live", "after", "difference"):
        table.add_column(name, justify="right" if name in ("version", "live", "after", "difference") else "left")
    for d in found.differences:
        table.add_row(
            d.account_code,
            d.meter_code or "",
            str(d.version_id),
            d.change.value,
            _money(d.live_cost),
            _money(d.new_cost),
            _signed(_money(d.difference)),
            style="dim" if d.change.value == "unchanged" else None,
        )
    console.print(table)


def _listing(
    console: Console, headings: Sequence[str], rows: Sequence[Sequence[str]], empty: str, squeeze: int | None = None
) -> None:
    """A plain table; every column whole except `squeeze` (by index), which is cut short with … when space is short."""
    if not rows:
        console.print(empty)
        return
    table = Table(box=box.SIMPLE_HEAD)
    for index, heading in enumerate(headings):
        if index == squeeze:
            table.add_column(heading, overflow="ellipsis", no_wrap=True, min_width=8)
        else:
            whole = max(cell_len(heading), *(_cell_width(row[index]) for row in rows))
            table.add_column(heading, overflow="fold", min_width=whole if squeeze is not None else None)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def workflows(console: Console, found: Sequence[Workflow]) -> None:
    """The workflows with their steps (ids to pass to run, digest and export)."""
    rows = [
        (str(w.workflow_id), w.info, "\n".join(f"{s.step_id}: {s.info} ({s.step_type})" for s in w.steps) or "-")
        for w in found
    ]
    _listing(console, ("workflow", "name", "steps (id: name (type))"), rows, "no chargeback workflow yet")


def steps(console: Console, found: Sequence[Step]) -> None:
    """The workflow steps, in workflow and step order."""
    ordered = sorted(found, key=lambda s: (s.workflow_id, s.order, s.step_id))
    rows = [(str(s.step_id), s.step_type, s.info, f"{s.workflow_id} {s.workflow_info}", str(s.order)) for s in ordered]
    _listing(console, ("step", "type", "name", "workflow", "order"), rows, "no workflow step yet")


def tasks(console: Console, found: Sequence[TaskLine]) -> None:
    """Chargeback tasks, newest first (a task outside a workflow shows its type for a step)."""
    rows = [
        (
            str(t.task_id),
            str(t.billing_period),
            str(t.step_id) if t.step_id is not None else t.chargeback_type,
            t.status + (" (reversed)" if t.reversed else ""),
            f"{t.bills_created:,}",
            str(t.failed_versions),
            f"{t.begin:%m-%d %H:%M}",
            t.batch_code or "",
        )
        for t in found
    ]
    headings = ("task", "period", "step", "status", "bills", "failed", "started", "batch")
    _listing(console, headings, rows, "no chargeback task matches", squeeze=len(headings) - 1)


def users(console: Console, found: Sequence[UserRow]) -> None:
    """The users (never their keys)."""
    rows = [(str(u.user_id), u.user_code, u.full_name, "yes" if u.active else "no", u.email or "") for u in found]
    _listing(console, ("id", "code", "name", "active", "email"), rows, "no user yet")
