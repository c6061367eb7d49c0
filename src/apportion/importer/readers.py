"""Read an uploaded import file (CSV/TXT/DAT, XLSX first sheet, or a ZIP of those) into header and rows.

Every reader hands back the same shape, a `SourceFile`::

    SourceFile(name="bills.csv", kind="csv",
               header=("AccountCode", "StartDate", "EndDate", "USE:kWh:Energy"),
               rows=(Row(line_number=2, cells=("A-100", "2024-01-01", "2024-02-01", "1200")), ...))

Cells are text exactly as written (not stripped). The header is the first non-blank row; a column whose
header starts with `*` is dropped, which is how a kickout file's message column is ignored when it is
imported again (domain.md §4.10, §4.11). Rows that are blank (or only commas) are skipped. `line_number`
is the file line where the row starts (CSV) or the sheet row (XLSX), counting the header as line 1 when
it is the first line. Readers do no lookups; any unreadable input raises `ImportFileRejected`.
"""

from __future__ import annotations

import base64
import csv
import io
import warnings
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePosixPath

import openpyxl

from apportion.domain.errors import ValidationFailed
from apportion.importer.limits import ImportFileRejected, ImportLimits

CSV_EXTENSIONS = frozenset({"csv", "txt", "dat"})
XLSX_EXTENSIONS = frozenset({"xlsx"})
ZIP_EXTENSIONS = frozenset({"zip"})
SKIP_PREFIX = "*"
_CHUNK = 64 * 1024
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError)


@dataclass(frozen=True)
class Row:
    """One data row: where it starts in the file, and its cells in header order (extra cells kept after)."""

    line_number: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class SourceFile:
    """One file of an upload (a ZIP gives several): its name, kind ("csv" | "xlsx"), header and rows."""

    name: str
    kind: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]


def decode_base64(data: str | None) -> bytes:
    """The bytes of `BillImportRequest.data`; line breaks and spaces are ignored, anything else must be base64."""
    compact = "".join(data.split()) if data else ""
    if not compact:
        raise ValidationFailed.single("data", "data is required: the import file's content in base64.")
    try:
        decoded = base64.b64decode(compact, validate=True)
    except ValueError as error:  # binascii.Error, or non-ASCII text
        raise ValidationFailed.single("data", "data is not valid base64.") from error
    if not decoded:
        raise ValidationFailed.single("data", "data holds an empty file.")
    return decoded


def extension_of(file_name: str) -> str:
    """The lower-cased extension without the dot ("" when there is none)."""
    suffix = PurePosixPath(file_name.replace("\\", "/")).suffix
    return suffix[1:].lower()


def read_files(
    file_name: str, data: bytes, limits: ImportLimits | None = None, keep_rows: bool = True
) -> list[SourceFile]:
    """Read an upload by its extension: one `SourceFile`, or one per CSV/XLSX member of a ZIP (in ZIP order).

    `keep_rows=False` checks the upload exactly as a full read would (every ImportFileRejected the same) but
    builds no rows: the request that accepts a file only needs to know it will read.
    """
    limits = limits or ImportLimits()
    if not data:
        raise ImportFileRejected(f"{file_name} is empty.")
    if len(data) > limits.max_bytes:
        raise ImportFileRejected(f"{file_name} is larger than the {limits.max_bytes:,}-byte limit.")
    budget = _RowBudget(limits.max_rows)
    if extension_of(file_name) in ZIP_EXTENSIONS:
        return _read_zip(file_name, data, limits, budget, keep_rows)
    return [_read_one(file_name, data, limits, budget, keep_rows)]


class _RowBudget:
    """Counts rows read over a whole upload (header and blank rows included) against `max_rows`."""

    def __init__(self, max_rows: int) -> None:
        self.left = max_rows

    def take(self, name: str) -> None:
        self.left -= 1
        if self.left < 0:
            raise ImportFileRejected(f"{name}: the upload has more rows than the limit allows.")


class _Expansion:
    """Bytes expanded so far from one archive, checked against the size and ratio limits after each chunk."""

    def __init__(self, name: str, compressed: int, limits: ImportLimits) -> None:
        self.name, self.compressed, self.limits, self.total = name, compressed, limits, 0

    def check(self, total: int) -> None:
        limits = self.limits
        if total > limits.max_uncompressed_bytes:
            raise ImportFileRejected(
                f"{self.name} expands to more than the {limits.max_uncompressed_bytes:,}-byte limit."
            )
        if total > limits.ratio_check_from_bytes and total > self.compressed * limits.max_compression_ratio:
            raise ImportFileRejected(
                f"{self.name} is compressed more than {limits.max_compression_ratio} to 1; it is refused as unsafe."
            )

    def read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, keep: bool) -> bytes:
        """A member's bytes, read in chunks so a lying header cannot make us expand past the limits."""
        parts: list[bytes] = []
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    self.total += len(chunk)
                    self.check(self.total)
                    if keep:
                        parts.append(chunk)
        except ImportFileRejected:
            raise
        except _ZIP_ERRORS as error:
            raise ImportFileRejected(f"{self.name}: {info.filename} cannot be read ({error}).") from error
        return b"".join(parts)


