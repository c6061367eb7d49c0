"""What the `apportion` command shows people: progress bars, import and chargeback task summaries, the digest table.

Views only: they take what the services return and draw it with rich; the commands in cli.py call the services.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from rich import box
from rich import progress as bars
from rich.console import Console
from rich.table import Table

from apportion.domain import periods
from apportion.domain.digest import DigestFigures
from apportion.domain.source_split import Left
from apportion.runtime.progress import Progress
from apportion.services.chargebacks.chargeback_tasks import ChargebackTaskListing
from apportion.services.chargebacks.digest import DigestLine, WorkflowDigest
from apportion.services.chargebacks.lineage_reports import BillLineage, RerunGroup
from apportion.services.chargebacks.lineage_reports import Conservation as ConservationReport
from apportion.services.imports.import_tasks import TaskRecord

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


def digest_table(result: WorkflowDigest) -> Table:
    """The digest as a table: one row per meter (split destinations indented under their source), with use and cost
    for the period, the prior period and the same period last year, and the deltas (current - comparison)."""
    step, period = result.step, result.billing_period
    prior, year = periods.prior(period), periods.same_period_prior_year(period)
    table = Table(
        title=f"Digest of step {step['step_id']} {step['step_info']} ({step['step_type']}), period {period}",
        box=box.SIMPLE_HEAVY,
        caption=f"use in each meter's unit; cost in {step['cost_unit_code'] or 'the system currency'}; "
        "delta = current - comparison",
    )
    table.add_column("meter", no_wrap=True)
    table.add_column("unit", no_wrap=True)
    table.add_column("bills", justify="right")
    for heading in (f"use {period}", f"use {prior}", "delta", f"use {year}", "delta"):
        table.add_column(heading, justify="right", no_wrap=True)
    for heading in (f"cost {period}", f"cost {prior}", "delta", f"cost {year}", "delta"):
        table.add_column(heading, justify="right", no_wrap=True)
    for line in result.results:
        table.add_row(*_cells(line, indent=""), style="bold" if line.splits else None)
        for child in line.splits or ():
            table.add_row(*_cells(child, indent="  └ "))
    return table


def _cells(line: DigestLine, indent: str) -> list[str]:
    figures: DigestFigures = line.figures
    now, before, last_year = figures.current, figures.prior_period, figures.prior_year
    return [
        f"{indent}{line.meter['meter_code']}",
        str(line.meter["use_unit_code"] or ""),
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


def digest(console: Console, result: WorkflowDigest) -> None:
    """Print the digest table, or say that the step has no task in the period."""
    if not result.results:
        step = result.step
        console.print(
            f"step {step['step_id']} {step['step_info']} has no chargeback task in period {result.billing_period}: "
            "nothing to show (run it first: apportion run --step ID --period YYYYMM)"
        )
        return
    console.print(digest_table(result))


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
