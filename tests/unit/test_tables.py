"""importer/tables.py: CSV and XLSX tables with real types, no formulas, written as the rows come."""

from __future__ import annotations

import csv
import io
import tracemalloc
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import openpyxl

from apportion.importer import tables
from apportion.importer.tables import Column, Kind

COLUMNS = (
    Column("Name", Kind.TEXT),
    Column("Id", Kind.INTEGER),
    Column("Use", Kind.NUMBER),
    Column("Cost", Kind.MONEY),
    Column("Day", Kind.DATE),
    Column("At", Kind.DATETIME),
    Column("Void", Kind.FLAG),
)
HOSTILE = ("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "'=quoted", "plain")


def _rows(count: int, seen: list[int] | None = None) -> Iterator[tables.Row]:
    for n in range(count):
        if seen is not None:
            seen.append(n)
        yield (
            HOSTILE[n % len(HOSTILE)],
            n,
            Decimal("1234.500000"),
            Decimal("-30.00"),
            date(2026, 11, 1),
            datetime(2026, 12, 3, 9, 30),
            n % 2 == 0,
        )


def test_csv_cells_are_typed_and_text_is_never_a_formula() -> None:
    content = b"".join(tables.csv_chunks(COLUMNS, _rows(len(HOSTILE))))
    assert content.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert header == [c.heading for c in COLUMNS]
    assert [row[0] for row in rows] == ["'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd", "'\tx", "''=quoted", "plain"]
    assert rows[0][1:] == ["0", "1234.5", "-30.00", "2026-11-01", "2026-12-03 09:30:00", "TRUE"]


def test_csv_is_written_as_the_rows_come() -> None:
    seen: list[int] = []
    chunks = tables.csv_chunks(COLUMNS, _rows(10 * tables.CSV_ROWS_PER_CHUNK, seen))
    first = next(chunks)
    assert first.startswith(b"\xef\xbb\xbf")
    assert len(seen) < 2 * tables.CSV_ROWS_PER_CHUNK  # the first chunk went out before most rows were read
    rest = list(chunks)
    assert not any(chunk.startswith(b"\xef\xbb\xbf") for chunk in rest)
    assert len(rest) >= 9


def test_xlsx_cells_are_numbers_dates_and_strings() -> None:
    file = tables.xlsx_file(COLUMNS, _rows(len(HOSTILE)), "Bills: 2026/11")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(tables.file_chunks(file))))
    sheet = workbook.worksheets[0]
    assert sheet.title == "Bills- 2026-11"
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == [c.heading for c in COLUMNS]
    assert [row[0].value for row in rows[1:]] == list(HOSTILE)
    assert all(row[0].data_type == "s" for row in rows[1:])
    _name, ident, use, cost, day, at, void = rows[1]
    assert (ident.value, use.value, cost.value, void.value) == (0, 1234.5, -30, True)
    assert cost.number_format == "#,##0.00"
    assert day.is_date
    assert day.value == datetime(2026, 11, 1)
    assert at.is_date
    assert at.value == datetime(2026, 12, 3, 9, 30)


def _xlsx_peak(count: int) -> int:
    tracemalloc.start()
    try:
        file = tables.xlsx_file(COLUMNS, _rows(count), "Many")
        assert sum(len(chunk) for chunk in tables.file_chunks(file)) > count * 20
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_an_xlsx_takes_no_more_memory_for_more_rows() -> None:
    # Rows go to openpyxl's temporary file as they come, not into a list: four times the rows, about the same peak.
    small, large = _xlsx_peak(500), _xlsx_peak(2_000)
    assert large < small * 1.5 + 500_000
