"""Import file readers: CSV (BOM, CRLF, quoting), XLSX first sheet, ZIP members, and every refusal."""

from __future__ import annotations

import base64
import io
import itertools
import struct
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import NoReturn

import openpyxl
import pytest

from apportion.domain.errors import RuleViolation, ValidationFailed
from apportion.importer import readers
from apportion.importer.limits import MIB, ImportFileRejected, ImportLimits
from apportion.importer.readers import Row, cell_text, decode_base64, extension_of, read_files, stream_files


def xlsx(*sheets: Sequence[Sequence[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for n, rows in enumerate(sheets):
        sheet = workbook.create_sheet(f"S{n}")
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zipped(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def rejected(file_name: str, data: bytes, limits: ImportLimits | None = None) -> ImportFileRejected:
    with pytest.raises(ImportFileRejected) as caught:
        read_files(file_name, data, limits)
    # The request's check (no rows kept) refuses every file the task's full read refuses, with the same words.
    with pytest.raises(ImportFileRejected) as checked:
        read_files(file_name, data, limits, keep_rows=False)
    assert (checked.value.message, checked.value.field) == (caught.value.message, caught.value.field)
    return caught.value


def test_a_check_without_rows_reads_the_header_only() -> None:
    [checked] = read_files("bills.csv", b"\r\n , \r\nA,*B,C\r\n1,2,3\r\n", keep_rows=False)
    assert (checked.header, checked.rows) == (("A", "C"), ())


# CSV


def test_csv_header_rows_and_line_numbers() -> None:
    [source] = read_files("bills.csv", b"AccountCode,StartDate\nA-1,2024-01-01\nA-2,2024-02-01\n")
    assert source.name == "bills.csv"
    assert source.kind == "csv"
    assert source.header == ("AccountCode", "StartDate")
    assert source.rows == (Row(2, ("A-1", "2024-01-01")), Row(3, ("A-2", "2024-02-01")))


def test_csv_bom_and_crlf_are_tolerated() -> None:
    data = "\ufeffAccountCode,Note\r\nA-1,café\r\n".encode()
    [source] = read_files("bills.csv", data)
    assert source.header == ("AccountCode", "Note")
    assert source.rows == (Row(2, ("A-1", "café")),)


def test_csv_quoted_commas_quotes_and_line_breaks_keep_the_start_line() -> None:
    data = b'A,B\r\n"x, y","say ""hi""\r\nsecond line"\r\nz,w\r\n'
    [source] = read_files("bills.csv", data)
    assert source.rows == (Row(2, ("x, y", 'say "hi"\r\nsecond line')), Row(4, ("z", "w")))


def test_blank_rows_and_rows_of_commas_are_skipped() -> None:
    data = b"\r\n,,\r\nA,B\r\n1,2\r\n,,\r\n\r\n  , \r\n3,4\r\n"
    [source] = read_files("bills.csv", data)
    assert source.header == ("A", "B")
    assert source.rows == (Row(4, ("1", "2")), Row(8, ("3", "4")))


def test_star_columns_are_dropped_and_rows_only_filled_there_skipped() -> None:
    data = b"*Kickout Message,A,* note,B\r\nbad,1,x,2\r\nonly a message,,,\r\n"
    [source] = read_files("bills.csv", data)
    assert source.header == ("A", "B")
    assert source.rows == (Row(2, ("1", "2")),)


def test_short_rows_keep_their_cells_and_extra_cells_are_kept_without_trailing_blanks() -> None:
    [source] = read_files("bills.csv", b"A,B,C\r\n1\r\n1,2,3,4,,\r\n")
    assert source.rows == (Row(2, ("1",)), Row(3, ("1", "2", "3", "4")))


def test_cells_are_not_stripped() -> None:
    [source] = read_files("bills.csv", b"A,B\r\n  1 , x\r\n")
    assert source.rows[0].cells == ("  1 ", " x")


@pytest.mark.parametrize("name", ["bills.txt", "bills.DAT", "Bills.CSV", "dir/bills.Txt"])
def test_csv_extensions_are_case_insensitive(name: str) -> None:
    [source] = read_files(name, b"A\r\n1\r\n")
    assert (source.kind, source.rows) == ("csv", (Row(2, ("1",)),))


def test_header_only_file_has_no_rows() -> None:
    [source] = read_files("bills.csv", b"A,B\r\n")
    assert source.rows == ()


# XLSX


def test_xlsx_first_sheet_with_stable_cell_text() -> None:
    data = xlsx(
        [
            ["AccountCode", "StartDate", "Use", "Cost", "Flag", "Stamp", "*Skip", "Period"],
            ["A-1", datetime(2024, 1, 1), 1200, 0.1, True, datetime(2024, 1, 2, 12, 30), "x", 202401],
            [None, None, None, None, None, None, "only skipped", None],
            ["A-2", date(2024, 2, 1), 1e20, -2.5, False, None, None, 202402],
        ],
        [["Second sheet"], ["ignored"]],
    )
    [source] = read_files("bills.xlsx", data)
    assert source.kind == "xlsx"
    assert source.header == ("AccountCode", "StartDate", "Use", "Cost", "Flag", "Stamp", "Period")
    assert source.rows == (
        Row(2, ("A-1", "2024-01-01", "1200", "0.1", "TRUE", "2024-01-02 12:30:00", "202401")),
        Row(4, ("A-2", "2024-02-01", "100000000000000000000", "-2.5", "FALSE", "", "202402")),
    )


def test_xlsx_rows_are_numbered_as_sheet_rows_after_leading_blank_rows() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.cell(row=3, column=2, value="A")
    sheet.cell(row=5, column=2, value="1")
    buffer = io.BytesIO()
    workbook.save(buffer)
    [source] = read_files("bills.xlsx", buffer.getvalue())
    assert source.header == ("", "A")
    assert source.rows == (Row(5, ("", "1")),)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("  x ", "  x "),
        (12, "12"),
        (0.1, "0.1"),
        (1.5e-10, "0.00000000015"),
        (3.0, "3.0"),
        (Decimal("1.10"), "1.10"),
        (True, "TRUE"),
        (datetime(2024, 1, 2), "2024-01-02"),
        (date(2024, 1, 2), "2024-01-02"),
    ],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_corrupt_xlsx_is_refused() -> None:
    assert "not a valid XLSX" in rejected("bills.xlsx", b"PK\x03\x04 not really a workbook").message
    assert "not a valid XLSX" in rejected("bills.xlsx", zipped(("hello.txt", b"hi"))).message


def test_xlsx_bomb_is_refused_before_openpyxl_reads_it() -> None:
    data = xlsx([["A"], *[["0" * 1000] for _ in range(3000)]])
    error = rejected("bills.xlsx", data, ImportLimits(max_uncompressed_bytes=MIB))
    assert "expands to more than" in error.message


# ZIP


def test_zip_with_csv_and_xlsx_members_in_order_ignoring_folders_and_mac_files() -> None:
    data = zipped(
        ("march/", b""),
        ("march/a.csv", b"A\r\n1\r\n"),
        ("__MACOSX/march/._a.csv", b"junk"),
        ("march/.DS_Store", b"junk"),
        ("b.XLSX", xlsx([["B"], [2]])),
    )
    sources = read_files("upload.ZIP", data)
    assert [(s.name, s.kind, s.header, s.rows) for s in sources] == [
        ("march/a.csv", "csv", ("A",), (Row(2, ("1",)),)),
        ("b.XLSX", "xlsx", ("B",), (Row(2, ("2",)),)),
    ]


def test_nested_zip_is_refused() -> None:
    error = rejected("upload.zip", zipped(("a.csv", b"A\r\n1\r\n"), ("inner.zip", zipped(("b.csv", b"B")))))
    assert "nested" in error.message
    assert "inner.zip" in error.message


def test_zip_member_of_unknown_type_is_refused() -> None:
    assert "notes.pdf" in rejected("upload.zip", zipped(("notes.pdf", b"%PDF"))).message


def test_zip_without_import_files_is_refused() -> None:
    assert "no CSV" in rejected("upload.zip", zipped(("dir/", b""), ("__MACOSX/x.csv", b"A"))).message


def test_too_many_files_in_zip() -> None:
    data = zipped(*[(f"f{n}.csv", b"A\r\n1\r\n") for n in range(4)])
    assert "4 files" in rejected("upload.zip", data, ImportLimits(max_files_in_zip=3)).message
    assert len(read_files("upload.zip", data, ImportLimits(max_files_in_zip=4))) == 4


def test_corrupt_zip_is_refused() -> None:
    assert "not a valid ZIP" in rejected("upload.zip", b"PK\x03\x04garbage").message


def test_empty_member_is_refused() -> None:
    assert "empty" in rejected("upload.zip", zipped(("a.csv", b""))).message


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """201 MiB of one repeated byte, deflated to about 200 KB."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("big.csv", "w", force_zip64=True) as member,
    ):
        for _ in range(201):
            member.write(b"0" * MIB)
    return buffer.getvalue()


def test_zip_bomb_is_refused_before_a_byte_is_expanded(bomb: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(bomb) < MIB

    def never_opened(*_args: object, **_kwargs: object) -> NoReturn:
        raise AssertionError("a member was opened: the declared sizes should have refused the archive")

    monkeypatch.setattr(zipfile.ZipFile, "open", never_opened)
    error = rejected("upload.zip", bomb)
    assert "expands to more than" in error.message


def test_highly_compressed_member_is_refused_by_ratio() -> None:
    data = zipped(("big.csv", b"A\r\n" + b"0" * (3 * MIB)))
    assert "compressed more than 100 to 1" in rejected("upload.zip", data).message


def test_small_regular_files_are_not_refused_by_ratio() -> None:
    data = zipped(("a.csv", b"A,B\r\n" + b"1,2\r\n" * 10_000))
    [source] = read_files("upload.zip", data)
    assert len(source.rows) == 10_000


def test_sizes_are_counted_while_reading_not_only_declared() -> None:
    content = b"A,B\r\n" + b"1,2\r\n" * 200_000
    data = bytearray(zipped(("a.csv", content)))
    declared = struct.pack("<I", len(content))
    # Make the local and central headers claim 12 bytes: the lie must not get the member through.
    for at in [i for i in range(len(data) - 3) if data[i : i + 4] == declared]:
        data[at : at + 4] = struct.pack("<I", 12)
    assert "cannot be read" in rejected("upload.zip", bytes(data)).message


def test_expansion_limit_is_inclusive() -> None:
    content = b"A\r\n" + b"1\r\n" * 1000
    data = zipped(("a.csv", content))
    assert len(read_files("upload.zip", data, ImportLimits(max_uncompressed_bytes=len(content)))[0].rows) == 1000
    limits = ImportLimits(max_uncompressed_bytes=len(content) - 1)
    assert "expands to more than" in rejected("upload.zip", data, limits).message


# Refusals


def test_empty_file() -> None:
    assert rejected("bills.csv", b"").message == "bills.csv is empty."


def test_not_utf8() -> None:
    error = rejected("bills.csv", "AccountCode\r\ncafé\r\n".encode("latin-1"))
    assert "not UTF-8" in error.message
    assert error.field == "data"


@pytest.mark.parametrize("name", ["bills.xls", "bills.pdf", "bills"])
def test_unknown_extension_names_the_file_name(name: str) -> None:
    error = rejected(name, b"A\r\n1\r\n")
    assert error.field == "fileName"
    assert ".csv, .txt, .dat, .xlsx or .zip" in error.message


def test_file_without_header() -> None:
    assert "no header row" in rejected("bills.csv", b",,\r\n\r\n").message


def test_too_large() -> None:
    assert "larger than" in rejected("bills.csv", b"A\r\n1\r\n", ImportLimits(max_bytes=5)).message


def test_too_many_rows_over_all_files() -> None:
    data = zipped(("a.csv", b"A\r\n1\r\n2\r\n"), ("b.csv", b"B\r\n1\r\n2\r\n"))
    assert "more rows" in rejected("upload.zip", data, ImportLimits(max_rows=5)).message
    assert len(read_files("upload.zip", data, ImportLimits(max_rows=6))) == 2


def test_unreadable_csv() -> None:
    huge_cell = b'"' + b"x" * 200_000 + b'"'
    assert "not readable CSV" in rejected("bills.csv", b"A\r\n" + huge_cell + b"\r\n").message


def test_rejection_is_a_rule_violation() -> None:
    assert isinstance(rejected("bills.csv", b""), RuleViolation)


# base64 and names


def test_decode_base64() -> None:
    text = base64.b64encode(b"A,B\r\n1,2\r\n").decode()
    assert decode_base64(text) == b"A,B\r\n1,2\r\n"
    assert decode_base64(text[:8] + "\r\n" + text[8:]) == b"A,B\r\n1,2\r\n"


@pytest.mark.parametrize("text", ["", "   ", None, "not base64!", "QUJ", "QQ", "ÀÀÀÀ", "===="])
def test_decode_base64_refusals_name_data(text: str | None) -> None:
    with pytest.raises(ValidationFailed) as caught:
        decode_base64(text)
    assert list(caught.value.errors) == ["data"]


@pytest.mark.parametrize("piece", [4, 5, 8, 13])
def test_base64_decoded_a_piece_at_a_time_is_the_whole_decoded(piece: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "_BASE64_PIECE", piece)  # pieces that split groups and line breaks anywhere
    data = bytes(range(256)) * 3 + b"x"
    text = base64.b64encode(data).decode()
    wrapped = "\r\n".join(text[i : i + 7] for i in range(0, len(text), 7)) + "\n"
    assert decode_base64(text) == data
    assert decode_base64(wrapped) == data
    with pytest.raises(ValidationFailed):
        decode_base64("QQ==" + text)  # padding before the end: refused, as a whole decode refuses it
    with pytest.raises(ValidationFailed):
        decode_base64(text[:-1])


def test_stream_files_reads_rows_only_as_they_are_taken() -> None:
    # A bad byte far down the file is met only when the rows reach it: the file is read as it is consumed.
    data = b"A,B\r\n1,2\r\n" + b"3,4\r\n" * 50_000 + b"\xff,5\r\n"
    [stream] = list(itertools.islice(stream_files("a.csv", io.BytesIO(data), len(data)), 1))
    assert stream.header == ("A", "B")
    assert next(stream.rows) == Row(2, ("1", "2"))
    with pytest.raises(ImportFileRejected, match="not UTF-8"):
        list(stream.rows)


def test_extension_of() -> None:
    assert [extension_of(n) for n in ("a.CSV", "dir\\b.xlsx", "c", "d.tar.zip")] == ["csv", "xlsx", "", "zip"]
