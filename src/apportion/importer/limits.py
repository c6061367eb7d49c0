"""Size limits for import files and the error raised when a file breaks one or cannot be read at all."""

from __future__ import annotations

from dataclasses import dataclass

from apportion.domain.errors import RuleViolation

MIB = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    """How much an import may hold before it is refused (docs/security.md#limits lists each with its setting).

    `max_bytes` bounds the decoded upload; `max_uncompressed_bytes` bounds what a ZIP (or the ZIP inside an
    XLSX) expands to, counted while reading; `max_compression_ratio` (expanded / compressed) is checked once
    more than `ratio_check_from_bytes` have been expanded, so small, very regular files are not refused.
    `max_rows` counts rows after the header, over every file of the upload. `max_columns` bounds a header,
    `max_cells_per_row` every row (header included; for XLSX the sheet's last used column). These are checked
    while the file is read, so a request that breaks one is refused before a task exists.

    `max_message_chars` cuts the kickout message of one row; `max_kickout_bytes` bounds the kickout files of
    one import together: an import whose kickouts would be larger fails, having imported nothing.
    """

    max_bytes: int = 50 * MIB
    max_uncompressed_bytes: int = 200 * MIB
    max_files_in_zip: int = 200
    max_compression_ratio: int = 100
    max_rows: int = 1_000_000
    max_columns: int = 500
    max_cells_per_row: int = 1_000
    max_message_chars: int = 4_000
    max_kickout_bytes: int = 256 * MIB
    ratio_check_from_bytes: int = 1 * MIB


class ImportFileRejected(RuleViolation):
    """The import file cannot be read: empty, not UTF-8, an unknown type, corrupt, or over a size limit."""

    def __init__(self, message: str, field: str = "data") -> None:
        super().__init__(message, field)


def row_too_wide(name: str, line_number: int, cells: int, limits: ImportLimits) -> ImportFileRejected:
    """The refusal of a row (a CSV record, a sheet row) with more cells than `limits.max_cells_per_row`."""
    return ImportFileRejected(
        f"{name}: row {line_number} has {cells:,} cells; at most {limits.max_cells_per_row:,} are allowed."
    )
