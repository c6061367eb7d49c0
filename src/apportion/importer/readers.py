"""Read an uploaded import file (CSV/TXT/DAT, XLSX first sheet, or a ZIP of those) into header and rows.

Every reader hands back the same shape, a `SourceFile`::

    SourceFile(name="bills.csv", kind="csv",
               header=("AccountCode", "StartDate", "EndDate", "USE:kWh:Energy"),
               rows=(Row(line_number=2, cells=("A-100", "2024-01-01", "2024-02-01", "1200")), ...))

Cells are text exactly as written (not stripped). The header is the first non-blank row; a column whose
header starts with `*` is dropped, which is how a kickout file's message column is ignored when it is
imported again (domain.md §4.10, §4.11); in a CSV kickout file the quote put before cells a spreadsheet would
run as formulas is taken off again (`importer.formulas`). Rows that are blank (or only commas) are skipped.
`line_number` is the file line where the row starts (CSV) or the sheet row (XLSX), counting the header as line 1 when
it is the first line. Readers do no lookups; any unreadable input raises `ImportFileRejected`.

`stream_files` reads the same upload as a stream: one `SourceStream` per file, its rows an iterator that reads the
file as it is consumed, so an import holds a chunk of rows at a time, never the whole file (`read_files` builds on it).
"""

from __future__ import annotations

import base64
import csv
import io
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, BinaryIO, NamedTuple, cast

import openpyxl

from apportion.domain.errors import ValidationFailed
from apportion.domain.tuples import new_tuple as _new
from apportion.importer import formulas
from apportion.importer.limits import ImportFileRejected, ImportLimits, row_too_wide
from apportion.importer.sheets import cell_text, check_dimension, sheet_rows

CSV_EXTENSIONS = frozenset({"csv", "txt", "dat"})
XLSX_EXTENSIONS = frozenset({"xlsx"})
ZIP_EXTENSIONS = frozenset({"zip"})
SKIP_PREFIX = "*"
_CHUNK = 64 * 1024
_BASE64_PIECE = 4 * 1024 * 1024  # characters of base64 text decoded at a time
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError)


class Row(NamedTuple):
    """One data row: where it starts in the file, and its cells in header order (extra cells kept after).

    A named tuple, as are the parsed lines and meter rows: an import builds several for every row of its file.
    """

    line_number: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class SourceFile:
    """One file of an upload (a ZIP gives several): its name, kind ("csv" | "xlsx"), header and rows."""

    name: str
    kind: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class SourceStream:
    """One file of an upload as a stream: name, kind and header, and its rows read as they are taken.

    The rows must be taken (or dropped) before the next file of the upload is read.
    """

    name: str
    kind: str
    header: tuple[str, ...]
    rows: Iterator[Row]


def decode_base64(data: str | None) -> bytes:
    """The bytes of `BillImportRequest.data`; line breaks and spaces are ignored, anything else must be base64.

    Decoded a piece at a time, so a large upload is held as its text and its bytes, never as a second copy of the
    text without its line breaks.
    """
    if not data or data.isspace():
        raise ValidationFailed.single("data", "data is required: the import file's content in base64.")
    out = io.BytesIO()
    carry = ""
    ended = False  # a piece ended with padding: nothing may follow it
    for start in range(0, len(data), _BASE64_PIECE):
        piece = carry + "".join(data[start : start + _BASE64_PIECE].split())
        usable = len(piece) - len(piece) % 4
        carry = piece[usable:]
        if not usable:
            continue
        if ended:
            raise ValidationFailed.single("data", "data is not valid base64.")
        try:
            out.write(base64.b64decode(piece[:usable], validate=True))
        except ValueError as error:  # binascii.Error, or non-ASCII text
            raise ValidationFailed.single("data", "data is not valid base64.") from error
        ended = piece[usable - 1] == "="
    if carry:
        raise ValidationFailed.single("data", "data is not valid base64.")
    if not out.tell():
        raise ValidationFailed.single("data", "data holds an empty file.")
    return out.getvalue()


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
    files: list[SourceFile] = []
    for stream in stream_files(file_name, io.BytesIO(data), len(data), limits, keep_rows):
        files.append(SourceFile(stream.name, stream.kind, stream.header, tuple(stream.rows)))
    return files


def check_upload(file_name: str, source: BinaryIO, size: int, limits: ImportLimits | None = None) -> None:
    """Read the whole upload as an import would, building no rows: every ImportFileRejected it would raise."""
    for stream in stream_files(file_name, source, size, limits, keep_rows=False):
        for _row in stream.rows:
            pass


