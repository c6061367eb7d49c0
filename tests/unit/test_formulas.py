"""Safe kickout files: formula cells neutralised in CSV (and restored on import), bare member names in ZIPs."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apportion.importer.formulas import neutralise, restore
from apportion.importer.kickouts import bare_name, write_kickout_file, zip_files
from apportion.importer.readers import Row, SourceFile, read_files
from apportion.importer.rows import Kickout, parse_file

HOSTILE = ("=cmd|' /C calc'!A0", "+1+1", "-1+1", "@SUM(1+1)", "\t=1", "\r=1", "-12.50")


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1+1", "'+1+1"),
        ("-12.50", "'-12.50"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),  # quotes before a formula start get one more, so the cell comes back as it was
        ("'quoted", "'quoted"),
        ("12.50", "12.50"),
        (" =1", " =1"),
        ("", ""),
    ],
)
def test_neutralise(cell: str, written: str) -> None:
    assert neutralise(cell) == written
    assert restore(written) == cell


@given(st.text(alphabet=st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'", "a", "1", " "]), max_size=6))
def test_restore_undoes_neutralise(cell: str) -> None:
    written = neutralise(cell)
    assert restore(written) == cell
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_a_csv_kickout_file_quotes_every_formula_cell_and_reads_back_the_original() -> None:
    header = ("AccountCode", "-Note", *(f"C{n}" for n in range(len(HOSTILE))))
    row = Row(2, ("A", "x", *HOSTILE))
    source = SourceFile("bills.csv", "csv", header, (row,))
    name, content = write_kickout_file(source, [Kickout(2, row.cells, "-Row 2: bad")])
    text = content.decode("utf-8-sig")
    assert text.startswith("*Kickout Message,AccountCode,'-Note,C0,")
    assert text.endswith("\r\n'-Row 2: bad,A,x,'=cmd|' /C calc'!A0,'+1+1,'-1+1,'@SUM(1+1),'\t=1,\"'\r=1\",'-12.50\r\n")
    [again] = read_files(name, content)
    assert (again.header, again.rows) == (header, (row,))


def test_an_upload_that_is_no_kickout_file_keeps_its_quotes() -> None:
    [source] = read_files("bills.csv", b"AccountCode,Note\r\nA,'-12.50\r\n")
    assert source.rows == (Row(2, ("A", "'-12.50")),)


def test_a_negative_cost_survives_kick_out_and_reimport() -> None:
    data = (
        b"AccountCode,StartDate,EndDate,USE::Energy,COST::Credit\r\n"
        b"A,2024-01-01,2024-13-01,-12.50,=1+1\r\n"  # a bad EndDate kicks the row out
    )
    [source] = read_files("march.csv", data)
    first = parse_file(source)
    name, content = write_kickout_file(source, first.kickouts)
    assert ",'-12.50,'=1+1\r\n" in content.decode("utf-8-sig")
    fixed = content.replace(b"2024-13-01", b"2024-02-01")
    [again] = read_files(name, fixed)
    [fixed_row] = again.rows
    assert fixed_row.cells[3:] == ("-12.50", "=1+1")  # the cells of the upload, not the quoted ones
    result = parse_file(again)
    assert [k.message for k in result.kickouts] == ["Row 2: COST::Credit '=1+1' is not a number"]


def test_the_corrected_negative_cost_imports_as_a_negative_number() -> None:
    data = b"AccountCode,StartDate,EndDate,USE::Energy\r\nA,2024-01-01,2024-13-01,-12.50\r\n"
    [source] = read_files("march.csv", data)
    name, content = write_kickout_file(source, parse_file(source).kickouts)
    [again] = read_files(name, content.replace(b"2024-13-01", b"2024-02-01"))
    [bill] = parse_file(again).bills
    assert str(bill.meters[0].lines[0].cost) == "-12.50"


@pytest.mark.parametrize(
    ("name", "bare"),
    [
        ("bills/march.kickouts.csv", "march.kickouts.csv"),
        ("../../etc/passwd.kickouts.csv", "passwd.kickouts.csv"),
        ("/abs/path/x.kickouts.csv", "x.kickouts.csv"),
        ("C:\\temp\\x.kickouts.csv", "x.kickouts.csv"),
        ("C:x.csv", "x.csv"),
        ("..", "kickouts"),
        ("dir/", "dir"),
        ("plain.csv", "plain.csv"),
    ],
)
def test_bare_name(name: str, bare: str) -> None:
    assert bare_name(name) == bare


def test_a_zip_of_kickout_files_holds_bare_names_only() -> None:
    content = zip_files([("../../a.csv", b"1"), ("/x/a.csv", b"2"), ("..\\b.csv", b"3"), ("..", b"4")])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
    assert names == ["a.csv", "a-2.csv", "b.csv", "kickouts"]
    assert all("/" not in n and "\\" not in n and n not in (".", "..") for n in names)