def _open_archive(name: str, data: bytes, what: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as error:
        raise ImportFileRejected(f"{name} is not a valid {what} file.") from error


def _ignored(member: str) -> bool:
    """Folders, macOS resource forks and hidden files inside a ZIP are not import files."""
    parts = PurePosixPath(member).parts
    return member.endswith("/") or "__MACOSX" in parts or not parts or parts[-1].startswith(".")


def _read_zip(name: str, data: bytes, limits: ImportLimits, budget: _RowBudget, keep_rows: bool) -> list[SourceFile]:
    with _open_archive(name, data, "ZIP") as archive:
        members = [info for info in archive.infolist() if not _ignored(info.filename)]
        if len(members) > limits.max_files_in_zip:
            raise ImportFileRejected(f"{name} holds {len(members)} files; at most {limits.max_files_in_zip} allowed.")
        for info in members:
            extension = extension_of(info.filename)
            if extension in ZIP_EXTENSIONS:
                raise ImportFileRejected(f"{name}: {info.filename} is a ZIP inside the ZIP; nested ZIPs are refused.")
            if extension not in CSV_EXTENSIONS | XLSX_EXTENSIONS:
                raise ImportFileRejected(f"{name}: {info.filename} is not a CSV, TXT, DAT or XLSX file.")
        if not members:
            raise ImportFileRejected(f"{name} holds no CSV, TXT, DAT or XLSX file.")
        expansion = _Expansion(name, len(data), limits)
        expansion.check(sum(info.file_size for info in members))  # declared sizes: refuse early when they say so
        contents = [(info.filename, expansion.read(archive, info, keep=True)) for info in members]
    return [_read_one(member, content, limits, budget, keep_rows) for member, content in contents]


def _read_one(name: str, data: bytes, limits: ImportLimits, budget: _RowBudget, keep_rows: bool) -> SourceFile:
    extension = extension_of(name)
    if not data:
        raise ImportFileRejected(f"{name} is empty.")
    if extension in CSV_EXTENSIONS:
        return _source(name, "csv", _csv_records(name, data, budget), keep_rows)
    if extension in XLSX_EXTENSIONS:
        return _source(name, "xlsx", _xlsx_records(name, data, limits, budget), keep_rows)
    if extension in ZIP_EXTENSIONS:
        raise ImportFileRejected(f"{name} is a ZIP inside the ZIP; nested archives are refused.")
    shown = f".{extension}" if extension else "no extension"
    raise ImportFileRejected(
        f"{name} has {shown}; import files must be .csv, .txt, .dat, .xlsx or .zip.", field="fileName"
    )


def _csv_records(name: str, data: bytes, budget: _RowBudget) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")  # a leading byte-order mark is dropped
    except UnicodeDecodeError as error:
        raise ImportFileRejected(f"{name} is not UTF-8 text (invalid byte at offset {error.start}).") from error
    reader = csv.reader(io.StringIO(text, newline=""))  # newline="" keeps CRLF and quoted line breaks intact
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            budget.take(name)
            records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportFileRejected(f"{name} is not readable CSV (line {reader.line_num}): {error}.") from error
    return records


def _xlsx_records(name: str, data: bytes, limits: ImportLimits, budget: _RowBudget) -> list[tuple[int, list[str]]]:
    # An XLSX is a ZIP: expand it once under the limits before openpyxl does, so a bomb is refused early.
    with _open_archive(name, data, "XLSX") as archive:
        expansion = _Expansion(name, len(data), limits)
        expansion.check(sum(info.file_size for info in archive.infolist()))
        for info in archive.infolist():
            expansion.read(archive, info, keep=False)
    records: list[tuple[int, list[str]]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many types (KeyError, ValueError, XML errors) on damage
            raise ImportFileRejected(f"{name} is not a valid XLSX file.") from error
        try:
            sheet = workbook.worksheets[0]  # domain.md §4.10: the first sheet only
            sheet.reset_dimensions()  # the stored dimension may be wrong; read what is there
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                budget.take(name)
                records.append((number, [cell_text(value) for value in values]))
        except ImportFileRejected:
            raise
        except Exception as error:
            raise ImportFileRejected(f"{name}: the first sheet cannot be read.") from error
        finally:
            workbook.close()
    return records


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


def _blank(cells: Sequence[str]) -> bool:
    # The cells joined are blank exactly when every cell is: one strip instead of one per cell.
    return not "".join(cells).strip()


def _source(name: str, kind: str, records: list[tuple[int, list[str]]], keep_rows: bool = True) -> SourceFile:
    """Header = first non-blank record; `*` columns dropped; blank rows skipped; short rows padded."""
    header: tuple[str, ...] | None = None
    keep: list[int] = []
    width = 0
    rows: list[Row] = []
    for line_number, cells in records:
        if header is None:
            if _blank(cells):
                continue
            width = len(cells)
            keep = [i for i, title in enumerate(cells) if not title.strip().startswith(SKIP_PREFIX)]
            header = tuple(cells[i] for i in keep)
            if not keep_rows:
                break
            continue
        if len(cells) == width and len(keep) == width:  # the usual row: every column kept, nothing extra
            kept = tuple(cells)
        else:
            extra = list(cells[width:])
            while extra and not extra[-1].strip():
                extra.pop()
            kept = tuple(cells[i] if i < len(cells) else "" for i in keep) + tuple(extra)
        if not _blank(kept):
            rows.append(Row(line_number, kept))
    if header is None:
        raise ImportFileRejected(f"{name} has no header row.")
    return SourceFile(name=name, kind=kind, header=header, rows=tuple(rows))
