"""Import limits checked while reading (columns, cells per row, XLSX dimension, rows) and while kicking out
(one row's message, the kickout files' size): each refusal names its limit, the same with or without rows kept."""

from __future__ import annotations

import io
import zipfile

import pytest

from apportion.importer.kickouts import write_kickout_file
from apportion.importer.limits import ImportFileRejected, ImportLimits
from apportion.importer.readers import Row, SourceFile, read_files
from apportion.importer.rows import Kickout, cut, parse_file
from tests.support.hostile_import import sheet_xml, xlsx_with_sheet


def rejected(file_name: str, data: bytes, limits: ImportLimits) -> str:
    with pytest.raises(ImportFileRejected) as caught:
        read_files(file_name, data, limits)
    with pytest.raises(ImportFileRejected) as checked:
        read_files(file_name, data, limits, keep_rows=False)  # the request's check refuses it the same way
    assert checked.value.message == caught.value.message
    assert caught.value.field == "data"
    return caught.value.message


def test_a_header_with_more_columns_than_the_limit_is_refused() -> None:
    data = b"AccountCode,StartDate,EndDate,Note\r\nA,2024-01-01,2024-02-01,x\r\n"
    assert rejected("bills.csv", data, ImportLimits(max_columns=3)) == (
        "bills.csv: the header has 4 columns; at most 3 are allowed."
    )
    # Empty header cells at the end (a spreadsheet's stray commas) are no columns.
    [source] = read_files("bills.csv", b"A,B,C,,,\r\n1,2,3\r\n", ImportLimits(max_columns=3))
    assert source.rows == (Row(2, ("1", "2", "3")),)


def test_a_row_with_more_cells_than_the_limit_is_refused_naming_its_line() -> None:
    data = b"A,B\r\n1,2\r\n1,2,3,4,5\r\n"
    assert rejected("bills.csv", data, ImportLimits(max_cells_per_row=4)) == (
        "bills.csv: row 3 has 5 cells; at most 4 are allowed."
    )
    assert len(read_files("bills.csv", data, ImportLimits(max_cells_per_row=5))[0].rows) == 2


def test_the_limits_hold_for_a_member_of_a_zip() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ok.csv", b"A\r\n1\r\n")
        archive.writestr("dir/wide.csv", b"A\r\n" + b"," * 10 + b"\r\n")
    assert rejected("up.zip", buffer.getvalue(), ImportLimits(max_cells_per_row=10)) == (
        "dir/wide.csv: row 2 has 11 cells; at most 10 are allowed."
    )


def test_an_xlsx_is_refused_by_its_stored_dimension_before_its_cells_are_read() -> None:
    data = xlsx_with_sheet(sheet_xml(20, "K", dimension=True))
    assert rejected("wide.xlsx", data, ImportLimits(max_cells_per_row=10)) == (
        "wide.xlsx: the first sheet's dimension (A1:K20) spans 11 columns; at most 10 are allowed."
    )
    assert rejected("long.xlsx", data, ImportLimits(max_rows=19)) == (
        "long.xlsx: the first sheet's dimension (A1:K20) spans 20 rows; the upload may have at most 19."
    )
    assert len(read_files("ok.xlsx", data, ImportLimits(max_cells_per_row=11, max_rows=20))[0].rows) == 19


def test_an_xlsx_without_a_dimension_is_checked_row_by_row() -> None:
    data = xlsx_with_sheet(sheet_xml(20, "K", dimension=False))
    assert rejected("wide.xlsx", data, ImportLimits(max_cells_per_row=10)) == (
        "wide.xlsx: row 1 has 11 cells; at most 10 are allowed."
    )
    # A missing row is a blank row: it counts against the row limit without being built.
    far = xlsx_with_sheet(sheet_xml(2, "B", dimension=False, first_row=999))
    assert "more rows than the limit" in rejected("far.xlsx", far, ImportLimits(max_rows=999))
    [source] = read_files("far.xlsx", far, ImportLimits(max_rows=1000))
    assert (source.header, source.rows) == (("", "x"), (Row(1000, ("", "x")),))


def test_unknown_columns_are_named_once_per_file_not_per_row() -> None:
    header = ("AccountCode", "StartDate", "EndDate", "Odd", "Odder")
    rows = tuple(Row(n, ("A",)) for n in range(2, 6))
    result = parse_file(SourceFile("bills.csv", "csv", header, rows))
    messages = [k.message for k in result.kickouts]
    assert messages[0] == (
        "Column 'Odd' is unknown; prefix its header with * to skip it. "
        "Column 'Odder' is unknown; prefix its header with * to skip it."
    )
    assert messages[1:] == ["The header cannot be read with this profile; see the message of row 2."] * 3


def test_a_header_problem_is_told_once_and_a_long_header_cell_is_shortened() -> None:
    header = ("AccountCode", "StartDate", "EndDate", "x" * 10_000, "dup", "dup")
    [kickout] = parse_file(SourceFile("b.csv", "csv", header, (Row(2, ("A",)),))).kickouts
    assert kickout.message == (
        f"Column '{'x' * 37}...' is unknown; prefix its header with * to skip it. "
        "Column 'dup' is unknown; prefix its header with * to skip it."
    )


def test_a_bills_message_is_cut_at_the_limit_and_counts_what_it_leaves_out() -> None:
    header = ("AccountCode", "StartDate", "EndDate", *(f"USE:kWh:c{n}" for n in range(50)))
    rows = tuple(Row(n, ("A", "2024-01-01", "2024-02-01", *["x"] * 50)) for n in range(2, 22))
    result = parse_file(SourceFile("b.csv", "csv", header, rows), max_message_chars=300)
    assert len(result.kickouts) == 20
    message = result.kickouts[0].message
    assert len(message) <= 300
    assert message.startswith("Row 2: USE:kWh:c0 'x' is not a number; Row 2: USE:kWh:c1 'x' is not a number")
    assert message.endswith("more problems") or message.endswith("(cut at 300 characters)")
    assert all(k.message is message for k in result.kickouts)  # one message shared by the bill's rows


def test_cut() -> None:
    assert cut("short", 10) == "short"
    assert cut("a" * 100, 40) == "a" * 13 + " ... (cut at 40 characters)"
    assert len(cut("a" * 100, 40)) == 40
    assert cut("a" * 100, 5) == "aaaaa"


def test_a_row_kicked_out_with_many_messages_is_cut_in_the_kickout_file() -> None:
    source = SourceFile("b.csv", "csv", ("A",), (Row(2, ("1",)),))
    kickouts = [Kickout(2, ("1",), f"reason {n}") for n in range(100)]
    _, content = write_kickout_file(source, kickouts, ImportLimits(max_message_chars=120))
    message = content.decode("utf-8-sig").splitlines()[1].rsplit(",", 1)[0]
    assert len(message) == 120
    assert message.endswith(" ... (cut at 120 characters)")


def test_kickout_files_larger_than_the_limit_are_refused_before_they_are_built() -> None:
    source = SourceFile("b.csv", "csv", ("A",), tuple(Row(n, ("x" * 50,)) for n in range(2, 102)))
    kickouts = [Kickout(row.line_number, row.cells, "Row: no") for row in source.rows]
    _, content = write_kickout_file(source, kickouts, ImportLimits(max_kickout_bytes=10_000))
    assert len(content) < 10_000
    with pytest.raises(ImportFileRejected) as caught:
        write_kickout_file(source, kickouts, ImportLimits(max_kickout_bytes=10_000), used=5_000)
    assert caught.value.message.startswith(
        "The kickout files of this import would be larger than the 10,000-byte limit (100 rows of b.csv kicked out)"
    )
