"""Kickout files: the rows that were not imported, with the reason first, ready to fix and import again.

Layout (domain.md §4.10, §4.11, §7 Q15): the source's own type (CSV stays CSV, XLSX stays XLSX), its
header with a first column "*Kickout Message", then each kicked-out row with its message, in file order.
The `*` header makes the reader drop the message column, so the file re-imports with the same profile.
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

from apportion.importer.readers import SourceFile
from apportion.importer.rows import Kickout

MESSAGE_HEADER = "*Kickout Message"
KICKOUT_SUFFIX = ".kickouts"


def kickout_file_name(source_name: str) -> str:
    """`bills/march.csv` -> `bills/march.kickouts.csv`: the extension, hence the kind, is kept."""
    path = PurePosixPath(source_name.replace("\\", "/"))
    stem = path.stem.removesuffix(KICKOUT_SUFFIX)  # a kickout file's own kickouts keep one suffix
    return str(path.with_name(f"{stem}{KICKOUT_SUFFIX}{path.suffix}"))


def _ordered(kickouts: Sequence[Kickout]) -> list[tuple[str, tuple[str, ...]]]:
    """(message, cells) per kicked-out row in file order; a row kicked out twice keeps both messages."""
    by_line: dict[int, tuple[list[str], tuple[str, ...]]] = {}
    for kickout in kickouts:
        messages, _ = by_line.setdefault(kickout.line_number, ([], kickout.cells))
        if kickout.message not in messages:
            messages.append(kickout.message)
    return [("; ".join(messages), cells) for _, (messages, cells) in sorted(by_line.items())]


def write_kickout_file(source: SourceFile, kickouts: Sequence[Kickout]) -> tuple[str, bytes]:
    """The kickout file for one source file: (name, content) in the source's format."""
    rows = [(MESSAGE_HEADER, source.header), *_ordered(kickouts)]
    name = kickout_file_name(source.name)
    if source.kind == "xlsx":
        return name, _xlsx(rows)
    return name, _csv(rows)


def _csv(rows: list[tuple[str, tuple[str, ...]]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for message, cells in rows:
        writer.writerow([message, *cells])
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


def zip_files(files: Sequence[tuple[str, bytes]]) -> bytes:
    """A ZIP of (name, content) files, e.g. every kickout file of a task for re-import (domain.md §4.11).

    Names are kept; a repeated name gets "-2", "-3" ... before its extension.
    """
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            unique, n = name, 1
            while unique.casefold() in used:
                n += 1
                path = PurePosixPath(name)
                unique = str(path.with_name(f"{path.stem}-{n}{path.suffix}"))
            used.add(unique.casefold())
            archive.writestr(unique, content)
    return buffer.getvalue()
