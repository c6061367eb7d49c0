"""Tables people take away: CSV and XLSX files written row by row, with real spreadsheet types and no formulas.

A table is its columns (a heading and a kind) and an iterable of rows. The CSV is produced in chunks of bytes as the
rows come (UTF-8 with a byte-order mark, as the kickout files, so spreadsheet programs read non-ASCII text); the
XLSX is written by openpyxl's write-only workbook, which keeps the sheet in a temporary file as rows are appended,
into a spooled temporary file that is then read back in chunks. Neither holds the whole table in memory.

Types: integers and amounts are numbers (Decimal, so amounts keep every cent), dates are dates (XLSX date cells,
ISO 8601 in CSV), flags are TRUE/FALSE. Text cells are never formulas: in CSV a text cell starting with `=`, `+`,
`-`, `@`, a tab or a carriage return gets a single quote in front (importer/formulas.py, OWASP "CSV Injection"); in
XLSX every text cell is written as a string cell, which a spreadsheet never evaluates, with its text unchanged.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import IO

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from apportion.importer.formulas import neutralise

CSV_ROWS_PER_CHUNK = 500
FILE_CHUNK_BYTES = 64 * 1024
SPOOL_BYTES = 4 * 1024 * 1024  # an XLSX up to this size stays in memory; a larger one goes to a temporary file
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


class Kind(StrEnum):
    """What a column holds, and so how a cell of it is written."""

    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"  # a quantity (use): as many decimals as it has
    MONEY = "money"  # an amount: two decimals shown, every digit kept
    DATE = "date"
    DATETIME = "datetime"
    FLAG = "flag"


@dataclass(frozen=True)
class Column:
    """A column of a table: its heading and kind."""

    heading: str
    kind: Kind


Cell = str | int | Decimal | date | datetime | bool | None
Row = Sequence[Cell]

_FORMATS = {Kind.MONEY: "#,##0.00", Kind.DATE: "yyyy-mm-dd", Kind.DATETIME: "yyyy-mm-dd hh:mm:ss"}


def csv_text(value: Cell, kind: Kind) -> str:
    """One cell as CSV text: numbers plain (never neutralised: `-12.50` is a number), text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        if kind is Kind.NUMBER and value == value.to_integral_value():
            return f"{value.quantize(Decimal(1)):f}"  # 164421.000000 -> 164421
        return f"{value.normalize() if kind is Kind.NUMBER else value:f}"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return neutralise(value) if kind is Kind.TEXT else value


def csv_chunks(columns: Sequence[Column], rows: Iterable[Row]) -> Iterator[bytes]:
    """The table as CSV, a few hundred rows per chunk: headings first, then each row."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(c.heading) for c in columns])
    pending = 1
    first = True
    for row in rows:
        writer.writerow([csv_text(value, column.kind) for value, column in zip(row, columns, strict=True)])
        pending += 1
        if pending >= CSV_ROWS_PER_CHUNK:
            yield _drain(buffer, first)
            first, pending = False, 0
    if pending or first:
        yield _drain(buffer, first)


def _drain(buffer: io.StringIO, first: bool) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate(0)
    return text.encode("utf-8-sig" if first else "utf-8")


def _cell(sheet: WriteOnlyWorksheet, value: Cell, kind: Kind) -> WriteOnlyCell:
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value) or None)
        if cell.value is not None:
            cell.data_type = "s"  # a string cell: never read as a formula, whatever it starts with
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    number_format = _FORMATS.get(kind)
    if number_format is not None and value is not None:
        cell.number_format = number_format
    return cell


def xlsx_file(columns: Sequence[Column], rows: Iterable[Row], sheet_title: str) -> IO[bytes]:
    """The table as an XLSX workbook of one sheet (bold headings, frozen first row), in a temporary file rewound to
    its start; the caller closes it."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(sheet_title))
    sheet.freeze_panes = "A2"
    headings = []
    for column in columns:
        heading = WriteOnlyCell(sheet, value=column.heading)
        heading.data_type = "s"
        heading.font = openpyxl.styles.Font(bold=True)
        headings.append(heading)
    sheet.append(headings)
    for row in rows:
        sheet.append([_cell(sheet, value, column.kind) for value, column in zip(row, columns, strict=True)])
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115  (the caller reads and closes it)
    workbook.save(out)
    out.seek(0)
    return out


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("-" if c in "[]:*?/\\" else c for c in title).strip("'") or "Sheet"
    return cleaned[:31]


def file_chunks(file: IO[bytes]) -> Iterator[bytes]:
    """A file's bytes in chunks, then the file closed."""
    try:
        while chunk := file.read(FILE_CHUNK_BYTES):
            yield chunk
    finally:
        file.close()
