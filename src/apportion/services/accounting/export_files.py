"""The export for people: an export's bills grouped by cost center and account (domain.export_file.ledger) as CSV
or XLSX. Text cells are neutralised so a spreadsheet never runs a name as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from apportion.domain.export_file import LEDGER_HEADER, LedgerRow, ledger_cells
from apportion.importer.formulas import neutralise


def ledger_csv(rows: Sequence[LedgerRow]) -> bytes:
    """CSV (UTF-8 with a byte-order mark for spreadsheet programs, CRLF)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(LEDGER_HEADER)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in ledger_cells(row)])
    return buffer.getvalue().encode("utf-8-sig")


def ledger_xlsx(rows: Sequence[LedgerRow]) -> bytes:
    """An XLSX workbook with one sheet, "Export": text as text, the amount as a number."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Export")
    sheet.append(list(LEDGER_HEADER))
    for row in rows:
        *texts, _amount = ledger_cells(row)
        cells: list[object] = []
        for text in texts:
            cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", text) or None)
            if cell.value is not None:
                cell.data_type = "s"
            cells.append(cell)
        cells.append(row.amount)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
