"""Kickout files: the rows that were not imported, with the reason first, ready to fix and import again.

Layout (domain.md §4.10, §4.11, §7 Q15): the source's own type (CSV stays CSV, XLSX stays XLSX), its
header with a first column "*Kickout Message", then each kicked-out row with its message, in file order.
The `*` header makes the reader drop the message column, so the file re-imports with the same profile.

Safe to open: in a CSV kickout file every cell a spreadsheet would run as a formula gets a single quote in front
(`importer.formulas`, taken off again on import); XLSX cells are written as text, never as formulas. Each row's
message is cut at `max_message_chars`, and kickout files larger than `max_kickout_bytes` together are refused.
An import writes them as it goes (`KickoutFile`), a chunk of rows at a time. Names inside a ZIP of kickout files
are bare file names: no folders, no `..`, no absolute paths.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import PurePosixPath
from typing import IO, Any, Protocol

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from apportion.importer.formulas import MESSAGE_HEADER, neutralise, restore
from apportion.importer.limits import ImportFileRejected, ImportLimits
from apportion.importer.readers import SourceFile
from apportion.importer.rows import Kickout, cut

KICKOUT_SUFFIX = ".kickouts"
_SPOOL_BYTES = 1024 * 1024  # a CSV kickout file stays in memory up to this size, then goes to a temporary file


def kickout_file_name(source_name: str) -> str:
    """`bills/march.csv` -> `bills/march.kickouts.csv`: the extension, hence the kind, is kept."""
    path = PurePosixPath(source_name.replace("\\", "/"))
    stem = path.stem.removesuffix(KICKOUT_SUFFIX)  # a kickout file's own kickouts keep one suffix
    return str(path.with_name(f"{stem}{KICKOUT_SUFFIX}{path.suffix}"))


_ROW_PREFIX = re.compile(r"^Row \d+: ")
_NEXT_ROW = re.compile(r"; (?=Row \d+: )")


def reasons_of(message: str) -> list[str]:
    """A kickout message's reasons without their "Row n: " prefixes: what a summary of the kickouts lists.

    reasons_of("Row 3: a; Row 4: b") == ["a", "b"]; a message without prefixes is one reason.
    """
    return [_ROW_PREFIX.sub("", part) for part in _NEXT_ROW.split(message)]


def row_messages(name: str, content: bytes) -> Iterator[str]:
    """Each kicked-out row's message ("Row 3: ...", its first column) in a kickout file, in file order: the file
    keeps every row's message, while the task keeps each distinct reason once."""
    if name.lower().endswith(".xlsx"):
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        try:
            for (cell,) in workbook.worksheets[0].iter_rows(min_row=2, max_col=1, values_only=True):
                if cell:
                    yield str(cell)
        finally:
            workbook.close()
        return
    reader = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    next(reader, None)  # the header
    for cells in reader:
        if cells and cells[0]:
            yield restore(cells[0])


def _ordered(kickouts: Sequence[Kickout], max_message_chars: int) -> list[tuple[str, tuple[str, ...]]]:
    """(message, cells) per kicked-out row in file order; a row kicked out twice keeps both messages."""
    by_line: dict[int, tuple[list[str], tuple[str, ...]]] = {}
    for kickout in kickouts:
        messages, _ = by_line.setdefault(kickout.line_number, ([], kickout.cells))
        if kickout.message not in messages:
            messages.append(kickout.message)
    return [(cut("; ".join(messages), max_message_chars), cells) for _, (messages, cells) in sorted(by_line.items())]


def write_kickout_file(
    source: SourceFile, kickouts: Sequence[Kickout], limits: ImportLimits | None = None, used: int = 0
) -> tuple[str, bytes]:
    """The kickout file for one source file: (name, content) in the source's format.

    `used` is the size of the import's kickout files written before this one: together they may not pass
    `limits.max_kickout_bytes` (ImportFileRejected).
    """
    writer = KickoutFile(source.name, source.kind, source.header, limits, used)
    writer.add(kickouts)
    return writer.finish()


