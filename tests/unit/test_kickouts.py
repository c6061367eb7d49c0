"""Kickout files: same type as the source, message column first, and they read back as the original rows."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from apportion.importer.kickouts import (
    MESSAGE_HEADER,
    KickoutFile,
    kickout_file_name,
    write_kickout_file,
    zip_files,
)
from apportion.importer.limits import ImportFileRejected, ImportLimits
from apportion.importer.readers import Row, SourceFile, read_files
from apportion.importer.rows import Kickout, parse_file

TRICKY = ("a, b", 'say "hi"', "two\nlines", "  spaced  ", "ünïcødé ✓", "=SUM(A1)", "")


def trimmed(cells: tuple[str, ...]) -> tuple[str, ...]:
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def test_names_keep_the_extension_and_one_suffix() -> None:
    assert kickout_file_name("march.csv") == "march.kickouts.csv"
    assert kickout_file_name("dir/March.XLSX") == "dir/March.kickouts.XLSX"
    assert kickout_file_name("march.kickouts.csv") == "march.kickouts.csv"
    assert kickout_file_name("data.txt") == "data.kickouts.txt"


def test_csv_kickout_file_layout() -> None:
    source = SourceFile("bills.csv", "csv", ("AccountCode", "Note"), (Row(2, ("A", "x")), Row(3, ("B", "y"))))
    name, content = write_kickout_file(
        source, [Kickout(3, ("B", "y"), "Row 3: bad"), Kickout(2, ("A", "x"), "Row 2: worse, with a comma")]
    )
    assert name == "bills.kickouts.csv"
    assert (
        content
        == (
            '\ufeff*Kickout Message,AccountCode,Note\r\n"Row 2: worse, with a comma",A,x\r\nRow 3: bad,B,y\r\n'
        ).encode()
    )


def test_csv_round_trip_gives_the_original_rows_back() -> None:
    header = ("AccountCode", *(f"C{n}" for n in range(len(TRICKY))))
    rows = (Row(2, ("A", *TRICKY)), Row(5, ("B", "1", "2", "3", "4", "5", "6", "7")))
    source = SourceFile("bills.csv", "csv", header, rows)
    name, content = write_kickout_file(source, [Kickout(r.line_number, r.cells, "Row: message") for r in rows])
    [again] = read_files(name, content)
    assert again.header == header
    assert [r.cells for r in again.rows] == [r.cells for r in rows]


def test_xlsx_kickout_file_is_xlsx_with_the_message_first_and_reads_back() -> None:
    header = ("AccountCode", *(f"C{n}" for n in range(len(TRICKY))))
    rows = (Row(2, ("A", *TRICKY)), Row(3, ("B", "2024-01-01", "12.50", "", "", "", "", "")))
    source = SourceFile("bills.xlsx", "xlsx", header, rows)
    name, content = write_kickout_file(source, [Kickout(2, rows[0].cells, "Row 2: x"), Kickout(3, rows[1].cells, "y")])
    assert name == "bills.kickouts.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    assert sheet["A1"].value == MESSAGE_HEADER
    assert sheet["A2"].value == "Row 2: x"
    assert sheet["H2"].value == "=SUM(A1)"
    assert sheet["H2"].data_type == "s"
    [again] = read_files(name, content)
    assert again.kind == "xlsx"
    assert again.header == header
    # An empty cell at the end of an XLSX row is no cell at all: a row reads back without its trailing blanks.
    assert [r.cells for r in again.rows] == [trimmed(r.cells) for r in rows]


def test_rows_in_file_order_and_a_row_kicked_out_twice_keeps_both_messages_once() -> None:
    source = SourceFile("b.csv", "csv", ("A",), (Row(2, ("1",)), Row(4, ("2",))))
    kickouts = [
        Kickout(4, ("2",), "late"),
        Kickout(2, ("1",), "one"),
        Kickout(2, ("1",), "two"),
        Kickout(2, ("1",), "one"),
    ]
    _, content = write_kickout_file(source, kickouts)
    assert content.decode("utf-8-sig").splitlines() == ["*Kickout Message,A", "one; two,1", "late,2"]


def test_parse_kick_out_write_and_reimport_gives_the_same_bill_rows() -> None:
    data = (
        b"AccountCode,MeterCode,StartDate,EndDate,USE:kWh:Energy\r\n"
        b"A,M1,2024-01-01,2024-02-01,100\r\n"
        b"B,M1,2024-01-01,2024-13-01,5\r\n"
        b"B,M2,2024-01-01,2024-13-01,6\r\n"
    )
    [source] = read_files("march.csv", data)
    first = parse_file(source)
    name, content = write_kickout_file(source, first.kickouts)
    [again] = read_files(name, content)
    second = parse_file(again)
    assert [k.cells for k in second.kickouts] == [k.cells for k in first.kickouts]
    assert [k.message for k in second.kickouts] == [
        "Row 2: EndDate '2024-13-01' is not a valid date (yyyy-mm-dd or mm/dd/yyyy)"
    ] * 2


def test_zip_of_kickout_files_reimports_as_one_upload() -> None:
    csv_source = SourceFile("a.csv", "csv", ("A", "B"), (Row(2, ("1", "x,y")),))
    xlsx_source = SourceFile("b.xlsx", "xlsx", ("C",), (Row(7, ("é",)),))
    files = [
        write_kickout_file(csv_source, [Kickout(2, ("1", "x,y"), "m")]),
        write_kickout_file(xlsx_source, [Kickout(7, ("é",), "n")]),
    ]
    sources = read_files("kickouts.zip", zip_files(files))
    assert [(s.name, s.kind, s.header, [r.cells for r in s.rows]) for s in sources] == [
        ("a.kickouts.csv", "csv", ("A", "B"), [("1", "x,y")]),
        ("b.kickouts.xlsx", "xlsx", ("C",), [("é",)]),
    ]


def test_zip_files_makes_repeated_names_unique() -> None:
    content = zip_files([("a.csv", b"1"), ("A.csv", b"2"), ("a.csv", b"3"), ("dir/a.csv", b"4")])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert [(i.filename, archive.read(i)) for i in archive.infolist()] == [
            ("a.csv", b"1"),
            ("A-2.csv", b"2"),
            ("a-3.csv", b"3"),
            ("a-4.csv", b"4"),  # a member's folder is left out: names in the ZIP are bare
        ]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_kickout_file_written_chunk_by_chunk_is_the_file_written_at_once(kind: str) -> None:
    header = ("AccountCode", "Note")
    kicked = [Kickout(n, (f"A{n}", "=1+1" if n % 3 else "x"), f"Row {n}: bad {n % 4}") for n in range(2, 40)]
    source = SourceFile(f"bills.{kind}", kind, header, ())
    _name, whole = write_kickout_file(source, kicked)
    writer = KickoutFile(f"bills.{kind}", kind, header)
    for first in range(0, len(kicked), 7):
        writer.add(kicked[first : first + 7])
    name, chunked = writer.finish()
    assert name == f"bills.kickouts.{kind}"
    [again] = read_files(name, chunked)
    [expected] = read_files(name, whole)
    assert again.rows == expected.rows
    if kind == "csv":
        assert chunked == whole
    assert writer.rows == 38
    assert list(writer.messages) == ["bad 2", "bad 3", "bad 0", "bad 1"]  # each reason once, without its row


def test_kickouts_past_their_limit_are_counted_to_the_end_of_the_file() -> None:
    writer = KickoutFile("b.csv", "csv", ("A",), ImportLimits(max_kickout_bytes=200))
    for n in range(2, 102, 10):
        writer.add([Kickout(line, ("x" * 10,), f"Row {line}: no") for line in range(n, n + 10)])
    with pytest.raises(ImportFileRejected, match=r"\(100 rows of b.csv kicked out\)"):
        writer.finish()
