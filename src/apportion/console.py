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
from sqlalchemy import RowMapping

from apportion.domain import periods
from apportion.domain.digest import DigestFigures
from apportion.services.digest import DigestLine, WorkflowDigest
from apportion.services.progress import Progress

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


def import_summary(console: Console, task: Any, batch_code: str | None, kickout_hint: str | None) -> None:
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


def chargeback_summary(console: Console, row: RowMapping, errors: Sequence[tuple[int, str]]) -> None:
    """A finished chargeback task (a chargeback_tasks.get_task row) and its versions' error messages."""
    task = row["ChargebackTask"]
    step = f", step {row['workflow_id']} {row['workflow_info']}" if task.workflow_step_id is not None else ""
    console.print(
        f"chargeback task {task.task_id} ({task.chargeback_type}, period {task.billing_period}{step}): "
        f"[bold]{task.status}[/bold]"
    )
    console.print(
        f"bills created: {task.number_of_bills_created}   failed versions: {task.number_of_failed_versions}   "
        f"batch: {row['batch_code']} (id {row['batch_id']})"
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