class KickoutFile:
    """One source file's kickout file, written as an import streams its rows: `add` the kickouts of each chunk of
    the file (chunks in file order), then `finish`.

    Rows go to a temporary file as they come (CSV text, or openpyxl's write-only sheet), so an import with many
    kickouts holds none of them in memory; `rows` counts the kicked-out rows and `messages` keeps each distinct
    reason once (`reasons_of`: without the "Row n: " that makes every row's message differ). Past
    `limits.max_kickout_bytes` (with `used`, the import's earlier kickout files) nothing more is written and `finish`
    refuses the file with the number of rows kicked out.
    """

    def __init__(
        self,
        source_name: str,
        kind: str,
        header: tuple[str, ...],
        limits: ImportLimits | None = None,
        used: int = 0,
    ) -> None:
        self.source_name, self.kind, self.header = source_name, kind, header
        self.limits = limits or ImportLimits()
        self.name = kickout_file_name(source_name)
        self.rows = 0
        self.messages: dict[str, None] = {}
        # Text size, a close estimate of either format's size: every cell, a separator each, a line end per row.
        self.size = used + self._estimate(MESSAGE_HEADER, header)
        self._text: IO[bytes] | None = None
        self._sheet: _Sheet | None = None
        self._workbook: Any = None

    @staticmethod
    def _estimate(message: str, cells: Sequence[str]) -> int:
        return len(message) + 2 + sum(len(cell) + 3 for cell in cells)

    @property
    def over(self) -> bool:
        """The kickout files would pass their size limit: nothing more is written."""
        return self.size > self.limits.max_kickout_bytes

    def add(self, kickouts: Sequence[Kickout]) -> None:
        """Write the kickouts of one chunk of the file (the rows of whole bills), in line order."""
        ordered = _ordered(kickouts, self.limits.max_message_chars)
        self.rows += len(ordered)
        for message in dict.fromkeys(kickout.message for kickout in kickouts):
            for reason in reasons_of(message):
                self.messages.setdefault(reason)
        for message, cells in ordered:
            self.size += self._estimate(message, cells)
        if self.over:
            self._discard()
            return
        if self.kind == "xlsx":
            sheet = self._xlsx_sheet()
            for message, cells in ordered:
                sheet.append([_text_cell(sheet, text) for text in (message, *cells)])
            return
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        for message, cells in ordered:
            writer.writerow([neutralise(message), *map(neutralise, cells)])
        self._csv_file().write(buffer.getvalue().encode("utf-8"))

    def _csv_file(self) -> IO[bytes]:
        if self._text is None:
            self._text = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115 (closed by finish)
            # The byte-order mark lets spreadsheet programs open non-ASCII text as UTF-8; the reader drops it.
            buffer = io.StringIO(newline="")
            csv.writer(buffer, lineterminator="\r\n").writerow(
                [neutralise(MESSAGE_HEADER), *map(neutralise, self.header)]
            )
            self._text.write(buffer.getvalue().encode("utf-8-sig"))
        return self._text

    def _xlsx_sheet(self) -> _Sheet:
        if self._sheet is None:
            self._workbook = openpyxl.Workbook(write_only=True)  # rows go to openpyxl's own temporary file
            sheet: _Sheet = self._workbook.create_sheet("Kickouts")
            sheet.append([_text_cell(sheet, text) for text in (MESSAGE_HEADER, *self.header)])
            self._sheet = sheet
        return self._sheet

    def _discard(self) -> None:
        if self._text is not None:
            self._text.close()
            self._text = None
        self._sheet = self._workbook = None

    def finish(self) -> tuple[str, bytes]:
        """(name, content) of the finished file; ImportFileRejected when the kickout files are over their limit."""
        if self.over:
            self._discard()
            raise ImportFileRejected(
                f"The kickout files of this import would be larger than the {self.limits.max_kickout_bytes:,}-byte "
                f"limit ({self.rows:,} rows of {self.source_name} kicked out); nothing was imported. Fix the most "
                "common kickout reason in the file and import it again."
            )
        if self.kind == "xlsx":
            self._xlsx_sheet()
            buffer = io.BytesIO()
            self._workbook.save(buffer)
            self._discard()
            return self.name, buffer.getvalue()
        text = self._csv_file()
        text.seek(0)
        content = text.read()
        self._discard()
        return self.name, content


class _Sheet(Protocol):
    """What a kickout file uses of openpyxl's write-only worksheet (openpyxl has no type hints)."""

    def append(self, row: list[object]) -> None:
        """Write one row of cells after the last."""


def _text_cell(sheet: object, text: str) -> object:
    """A cell holding `text` as text: never read as a formula, with characters XML cannot hold removed."""
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", text) or None)
    if cell.value is not None:
        cell.data_type = "s"
    return cell


def bare_name(name: str) -> str:
    """A file name safe to put in a ZIP: the last part of `name` (no folders, drive or `..`), never empty.

    bare_name("bills/march.kickouts.csv") == "march.kickouts.csv"; bare_name("../../x.csv") == "x.csv";
    bare_name("C:\\temp\\x.csv") == "x.csv"; bare_name("..") == "kickouts".
    """
    last = PurePosixPath(name.replace("\\", "/")).name.split(":")[-1].strip()
    return last if last not in ("", ".", "..") else "kickouts"


def zip_files(files: Sequence[tuple[str, bytes]]) -> bytes:
    """A ZIP of (name, content) files, e.g. every kickout file of a task for re-import (domain.md §4.11).

    Members get bare file names (`bare_name`); a repeated name gets "-2", "-3" ... before its extension.
    """
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            bare = bare_name(name)
            unique, n = bare, 1
            while unique.casefold() in used:
                n += 1
                path = PurePosixPath(bare)
                unique = f"{path.stem}-{n}{path.suffix}"
            used.add(unique.casefold())
            archive.writestr(unique, content)
    return buffer.getvalue()
