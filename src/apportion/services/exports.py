"""Exports of what a month-end produces: a step's digest, a chargeback task's bills, a batch's bills and any bill
list (the same filter as GET /api/v3/bill), as tables for importer/tables.py to write as CSV or XLSX.

A bill export checks what it names (404 before any byte is sent), then reads its rows lazily, a slice at a time
(store/queries/bill_rows.py), in a read-only unit of work opened when the first row is wanted and closed after the
last: a year of bills streams in bounded memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from apportion.domain import periods
from apportion.domain.errors import NotFound
from apportion.domain.ids import parse_filter, require
from apportion.domain.scoping import Scope
from apportion.importer import tables
from apportion.importer.tables import Column, Kind, Row
from apportion.services.billing.bills import FILTERS as BILL_FILTERS
from apportion.services.chargebacks import digest as digest_service
from apportion.services.chargebacks.digest import DigestLine, WorkflowDigest
from apportion.store import lineage
from apportion.store.database import Database
from apportion.store.queries import batches as stored_batches
from apportion.store.queries import bill_rows
from apportion.store.queries.bill_rows import BillRow


@dataclass(frozen=True)
class Table:
    """A table to export: a file name without extension, a sheet title, the columns and the rows (read lazily)."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: Iterator[Row]


BILL_COLUMNS = (
    Column("Bill ID", Kind.INTEGER),
    Column("Billing period", Kind.INTEGER),
    Column("Begin date", Kind.DATE),
    Column("End date", Kind.DATE),
    Column("Account code", Kind.TEXT),
    Column("Account name", Kind.TEXT),
    Column("Vendor code", Kind.TEXT),
    Column("Meter codes", Kind.TEXT),
    Column("Use", Kind.NUMBER),
    Column("Use unit", Kind.TEXT),
    Column("Total cost", Kind.MONEY),
    Column("Batch ID", Kind.INTEGER),
    Column("Batch code", Kind.TEXT),
    Column("Chargeback task ID", Kind.INTEGER),
    Column("Version ID", Kind.INTEGER),
    Column("Workflow step ID", Kind.INTEGER),
    Column("Source bill ID", Kind.INTEGER),
    Column("Void", Kind.FLAG),
    Column("From vendor", Kind.FLAG),
    Column("Estimated", Kind.FLAG),
    Column("Created", Kind.DATETIME),
)


@dataclass(frozen=True)
class Download:
    """A table as a file to send: its bytes in pieces, its media type and its file name."""

    chunks: Iterator[bytes]
    media_type: str
    file_name: str


def download(table: Table, format: str) -> Download:
    """`table` as CSV (streamed as its rows are read) or XLSX (written to a temporary file first, then streamed):
    the one way the API and the pages turn an export into a file."""
    if format == "xlsx":
        file = tables.xlsx_file(table.columns, table.rows, table.title)
        return Download(tables.file_chunks(file), tables.XLSX_MEDIA_TYPE, f"{table.name}.xlsx")
    return Download(tables.csv_chunks(table.columns, table.rows), tables.CSV_MEDIA_TYPE, f"{table.name}.csv")


def bill_cells(bill: BillRow) -> Row:
    """One bill as the cells of BILL_COLUMNS."""
    return (
        bill.bill_id,
        bill.billing_period,
        bill.begin_date,
        bill.end_date,
        bill.account_code,
        bill.account_info,
        bill.vendor_code,
        " ".join(bill.meter_codes),
        bill.use,
        bill.use_unit_code,
        bill.total_cost,
        bill.batch_id,
        bill.batch_code,
        bill.chargeback_task_id,
        bill.version_id,
        bill.workflow_step_id,
        bill.source_bill_id,
        bill.void,
        bill.from_vendor,
        bill.estimated,
        bill.created_date,
    )


def _bill_rows(db: Database, where: Callable[[], Any], scope: Scope) -> Iterator[Row]:
    with db.reading() as session:
        for bill in bill_rows.stream(session, where(), scope):
            yield bill_cells(bill)


def task_bills(db: Database, task_id: int, scope: Scope = Scope.WHOLE) -> Table:
    """GET /apportion/v1/chargebackTask/{id}/bills/export: every bill the task wrote (void ones flagged), in the
    caller's `scope`."""
    require(task_id, "Chargeback task")
    with db.reading() as session:
        if not lineage.task_exists(session, task_id):
            raise NotFound("Chargeback task", task_id)
    rows = _bill_rows(db, lambda: bill_rows.of_task(task_id), scope)
    return Table(f"chargeback-task-{task_id}-bills", f"Task {task_id} bills", BILL_COLUMNS, rows)


