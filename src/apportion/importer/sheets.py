"""The first sheet of an XLSX upload as rows of cell values, checked against the limits before they are built.

The sheet's stored dimension is checked before any cell is read (`check_dimension`); the rows are then read as the
sheet stores them, each row's width checked before the row is built (`sheet_rows`); `cell_text` turns each value
into the text a CSV cell would hold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from openpyxl.worksheet._reader import WorkSheetParser

from apportion.importer.limits import ImportFileRejected, ImportLimits, row_too_wide


def check_dimension(name: str, sheet: Any, limits: ImportLimits, rows_left: int) -> None:
    """Refuse a sheet whose stored dimension (`<dimension ref="A1:XFD9"/>`) is over the limits, before any cell.

    The stored dimension may be missing, or smaller than the cells: `sheet_rows` checks each row as well.
    """
    columns, rows = sheet.max_column, sheet.max_row
    if columns is None or rows is None:
        return
    where = f"{name}: the first sheet's dimension ({sheet.calculate_dimension()})"
    if columns > limits.max_cells_per_row:
        raise ImportFileRejected(
            f"{where} spans {columns:,} columns; at most {limits.max_cells_per_row:,} are allowed."
        )
    if rows > rows_left:
        raise ImportFileRejected(f"{where} spans {rows:,} rows; the upload may have at most {limits.max_rows:,}.")


def sheet_rows(
    name: str, sheet: Any, limits: ImportLimits, take: Callable[[str, int], None]
) -> Iterator[tuple[int, list[object]]]:
    """(sheet row number, values from column A to the row's last cell) for each row that has cells.

    openpyxl's own row iterator pads every row to the widest one and yields every missing row, so one cell in
    column XFD, or in row 1,048,576, costs millions of empty cells; this reads the sheet's rows as they are stored
    (with openpyxl's parser, as its read-only worksheet does) and checks each row's width before building it.
    """
    workbook = sheet.parent
    with workbook._archive.open(sheet._worksheet_path) as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        last = 0
        for number, cells in parser.parse():
            take(name, max(1, number - last))  # rows left out of the sheet count as the blank rows they are
            last = max(last, number)
            if not cells:
                continue
            width = max(cell["column"] for cell in cells)
            if width > limits.max_cells_per_row:
                raise row_too_wide(name, number, width, limits)
            values: list[object] = [None] * width
            for cell in cells:
                values[cell["column"] - 1] = cell["value"]
            yield number, values


def cell_text(value: object) -> str:
    """A spreadsheet value as stable text: dates ISO (yyyy-mm-dd), numbers exactly as stored, no float noise.

    cell_text(12) == "12"; cell_text(0.1) == "0.1"; cell_text(1e20) == "100000000000000000000";
    cell_text(datetime(2024, 1, 2)) == "2024-01-02"; cell_text(None) == "".
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # repr is the shortest text that round-trips the stored double; Decimal keeps it exact from here on.
        return format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)