def stream_files(
    file_name: str, source: BinaryIO, size: int, limits: ImportLimits | None = None, keep_rows: bool = True
) -> Iterator[SourceStream]:
    """The files of an upload of `size` bytes, read from a seekable binary `source` as they are consumed.

    Each file's rows must be consumed before the next file is asked for. A CSV (or a ZIP's CSV member) is decoded
    as a stream; an XLSX is read by openpyxl in read-only mode from `source`; a ZIP's members one at a time (an
    XLSX member is expanded first, within the expansion limits, since openpyxl needs to seek in it).
    Without `keep_rows` every row is read and checked but none is built (the iterators yield nothing).
    """
    limits = limits or ImportLimits()
    if size <= 0:
        raise ImportFileRejected(f"{file_name} is empty.")
    if size > limits.max_bytes:
        raise ImportFileRejected(f"{file_name} is larger than the {limits.max_bytes:,}-byte limit.")
    budget = _RowBudget(limits.max_rows)
    if extension_of(file_name) in ZIP_EXTENSIONS:
        yield from _read_zip(file_name, source, size, limits, budget, keep_rows)
        return
    yield _read_one(file_name, source, size, limits, budget, keep_rows)


class _RowBudget:
    """Counts rows read over a whole upload (header and blank rows included) against `max_rows`."""

    def __init__(self, max_rows: int) -> None:
        self.left = max_rows

    def take(self, name: str, rows: int = 1) -> None:
        self.left -= rows
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

    def add(self, size: int) -> None:
        """`size` more bytes came out of the archive."""
        self.total += size
        self.check(self.total)

    def read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, keep: bool) -> bytes:
        """A member's bytes, read in chunks so a lying header cannot make us expand past the limits."""
        parts: list[bytes] = []
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    self.add(len(chunk))
                    if keep:
                        parts.append(chunk)
        except ImportFileRejected:
            raise
        except _ZIP_ERRORS as error:
            raise ImportFileRejected(f"{self.name}: {info.filename} cannot be read ({error}).") from error
        return b"".join(parts)


class _Counted(io.BufferedIOBase):
    """A byte stream that counts what it hands on and, for a ZIP member, expands it under the archive's limits.

    Closing it (as its text reader does when collected) leaves the stream underneath to its owner.
    """

    def __init__(self, stream: IO[bytes], expansion: _Expansion | None = None, member: str = "") -> None:
        super().__init__()
        self.stream, self.expansion, self.member, self.total = stream, expansion, member, 0
        self.ended = False

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        try:
            chunk = self.stream.read(_CHUNK if size is None or size < 0 else size)
        except _ZIP_ERRORS as error:
            name = self.expansion.name if self.expansion else self.member
            raise ImportFileRejected(f"{name}: {self.member} cannot be read ({error}).") from error
        self.total += len(chunk)
        self.ended = self.ended or not chunk
        if self.expansion is not None:
            self.expansion.add(len(chunk))
        return chunk

    def read1(self, size: int = -1) -> bytes:
        return self.read(size)