def batch_bills(db: Database, batch_id: int, scope: Scope = Scope.WHOLE) -> Table:
    """GET /apportion/v1/batch/{id}/bills/export: every bill of the batch in the caller's `scope`."""
    require(batch_id, "Batch")
    with db.reading() as session:
        batch = stored_batches.batch(session, batch_id)
    if batch is None:
        raise NotFound("Batch", batch_id)
    rows = _bill_rows(db, lambda: bill_rows.of_batch(batch_id), scope)
    return Table(f"batch-{batch_id}-bills", f"Batch {batch.batch_code} bills", BILL_COLUMNS, rows)


def bill_list(db: Database, filter_text: str | None, today: date, scope: Scope = Scope.WHOLE) -> Table:
    """GET /apportion/v1/bill/export?filter=...: every bill GET /api/v3/bill lists for the filter (all pages), by
    id; a bad filter is a 400 naming it before anything is sent."""
    conditions = parse_filter(filter_text, BILL_FILTERS)
    rows = _bill_rows(db, lambda: bill_rows.matching(conditions, today), scope)
    return Table("bills", "Bills", BILL_COLUMNS, rows)


def digest_columns(period: int) -> tuple[Column, ...]:
    """The digest's columns: the meter, then use and cost for the period, the prior period and the same period a
    year before, each comparison with its delta (current - comparison)."""
    prior, year = periods.prior(period), periods.same_period_prior_year(period)
    return (
        Column("Meter code", Kind.TEXT),
        Column("Meter name", Kind.TEXT),
        Column("Split from meter", Kind.TEXT),
        Column("Use unit", Kind.TEXT),
        Column("Bills", Kind.INTEGER),
        Column("Bills from step", Kind.INTEGER),
        Column(f"Use {period}", Kind.NUMBER),
        Column(f"Use {prior}", Kind.NUMBER),
        Column(f"Use delta {prior}", Kind.NUMBER),
        Column(f"Use {year}", Kind.NUMBER),
        Column(f"Use delta {year}", Kind.NUMBER),
        Column(f"Cost {period}", Kind.MONEY),
        Column(f"Cost {prior}", Kind.MONEY),
        Column(f"Cost delta {prior}", Kind.MONEY),
        Column(f"Cost {year}", Kind.MONEY),
        Column(f"Cost delta {year}", Kind.MONEY),
        Column(f"Unit cost {period}", Kind.NUMBER),
    )


def digest_cells(line: DigestLine, parent: DigestLine | None) -> Row:
    """One digest entry (a source meter, or a split destination under `parent`) as the cells of digest_columns."""
    figures = line.figures
    now, before, last_year = figures.current, figures.prior_period, figures.prior_year
    return (
        line.meter.meter_code,
        line.meter.meter_info,
        parent.meter.meter_code if parent is not None else None,
        line.use_unit.unit_code if line.use_unit is not None else None,
        now.number_of_bills,
        now.number_of_bills_from_step,
        now.use,
        before.use,
        before.use_delta,
        last_year.use,
        last_year.use_delta,
        now.cost,
        before.cost,
        before.cost_delta,
        last_year.cost,
        last_year.cost_delta,
        now.unit_cost,
    )


def digest_rows(result: WorkflowDigest) -> Iterator[Row]:
    """Each source meter's row, followed by its split destinations' rows."""
    for line in result.results:
        yield digest_cells(line, None)
        for child in line.splits or ():
            yield digest_cells(child, line)


def digest_table(result: WorkflowDigest) -> Table:
    """A digest as a table."""
    step_id, period = result.step.step_id, result.billing_period
    return Table(
        f"digest-step-{step_id}-{period}",
        f"Digest {period}",
        digest_columns(period),
        digest_rows(result),
    )


def digest(db: Database, step_id: int, billing_period: int | None, today: date, scope: Scope = Scope.WHOLE) -> Table:
    """GET /apportion/v1/digest/{stepId}/export: the digest GET /api/v3/chargebackWorkflow/{id}/digest answers."""
    return digest_table(digest_service.get_digest(db, step_id, billing_period, today, scope))
