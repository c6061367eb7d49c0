"""Kickout files: the rows that were not imported, with the reason first, ready to fix and import again.

Layout (domain.md §4.10, §4.11, §7 Q15): the source's own type (CSV stays CSV, XLSX stays XLSX), its
header with a first column "*Kickout Message", then each kicked-out row with its message, in file order.
The `*` header makes the reader drop the message column, so the file re-imports with the same profile.

Safe to open: in a CSV kickout file every cell a spreadsheet would run as a formula gets a single quote in front
(`importer.formulas`, taken off again on import); XLSX cells are written as text, never as formulas. Each row's
message is cut at `max_message_chars`, and a file that would be larger than `max_bytes` is refused before it is
built. Names inside a ZIP of kickout files are bare file names: no folders, no `..`, no absolute paths.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from pathlib import PurePosixPath

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from apportion.importer.formulas import MESSAGE_HEADER, neutralise
from apportion.importer.limits import ImportFileRejected, ImportLimits
from apportion.importer.readers import SourceFile
from apportion.importer.rows import Kickout, cut

KICKOUT_SUFFIX = ".kickouts"


def kickout_file_name(source_name: str) -> str:
    """`bills/march.csv` -> `bills/march.kickouts.csv`: the extension, hence the kind, is kept."""
    path = PurePosixPath(source_name.replace("\\", "/"))
    stem = path.stem.removesuffix(KICKOUT_SUFFIX)  # a kickout file's own kickouts keep one suffix
    return str(path.with_name(f"{stem}{KICKOUT_SUFFIX}{path.suffix}"))


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
    `limits.max_kickout_bytes` (ImportFileRejected, before anything is built).
    """
    limits = limits or ImportLimits()
    rows = [(MESSAGE_HEADER, source.header), *_ordered(kickouts, limits.max_message_chars)]
    # Text size, a close estimate of either format's size: every cell, a separator each, a line end per row.
    size = used + sum(len(message) + 2 + sum(len(cell) + 3 for cell in cells) for message, cells in rows)
    if size > limits.max_kickout_bytes:
        raise ImportFileRejected(
            f"The kickout files of this import would be larger than the {limits.max_kickout_bytes:,}-byte limit "
            f"({len(rows) - 1:,} rows of {source.name} kicked out); nothing was imported. Fix the most common "
            "kickout reason in the file and import it again."
        )
    name = kickout_file_name(source.name)
    if source.kind == "xlsx":
        return name, _xlsx(rows)
    return name, _csv(rows)


def _csv(rows: list[tuple[str, tuple[str, ...]]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for message, cells in rows:
        writer.writerow([neutralise(message), *map(neutralise, cells)])
    # The byte-order mark lets spreadsheet programs open non-ASCII text as UTF-8; the reader drops it.
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(rows: list[tuple[str, tuple[str, ...]]]) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Kickouts")
    for message, cells in rows:
        sheet.append([_text_cell(sheet, text) for text in (message, *cells)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