def _open_archive(name: str, source: IO[bytes], what: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except _ZIP_ERRORS as error:
        raise ImportFileRejected(f"{name} is not a valid {what} file.") from error


def _ignored(member: str) -> bool:
    """Folders, macOS resource forks and hidden files inside a ZIP are not import files."""
    parts = PurePosixPath(member).parts
    return member.endswith("/") or "__MACOSX" in parts or not parts or parts[-1].startswith(".")


def _read_zip(
    name: str, source: BinaryIO, size: int, limits: ImportLimits, budget: _RowBudget, keep_rows: bool
) -> Iterator[SourceStream]:
    with _open_archive(name, source, "ZIP") as archive:
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
        expansion = _Expansion(name, size, limits)
        expansion.check(sum(info.file_size for info in members))  # declared sizes: refuse early when they say so
        for info in members:  # one member at a time: its text is read as a stream, its rows built as it goes
            if extension_of(info.filename) in XLSX_EXTENSIONS:
                content = expansion.read(archive, info, keep=True)
                yield _read_one(info.filename, io.BytesIO(content), len(content), limits, budget, keep_rows)
                continue
            try:
                stream = archive.open(info)
            except _ZIP_ERRORS as error:
                raise ImportFileRejected(f"{name}: {info.filename} cannot be read ({error}).") from error
            with stream:
                yield _csv_source(info.filename, _Counted(stream, expansion, info.filename), limits, budget, keep_rows)


def _read_one(
    name: str, source: BinaryIO, size: int, limits: ImportLimits, budget: _RowBudget, keep_rows: bool
) -> SourceStream:
    extension = extension_of(name)
    if size <= 0:
        raise ImportFileRejected(f"{name} is empty.")
    if extension in CSV_EXTENSIONS:
        return _csv_source(name, _Counted(source, member=name), limits, budget, keep_rows)
    if extension in XLSX_EXTENSIONS:
        return _xlsx_source(name, source, size, limits, budget, keep_rows)
    if extension in ZIP_EXTENSIONS:
        raise ImportFileRejected(f"{name} is a ZIP inside the ZIP; nested archives are refused.")
    shown = f".{extension}" if extension else "no extension"
    raise ImportFileRejected(
        f"{name} has {shown}; import files must be .csv, .txt, .dat, .xlsx or .zip.", field="fileName"
    )


def _csv_source(name: str, stream: _Counted, limits: ImportLimits, budget: _RowBudget, keep_rows: bool) -> SourceStream:
    try:
        return _source(name, "csv", _csv_records(name, stream, limits, budget), limits, keep_rows)
    except ImportFileRejected:
        if stream.ended and stream.total == 0:  # a ZIP member is read as a stream: only now is it known to be empty
            raise ImportFileRejected(f"{name} is empty.") from None
        raise


def _csv_records(
    name: str, stream: _Counted, limits: ImportLimits, budget: _RowBudget
) -> Iterator[tuple[int, list[str]]]:
    # A leading byte-order mark is dropped; newline="" keeps CRLF and quoted line breaks intact.
    text = io.TextIOWrapper(cast(BinaryIO, stream), encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    start = 1
    try:
        for record in reader:
            budget.take(name)
            if len(record) > limits.max_cells_per_row:
                raise row_too_wide(name, start, len(record), limits)
            yield start, record
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportFileRejected(f"{name} is not readable CSV (line {reader.line_num}): {error}.") from error
    except UnicodeDecodeError as error:
        offset = max(0, stream.total - len(error.object) + error.start)
        raise ImportFileRejected(f"{name} is not UTF-8 text (invalid byte at offset {offset}).") from error


def _xlsx_source(
    name: str, source: BinaryIO, size: int, limits: ImportLimits, budget: _RowBudget, keep_rows: bool
) -> SourceStream:
    # An XLSX is a ZIP: expand it once under the limits before openpyxl does, so a bomb is refused early.
    with _open_archive(name, source, "XLSX") as archive:
        expansion = _Expansion(name, size, limits)
        expansion.check(sum(info.file_size for info in archive.infolist()))
        for info in archive.infolist():
            expansion.read(archive, info, keep=False)
    source.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
        try:
            workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many types (KeyError, ValueError, XML errors) on damage
            raise ImportFileRejected(f"{name} is not a valid XLSX file.") from error
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sheet = workbook.worksheets[0]  # domain.md §4.10: the first sheet only
            check_dimension(name, sheet, limits, budget.left)
    except ImportFileRejected:
        workbook.close()
        raise
    except Exception as error:
        workbook.close()
        raise ImportFileRejected(f"{name}: the first sheet cannot be read.") from error

    def records() -> Iterator[tuple[int, list[str]]]:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for number, values in sheet_rows(name, sheet, limits, budget.take):
                    yield number, [cell_text(v) for v in values]
        except ImportFileRejected:
            raise
        except Exception as error:
            raise ImportFileRejected(f"{name}: the first sheet cannot be read.") from error
        finally:
            workbook.close()

    return _source(name, "xlsx", records(), limits, keep_rows)


def _restored(cell: str, restoring: bool) -> str:
    return formulas.restore(cell) if restoring else cell


def _blank(cells: Sequence[str]) -> bool:
    # The cells joined are blank exactly when every cell is: one strip instead of one per cell.
    return not "".join(cells).strip()


def _source(
    name: str, kind: str, records: Iterable[tuple[int, list[str]]], limits: ImportLimits, keep_rows: bool = True
) -> SourceStream:
    """Header = first non-blank record (read now); `*` columns dropped; blank rows skipped as the rows are taken.

    A short row keeps only its own cells (a missing cell reads as empty): padding every row to the header would
    let a file of a few bytes a row hold millions of cells.

    Without `keep_rows` every record is still read (its limits checked) but no row is built.
    """
    records = iter(records)
    for _line_number, cells in records:
        if _blank(cells):
            continue
        width = len(cells)
        used = width - next((i for i, title in enumerate(reversed(cells)) if title.strip()), width)
        if used > limits.max_columns:
            raise ImportFileRejected(
                f"{name}: the header has {used:,} columns; at most {limits.max_columns:,} are allowed."
            )
        keep = [i for i, title in enumerate(cells) if not title.strip().startswith(SKIP_PREFIX)]
        # A CSV kickout file quoted the cells a spreadsheet would run as formulas: take those quotes off.
        restoring = kind == "csv" and any(title.strip() == formulas.MESSAGE_HEADER for title in cells)
        header = tuple(_restored(cells[i], restoring) for i in keep)
        rows = _rows(records, keep, width, restoring) if keep_rows else _drained(records)
        return SourceStream(name=name, kind=kind, header=header, rows=rows)
    raise ImportFileRejected(f"{name} has no header row.")


def _drained(records: Iterator[tuple[int, list[str]]]) -> Iterator[Row]:
    """Read every record (so its limits are checked) and build no row."""
    for _record in records:
        pass
    yield from ()


def _rows(records: Iterator[tuple[int, list[str]]], keep: list[int], width: int, restoring: bool) -> Iterator[Row]:
    """The data rows after the header: `*` columns dropped, blank rows skipped."""
    for line_number, cells in records:
        if restoring:
            cells = [formulas.restore(cell) for cell in cells]
        if len(cells) <= width and len(keep) == width:  # the usual row: every column kept, nothing extra
            kept = tuple(cells)
        else:
            extra = list(cells[width:])
            while extra and not extra[-1].strip():
                extra.pop()
            kept = tuple(cells[i] for i in keep if i < len(cells)) + tuple(extra)
        if not _blank(kept):
            yield _new(Row, (line_number, kept))
